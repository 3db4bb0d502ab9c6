import { describe, expect, it } from 'vitest';
import { toGRPCError } from './errors';
import type { ServerError } from './errors';
import { TestCluster } from './testing/cluster';

function grpc(err: Error | undefined): string {
  if (err === undefined) return 'OK';
  const s = toGRPCError(err);
  return `${s.code} ${s.details}`;
}

describe('request path', () => {
  it('validates requests before proposing them (v3rpc key.go)', async () => {
    const c = await TestCluster.create({ size: 1 });
    const s = c.waitForLeader();
    expect(grpc(c.call((d) => s.put({ key: '' }, {}, d)).err)).toBe('3 etcdserver: key is not provided');
    expect(grpc(c.call((d) => s.put({ key: 'a', value: 'x', ignoreValue: true }, {}, d)).err)).toBe('3 etcdserver: value is provided');
    expect(grpc(c.call((d) => s.put({ key: 'a', lease: 5, ignoreLease: true }, {}, d)).err)).toBe('3 etcdserver: lease is provided');
    expect(grpc(c.call((d) => s.range({ key: '' }, {}, d)).err)).toBe('3 etcdserver: key is not provided');
    const dup = { success: [{ requestPut: { key: 'a' } }, { requestPut: { key: 'a' } }] };
    expect(grpc(c.call((d) => s.txn(dup, {}, d)).err)).toBe('3 etcdserver: duplicate key given in txn request');
    const delThenPut = { success: [{ requestDeleteRange: { key: 'a', rangeEnd: 'c' } }, { requestPut: { key: 'b' } }] };
    expect(grpc(c.call((d) => s.txn(delThenPut, {}, d)).err)).toBe('3 etcdserver: duplicate key given in txn request');
    const thenElse = { success: [{ requestTxn: { success: [{ requestPut: { key: 'a' } }], failure: [{ requestPut: { key: 'a' } }] } }] };
    expect(grpc(c.call((d) => s.txn(thenElse, {}, d)).err)).toBe('OK');
    const many = { success: Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: `k${i}` } })) };
    expect(grpc(c.call((d) => s.txn(many, {}, d)).err)).toBe('3 etcdserver: too many operations in txn request');
    expect(grpc(c.call((d) => s.txn({ success: [{}] }, {}, d)).err)).toBe('3 etcdserver: key not found');
    expect(c.violations).toEqual([]);
  });

  it('rejects a request above MaxRequestBytes with ErrRequestTooLarge', async () => {
    const c = await TestCluster.create({ size: 3 });
    const s = c.waitForLeader();
    const r = c.call((d) => s.put({ key: 'big', value: 'x'.repeat(1.5 * 1024 * 1024) }, {}, d));
    expect((r.err as ServerError).name).toBe('ErrRequestTooLarge');
    expect(grpc(r.err)).toBe('3 etcdserver: request is too large');
    expect(c.put(s, 'small', 'x'.repeat(1024 * 1024)).err).toBeUndefined();
  });

  it('serves put, range (linearizable and serializable), delete, txn and compact with etcd headers', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const f = c.members.find((m) => m !== l) as (typeof c.members)[number];
    const p = c.call<{ header: { revision: number; memberId: number; raftTerm: number } }>((d) => f.put({ key: 'k', value: 'v1' }, {}, d));
    expect(p.err).toBeUndefined();
    expect(p.resp?.header.revision).toBe(2);
    expect(p.resp?.header.memberId).toBe(f.id);
    expect(c.get(f, 'k')).toBe('v1');
    c.put(l, 'k', 'v2');
    const t = c.call<{ succeeded: boolean }>((d) =>
      l.txn({ compare: [{ key: 'k', target: 3, result: 0, value: 'v2' }], success: [{ requestPut: { key: 'k', value: 'v3' } }] }, {}, d),
    );
    expect(t.resp?.succeeded).toBe(true);
    expect(c.get(f, 'k')).toBe('v3');
    expect(c.call((d) => l.compact({ revision: 3 }, {}, d)).err).toBeUndefined();
    const old = c.call((d) => l.range({ key: 'k', revision: 2 }, {}, d));
    expect(grpc(old.err)).toBe('11 etcdserver: mvcc: required revision has been compacted');
    const del = c.call<{ deleted: number }>((d) => f.deleteRange({ key: 'k' }, {}, d));
    expect(del.resp?.deleted).toBe(1);
    expect(c.waitConverged()).toBe(true);
    const dumps = new Set(c.members.map((m) => TestCluster.dump(m)));
    expect(dumps.size).toBe(1);
    expect(c.violations).toEqual([]);
  });

  it('grants and revokes leases; the leader revokes an expired lease and its keys go everywhere', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const g = c.call<{ id: number; ttl: number }>((d) => l.leaseGrant({ ttl: 1 }, {}, d));
    expect(g.err).toBeUndefined();
    expect(g.resp?.ttl).toBe(2); // raised to minLeaseTTL
    const id = g.resp?.id ?? 0;
    expect(c.call((d) => l.put({ key: 'eph', value: 'x', lease: id }, {}, d)).err).toBeUndefined();
    expect(grpc(c.call((d) => l.put({ key: 'e2', lease: 12345 }, {}, d)).err)).toBe('5 etcdserver: requested lease not found');
    c.run(5_000);
    expect(c.waitConverged()).toBe(true);
    for (const m of c.members) expect(c.get(m, 'eph', true)).toBeUndefined();
    expect(grpc(c.call((d) => l.leaseRevoke({ id }, {}, d)).err)).toBe('5 etcdserver: requested lease not found');
  });

  it('returns the raw context error when no leader is known (the proposal never enters raft)', async () => {
    const c = await TestCluster.create({ size: 3 });
    c.waitForLeader();
    const f = c.members.find((m) => !m.isLeader) as (typeof c.members)[number];
    c.partition([f.name], c.members.filter((m) => m !== f).map((m) => m.name));
    c.runUntil(() => f.lead === 0, 10_000);
    const start = c.kernel.now;
    const r = c.call((d) => f.put({ key: 'x', value: 'y' }, {}, d));
    expect(grpc(r.err)).toBe('4 context deadline exceeded');
    expect(c.kernel.now - start).toBe(7_000); // ReqTimeout = 5 s + 2 x 1 s
    expect(c.violations).toEqual([]);
  });

  it('classifies a timeout on a partitioned leader as ErrTimeoutDueToConnectionLost', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.run(6_000); // peers connected for a while
    c.partition([l.name], c.members.filter((m) => m !== l).map((m) => m.name));
    const r = c.call((d) => l.put({ key: 'x', value: 'y' }, {}, d));
    // The old leader steps down (check quorum) before the deadline: no leader → ErrTimeout,
    // unless it still leads; either way the write is not acknowledged.
    expect(['ErrTimeoutDueToConnectionLost', 'ErrTimeout']).toContain((r.err as ServerError).name);
    expect(grpc(r.err)).toMatch(/^14 etcdserver: request timed out/);
    c.heal();
    c.waitForLeader();
    expect(c.violations).toEqual([]);
  });

  it('classifies a follower timeout as ErrTimeoutDueToConnectionLost when its stream to the leader broke', async () => {
    const c = await TestCluster.create({ size: 3, config: { preVote: true } });
    const l = c.waitForLeader();
    c.run(6_000);
    const f = c.members.find((m) => m !== l) as (typeof c.members)[number];
    // One-way: the follower hears the leader's heartbeats (keeps it as leader), but its
    // proposals never reach it: its stream writes stall, and after rafthttp's 5 s write
    // timeout the connection breaks, so the leader is not connected since the request
    // started (v3_server.go parseProposeCtxErr, isConnectedSince).
    c.net.block(f.name, l.name);
    const r = c.call((d) => f.put({ key: 'x', value: 'y' }, {}, d));
    expect(f.lead).toBe(l.id);
    expect((r.err as ServerError).name).toBe('ErrTimeoutDueToConnectionLost');
    c.heal();
    expect(c.violations).toEqual([]);
  });

  it('returns ErrTooManyRequests when the apply falls more than 5000 entries behind the commit', async () => {
    const c = await TestCluster.create({ size: 1, config: { applyDelayPerEntryMs: 5 } });
    const s = c.waitForLeader();
    for (let i = 0; i < 5_200; i++) s.put({ key: `k${i % 50}`, value: 'v' }, {}, () => {});
    c.runUntil(() => s.committedIndex > s.appliedIndex + 5_000, 5_000);
    expect(s.committedIndex - s.appliedIndex).toBeGreaterThan(5_000);
    const r = c.call((d) => s.put({ key: 'late', value: 'v' }, {}, d), 1);
    expect((r.err as ServerError).name).toBe('ErrTooManyRequests');
    expect(grpc(r.err)).toBe('2 etcdserver: too many requests');
    // Once the apply catches up, proposals are accepted again.
    expect(c.runUntil(() => s.appliedIndex === s.committedIndex, 60_000)).toBe(true);
    expect(c.put(s, 'late', 'v').err).toBeUndefined();
  });

  it('batches linearizable reads and fails them with ErrLeaderChanged when the leader changes', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.put(l, 'a', '1');
    const f = c.members.find((m) => m !== l) as (typeof c.members)[number];
    const results: (Error | undefined)[] = [];
    for (let i = 0; i < 5; i++) f.range({ key: 'a' }, {}, (err) => results.push(err));
    c.runUntil(() => results.length === 5);
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // Crash the leader while a read is in flight from a follower.
    let readErr: Error | undefined | null = null;
    l.crash();
    f.range({ key: 'a' }, {}, (err) => (readErr = err ?? undefined));
    c.runUntil(() => readErr !== null, 20_000);
    expect(readErr === undefined || ['ErrLeaderChanged', 'ErrTimeout'].includes((readErr as unknown as ServerError).name)).toBe(true);
    expect(c.violations).toEqual([]);
  });
});

describe('quota', () => {
  it('refuses writes past the backend quota with ErrNoSpace and raises the NOSPACE alarm', async () => {
    const c = await TestCluster.create({ size: 3, config: { quotaBackendBytes: 4_000 } });
    const l = c.waitForLeader();
    let err: Error | undefined;
    for (let i = 0; i < 20 && err === undefined; i++) err = c.call((d) => l.put({ key: `k${i}`, value: 'x'.repeat(300) }, {}, d)).err;
    expect(grpc(err)).toBe('8 etcdserver: mvcc: database space exceeded');
    c.runUntil(() => c.members.every((m) => m.alarms.has('NOSPACE')));
    const alarms = c.call<{ alarms: { alarm: string }[] }>((d) => l.alarm({ action: 'GET', memberID: 0, alarm: 'NONE' }, {}, d));
    expect(alarms.resp?.alarms.some((a) => a.alarm === 'NOSPACE')).toBe(true);
    // Deletes still work under the capped applier.
    expect(c.call((d) => l.deleteRange({ key: 'k0' }, {}, d)).err).toBeUndefined();
    expect(c.violations).toEqual([]);
  });
});

describe('leader transfer', () => {
  it('MoveLeader moves leadership; proposals on the leader during the transfer are dropped', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.run(1_000);
    const target = c.members.find((m) => m !== l) as (typeof c.members)[number];
    // Block the transfer's catch-up so the transfer stays pending for a while.
    c.net.block(l.name, target.name);
    let moved: Error | undefined | null = null;
    l.moveLeader(target.id, { deadline: c.kernel.now + 3_000 }, (err) => (moved = err ?? undefined));
    c.run(1);
    const dropped = c.call((d) => l.put({ key: 'x', value: 'y' }, {}, d));
    expect(grpc(dropped.err)).toBe('2 raft proposal dropped');
    c.runUntil(() => moved !== null, 5_000);
    expect((moved as unknown as ServerError).name).toBe('ErrTimeoutLeaderTransfer');
    c.heal();
    const again = c.call((d) => c.waitForLeader().moveLeader(target.id, { deadline: c.kernel.now + 5_000 }, d));
    expect(again.err).toBeUndefined();
    expect(target.isLeader).toBe(true);
    expect((c.call((d) => l.moveLeader(l.id, {}, d)).err as ServerError).name).toBe('ErrNotLeader');
    expect(c.violations).toEqual([]);
  });
});
