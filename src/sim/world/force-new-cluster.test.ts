// --force-new-cluster through the world's input API (spec server.md §4.3 case 4), with
// the Raft invariant checker on: the member restarts alone from its WAL and snapshot,
// uncommitted entries are discarded, the others are removed by conf changes, and the
// old members restarted later are not part of its cluster.

import { describe, expect, it } from 'vitest';
import { World } from './world';
import type { TraceEvent } from '../trace/trace';

function responses(w: World, label: string): TraceEvent[] {
  return w.trace.filter((e) => e.kind === 'world.response' && e.label === label);
}

/** Runs until the labelled request has its answer; returns it. */
function answer(w: World, label: string, ms = 10_000): TraceEvent & { kind: 'world.response' } {
  w.runUntilTrue(() => responses(w, label).length > 0, ms);
  const r = responses(w, label)[0];
  expect(r, `no answer to ${label}`).toBeDefined();
  return r as TraceEvent & { kind: 'world.response' };
}

describe('restart input with forceNewCluster', () => {
  // m1 leads, is cut off with c1 and takes a write it cannot commit; m2 and m3 go on
  // without it; every member crashes; m1 is forced into a new cluster.
  const build = (seed: number): World => {
    const w = new World({ members: 3, seed, clients: [{ endpoints: ['http://m1:2379'] }] });
    w.runUntilTrue(() => w.leader() !== undefined && w.client('c1').client !== undefined, 10_000);
    if (!w.member('m1').isLeader) {
      w.input({ type: 'transfer-leader', to: 'm1' });
      w.runUntilTrue(() => w.member('m1').isLeader, 5_000);
    }
    w.input({ type: 'request', client: 'c1', label: 'committed', request: { op: 'put', key: 'a', value: '1' } });
    expect(answer(w, 'committed').outcome).toBe('ok');
    w.input({ type: 'partition', groups: [['m1', 'c1'], ['m2', 'm3']] });
    w.input({ type: 'request', client: 'c1', label: 'lost', request: { op: 'put', key: 'lost', value: 'x' }, timeoutMs: 1_000 });
    expect(answer(w, 'lost').outcome).toBe('error');
    w.runUntilTrue(() => w.member('m2').isLeader || w.member('m3').isLeader, 10_000);
    w.runFor(1_000);
    for (const m of ['m1', 'm2', 'm3']) w.input({ type: 'crash', member: m });
    w.input({ type: 'heal' });
    w.runFor(100);
    w.input({ type: 'restart', member: 'm1', forceNewCluster: true });
    return w;
  };

  it('restarts the member alone: uncommitted entries discarded, the others removed, it leads and serves writes', () => {
    const w = build(7);
    const m1 = w.member('m1');
    expect(m1.mode).toBe('force-new-cluster');
    const start = w.trace.filter((e) => e.kind === 'server.start' && e.source === 'm1').at(-1);
    expect(start).toMatchObject({ mode: 'force-new-cluster' });
    expect(start?.reason).toMatch(/restart as a single-member cluster; [1-9]\d* uncommitted entries discarded, conf changes appended removing members [0-9a-f]+, [0-9a-f]+/);
    expect(w.runUntilTrue(() => m1.isLeader, 5_000)).toBe(true);
    expect(m1.memberList().map((m) => m.name)).toEqual(['m1']);
    const removals = w.trace.flatMap((e) => (e.kind === 'server.member' && e.source === 'm1' && e.op === 'ConfChangeRemoveNode' && e.t >= (start?.t ?? 0) ? [e.member] : []));
    expect(removals.sort()).toEqual([w.member('m2').view().id, w.member('m3').view().id].sort());
    w.input({ type: 'request', client: 'c1', label: 'get-lost', request: { op: 'get', key: 'lost' } });
    expect(answer(w, 'get-lost')).toMatchObject({ outcome: 'ok', result: 'no key' });
    w.input({ type: 'request', client: 'c1', label: 'get-a', request: { op: 'get', key: 'a' } });
    expect(answer(w, 'get-a')).toMatchObject({ outcome: 'ok', result: 'a=1' });
    w.input({ type: 'request', client: 'c1', label: 'after', request: { op: 'put', key: 'b', value: '2' } });
    expect(answer(w, 'after').outcome).toBe('ok');
    expect(w.violations).toEqual([]);
    expect(World.replay(w.config, w.inputs, w.now).hash()).toBe(w.hash());
  });

  it('the old members restarted later are not part of its cluster', () => {
    const w = build(8);
    const m1 = w.member('m1');
    expect(w.runUntilTrue(() => m1.isLeader, 5_000)).toBe(true);
    w.input({ type: 'restart', member: 'm2' });
    w.input({ type: 'restart', member: 'm3' });
    // Their messages reach m1, which answers that they were removed: they stop.
    expect(w.runUntilTrue(() => w.member('m2').status === 'removed' && w.member('m3').status === 'removed', 20_000)).toBe(true);
    expect(m1.isLeader).toBe(true);
    expect(m1.memberList().map((m) => m.name)).toEqual(['m1']);
    w.input({ type: 'request', client: 'c1', label: 'after', request: { op: 'put', key: 'b', value: '2' } });
    expect(answer(w, 'after').outcome).toBe('ok');
    expect(w.violations).toEqual([]);
  });

  it('is refused for a running member, and a later plain restart is a normal one', () => {
    const w = new World({ members: 3, seed: 3 });
    w.runUntilTrue(() => w.leader() !== undefined, 5_000);
    expect(() => w.input({ type: 'restart', member: 'm2', forceNewCluster: true })).toThrow(/member m2 is running: crash or stop it before restarting it with forceNewCluster/);
    w.input({ type: 'crash', member: 'm2' });
    w.input({ type: 'restart', member: 'm2', forceNewCluster: true });
    expect(w.runUntilTrue(() => w.member('m2').isLeader, 5_000)).toBe(true);
    w.input({ type: 'crash', member: 'm2' });
    w.input({ type: 'restart', member: 'm2' });
    expect(w.member('m2').mode).toBe('restart');
    expect(w.runUntilTrue(() => w.member('m2').isLeader, 5_000)).toBe(true);
    expect(w.member('m2').memberList().map((m) => m.name)).toEqual(['m2']);
    expect(w.violations).toEqual([]);
  });
});
