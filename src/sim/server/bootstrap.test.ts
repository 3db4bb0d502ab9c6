import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IndexedDBBackend } from '../storage/backend/indexeddb';
import type { ServerError } from './errors';
import type { EtcdServer } from './server';
import { TestCluster } from './testing/cluster';

function putN(c: TestCluster, s: EtcdServer, n: number, prefix = 'k'): void {
  let acked = 0;
  for (let i = 0; i < n; i++) s.put({ key: `${prefix}${i}`, value: `v${i}` }, {}, (err) => void (err === undefined && acked++));
  c.runUntil(() => acked === n, 60_000);
  expect(acked).toBe(n);
}

function sameState(c: TestCluster): void {
  expect(c.waitConverged()).toBe(true);
  expect(new Set(c.running().map((m) => TestCluster.dump(m))).size).toBe(1);
}

describe('bootstrap paths', () => {
  it('new cluster: members get etcd-style IDs and publish their names', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.runUntil(() => l.memberList().every((m) => m.name !== ''));
    const members = l.memberList();
    expect(members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(new Set(members.map((m) => m.id)).size).toBe(3);
    expect(c.members.every((m) => m.mode === 'new')).toBe(true);
    expect(c.members.every((m) => m.clusterId === l.clusterId)).toBe(true);
  });

  it('restart from the WAL: a crashed follower and then the whole cluster come back with every write', async () => {
    const c = await TestCluster.create({ size: 3 });
    let l = c.waitForLeader();
    putN(c, l, 20, 'a');
    const f = c.members.find((m) => m !== l) as EtcdServer;
    f.crash();
    putN(c, l, 20, 'b');
    f.start();
    expect(f.mode).toBe('restart');
    sameState(c);
    for (const m of c.members) m.crash();
    for (const m of c.members) m.start();
    l = c.waitForLeader();
    expect(c.get(l, 'a19')).toBe('v19');
    expect(c.get(l, 'b0')).toBe('v0');
    sameState(c);
    // A graceful stop of the leader hands leadership over first.
    l = c.waitForLeader();
    let stopped = false;
    l.stop(() => (stopped = true));
    c.runUntil(() => stopped, 10_000);
    expect(l.status).toBe('stopped');
    const next = c.waitForLeader();
    expect(next).not.toBe(l);
    l.start();
    sameState(c);
    expect(c.violations).toEqual([]);
  });

  it('snapshots: a follower behind the compacted log catches up from a merged snapshot, and restarts from it', async () => {
    const c = await TestCluster.create({ size: 3, config: { snapshotCount: 50, snapshotCatchUpEntries: 20 } });
    const l = c.waitForLeader();
    const f = c.members.find((m) => m !== l) as EtcdServer;
    f.crash();
    putN(c, l, 400);
    expect(l.view().firstIndex).toBeGreaterThan(100);
    f.start();
    sameState(c);
    expect(f.view().snapshotIndex).toBeGreaterThan(0);
    expect(c.get(f, 'k399', true)).toBe('v399');
    // The follower restarts from its snapshot, db and WAL.
    f.crash();
    f.start();
    sameState(c);
    expect(c.get(f, 'k0', true)).toBe('v0');
    expect(c.violations).toEqual([]);
  });

  it('--force-new-cluster: one member restarts alone with the committed data', async () => {
    const c = await TestCluster.create({ size: 3, config: { backendBatchIntervalMs: 100 } });
    const l = c.waitForLeader();
    putN(c, l, 10);
    c.run(200); // a backend batch commit
    for (const m of c.members) m.crash();
    const m1 = c.member('m1');
    (m1.config as { forceNewCluster: boolean }).forceNewCluster = true;
    m1.start();
    expect(m1.mode).toBe('force-new-cluster');
    c.runUntil(() => m1.isLeader, 10_000);
    expect(m1.isLeader).toBe(true);
    c.runUntil(() => m1.memberList().length === 1);
    expect(m1.memberList().map((m) => m.name)).toEqual(['m1']);
    expect(c.get(m1, 'k9')).toBe('v9');
    expect(c.put(m1, 'after', 'x').err).toBeUndefined();
  });

  it('join after MemberAdd; learner add and promote with etcd rules; remove', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.run(6_000);
    putN(c, l, 10);
    const initial = [1, 2, 3].map((i) => ({ name: `m${i}`, peerURL: `http://m${i}:2380` }));
    // A voting member.
    const add = c.call<{ member: { id: number } }>((d) => l.memberAdd({ peerURLs: ['http://m4:2380'] }, {}, d));
    expect(add.err).toBeUndefined();
    const m4 = await c.addServer('m4', [...initial, { name: 'm4', peerURL: 'http://m4:2380' }], { initialClusterState: 'existing' });
    m4.start();
    c.runUntil(() => m4.isRunning && m4.appliedIndex === l.appliedIndex && m4.appliedIndex > 0, 20_000);
    expect(m4.failure?.message).toBeUndefined();
    expect(m4.mode).toBe('join');
    expect(m4.id).toBe(add.resp?.member.id);
    expect(c.get(m4, 'k9', true)).toBe('v9');
    c.runUntil(() => l.memberList().find((m) => m.id === m4.id)?.name === 'm4');
    c.run(6_000); // strict reconfig: peers connected for 5 s
    // Bad URLs.
    const bad = c.call((d) => l.memberAdd({ peerURLs: ['not a url'] }, {}, d));
    expect((bad.err as ServerError).name).toBe('ErrGRPCMemberBadURLs');
    // A learner, then a second one: too many learners.
    const learner = c.call<{ member: { id: number } }>((d) => l.memberAdd({ peerURLs: ['http://m5:2380'], isLearner: true }, {}, d));
    expect(learner.err).toBeUndefined();
    const second = c.call((d) => l.memberAdd({ peerURLs: ['http://m6:2380'], isLearner: true }, {}, d));
    expect((second.err as ServerError).name).toBe('ErrTooManyLearners');
    const lid = learner.resp?.member.id ?? 0;
    // Not started yet: not in sync with the leader.
    expect((c.call((d) => l.memberPromote({ id: lid }, {}, d)).err as ServerError).name).toBe('ErrLearnerNotReady');
    expect((c.call((d) => l.memberPromote({ id: m4.id }, {}, d)).err as ServerError).name).toBe('ErrMemberNotLearner');
    const m5 = await c.addServer('m5', [...initial, { name: 'm5', peerURL: 'http://m5:2380' }], { initialClusterState: 'existing' });
    m5.start();
    c.runUntil(() => (l.node.rawNode.raft.trk.progress.get(lid)?.match ?? 0) >= l.node.rawNode.raft.raftLog.lastIndex(), 20_000);
    // Asked on a follower, the promote is forwarded to the leader.
    const follower = c.members.find((m) => m.isRunning && m !== l && m !== m5) as EtcdServer;
    const promoted = c.call((d) => follower.memberPromote({ id: lid }, {}, d));
    expect(promoted.err).toBeUndefined();
    expect(l.memberList().find((m) => m.id === lid)?.isLearner).toBe(false);
    c.run(6_000);
    // Remove m4: it stops itself after applying its removal.
    const removed = c.call((d) => l.memberRemove({ id: m4.id }, {}, d));
    expect(removed.err).toBeUndefined();
    c.runUntil(() => m4.status === 'removed', 5_000);
    expect(m4.status).toBe('removed');
    const again = c.call((d) => l.memberRemove({ id: m4.id }, {}, d));
    expect((again.err as ServerError).name).toBe('ErrIDRemoved');
    sameState(c);
    expect(c.violations).toEqual([]);
  });

  it('runs on IndexedDB (fake-indexeddb) and restarts from it', async () => {
    const c = await TestCluster.create({ size: 1, backend: (name) => IndexedDBBackend.open('server-test', name) });
    let ok = false;
    const s = c.members[0];
    // Real IndexedDB commits: run with the async kernel API.
    for (let t = 0; t < 3_000 && !s.isLeader; t += 100) await c.kernel.runUntilAsync(c.kernel.now + 100);
    s.put({ key: 'durable', value: 'yes' }, {}, (err) => (ok = err === undefined));
    for (let t = 0; t < 3_000 && !ok; t += 100) await c.kernel.runUntilAsync(c.kernel.now + 100);
    expect(ok).toBe(true);
    s.crash();
    s.start();
    for (let t = 0; t < 3_000 && !s.isLeader; t += 100) await c.kernel.runUntilAsync(c.kernel.now + 100);
    expect(s.kv.currentRevision).toBeGreaterThanOrEqual(2);
  });
});

describe('membership under faults', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('a conf change survives a leader crash and a full restart (seed %i)', async (seed) => {
    const c = await TestCluster.create({ size: 3, seed, config: { snapshotCount: 30, snapshotCatchUpEntries: 5 } });
    let l = c.waitForLeader();
    c.run(6_000);
    putN(c, l, 40);
    const initial = [1, 2, 3].map((i) => ({ name: `m${i}`, peerURL: `http://m${i}:2380` }));
    let added: Error | undefined | null = null;
    l.memberAdd({ peerURLs: ['http://m4:2380'] }, {}, (err) => (added = err ?? undefined));
    // Crash the leader as soon as the conf change is proposed.
    c.run(seed % 4);
    l.crash();
    c.runUntil(() => added !== null, 3_000);
    l.start();
    l = c.waitForLeader();
    c.runUntil(() => c.running().every((m) => m.memberList().length === 4), 10_000);
    const m4 = await c.addServer('m4', [...initial, { name: 'm4', peerURL: 'http://m4:2380' }], { initialClusterState: 'existing' });
    if (l.memberList().length === 4) {
      m4.start();
      putN(c, l, 40, 'after');
      c.runUntil(() => m4.isRunning && m4.appliedIndex === l.appliedIndex, 20_000);
    }
    for (const m of c.members) m.crash();
    for (const m of c.members) m.start();
    c.waitForLeader(20_000);
    expect(c.waitConverged(30_000)).toBe(true);
    expect(new Set(c.running().map((m) => TestCluster.dump(m))).size).toBe(1);
    expect(new Set(c.running().map((m) => JSON.stringify(m.memberList().map((x) => x.id)))).size).toBe(1);
    expect(c.violations).toEqual([]);
  });
});

describe('clean stop and restart', () => {
  it('a stopped member restarts from its WAL and the invariant checker follows it', async () => {
    const c = await TestCluster.create({ size: 3, seed: 12 });
    c.waitForLeader();
    const m = c.members.find((s) => !s.isLeader)!;
    c.put(c.leader()!, 'k', 'v');
    m.stop();
    c.run(500);
    m.start();
    c.waitForLeader();
    expect(c.waitConverged()).toBe(true);
    expect(m.status).toBe('running');
    expect(c.get(m, 'k', true)).toBe('v');
    expect(c.violations).toEqual([]);
  });
});
