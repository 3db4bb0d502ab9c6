// A crash at virtual t=0, before any Ready: the member's WAL was created but not yet
// durable, so it comes back as a new member (etcd finds no WAL), and the Raft invariant
// checker sees a clean crash and restart from empty storage.

import { describe, expect, it } from 'vitest';
import { World } from './world';

describe('crash at t=0', () => {
  it('one member: it restarts without a WAL and follows the leader, with no invariant violated', () => {
    const w = new World({ members: 3, seed: 1 });
    w.input({ type: 'crash', member: 'm1' });
    w.runFor(10);
    w.input({ type: 'restart', member: 'm1' });
    const m1 = w.member('m1');
    expect(m1.mode).toBe('new');
    const start = w.trace.filter((e) => e.kind === 'server.start' && e.source === 'm1').at(-1);
    expect(start?.reason).toMatch(/the WAL created before the crash was not durable yet/);
    expect(w.runUntilTrue(() => w.leader() !== undefined && m1.lead === w.leader()?.id, 10_000)).toBe(true);
    expect(w.violations).toEqual([]);
    expect(World.replay(w.config, w.inputs, w.now).hash()).toBe(w.hash());
  });

  it('every member: the cluster bootstraps again and elects a leader', () => {
    const w = new World({ members: 3, seed: 2 });
    for (const m of ['m1', 'm2', 'm3']) w.input({ type: 'crash', member: m });
    for (const m of ['m1', 'm2', 'm3']) w.input({ type: 'restart', member: m });
    expect(w.runUntilTrue(() => w.leader() !== undefined && w.members.every((m) => m.lead === w.leader()?.id), 10_000)).toBe(true);
    expect(w.violations).toEqual([]);
  });
});
