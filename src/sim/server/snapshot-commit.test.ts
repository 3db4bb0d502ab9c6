// Regression (fuzz seeds 100, 107): an old leader, healed after being partitioned alone,
// holds uncommitted entries of its old term and is caught up by a snapshot. Raft moves its
// commit to the snapshot's index as it restores it (raft.md §9.2-9.3); the checker must see
// that commit only after the durable snapshot, never over the stale entries it replaces.

import { describe, expect, it } from 'vitest';
import { TestCluster } from './testing/cluster';

describe('snapshot catch-up of an old leader', () => {
  it('reports the commit that comes with a snapshot after the snapshot', async () => {
    const c = await TestCluster.create({
      size: 3,
      seed: 107,
      traceLevel: 'info',
      config: { snapshotCount: 10, snapshotCatchUpEntries: 5 },
    });
    const snapshotsApplied: string[] = [];
    c.kernel.trace.subscribe((e) => {
      if (e.kind === 'server.apply.snapshot') snapshotsApplied.push(e.source);
    });
    const old = c.waitForLeader();
    const others = c.members.filter((m) => m !== old);
    c.partition([old.name], others.map((m) => m.name));

    // Entries the isolated leader appends in its term but can never commit.
    for (let i = 0; i < 3; i++) old.put({ key: `stale${i}`, value: 'x' }, {}, () => {});
    c.run(100);

    // The majority elects a new leader and writes well past snapshot-count, so it
    // compacts its log and can only catch the old leader up with a snapshot.
    const newLeader = () => others.find((m) => m.isLeader);
    expect(c.runUntil(() => newLeader() !== undefined)).toBe(true);
    const leader = newLeader();
    if (leader === undefined) return;
    for (let i = 0; i < 60; i++) expect(c.put(leader, `k${i}`, `v${i}`).err).toBeUndefined();

    c.heal();
    expect(c.waitConverged(30_000)).toBe(true);
    expect(snapshotsApplied).toContain(old.name);
    expect(new Set(c.members.map((m) => TestCluster.dump(m))).size).toBe(1);
    expect(c.get(old, 'stale0', true)).toBeUndefined();
    expect(c.violations).toEqual([]);
  });
});
