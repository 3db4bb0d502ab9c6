import { describe, expect, it } from 'vitest';
import { withRequireLeader } from '../../client/ctx';
import * as M from '../../client/methods';
import type { ClientWatchResponse } from '../../client/watch';
import { PermissionType } from '../../client/auth';
import type { PutResponse } from '../../mvcc/rpc';
import { maxNoLeaderCnt } from './interceptor';
import { EPS, World } from './testing/world';

describe('Watch service', () => {
  it('checks read permission at create, with etcd cancel reasons', async () => {
    const w = await World.create(21);
    const admin = w.client({ endpoints: EPS });
    w.ok((d) => admin.auth.userAdd(w.ctx(), 'root', 'pw', d));
    w.ok((d) => admin.auth.userGrantRole(w.ctx(), 'root', 'root', d));
    w.ok((d) => admin.auth.userAdd(w.ctx(), 'alice', 'a', d));
    w.ok((d) => admin.auth.roleAdd(w.ctx(), 'reader', d));
    w.ok((d) => admin.auth.roleGrantPermission(w.ctx(), 'reader', 'a/', 'a0', PermissionType.READ, d));
    w.ok((d) => admin.auth.userGrantRole(w.ctx(), 'alice', 'reader', d));
    w.ok((d) => admin.auth.authEnable(w.ctx(), d));
    const alice = w.client({ endpoints: EPS, username: 'alice', password: 'a' });
    const root = w.client({ endpoints: EPS, username: 'root', password: 'pw' });
    const allowed: ClientWatchResponse[] = [];
    alice.watcher.watch(w.ctx(100_000), 'a/', { rangeEnd: 'a0' }, { onResponse: (r) => allowed.push(r), onClose: () => {} });
    const denied: ClientWatchResponse[] = [];
    alice.watcher.watch(w.ctx(100_000), 'z', {}, { onResponse: (r) => denied.push(r), onClose: () => {} });
    const anon: ClientWatchResponse[] = [];
    admin.watcher.watch(w.ctx(100_000), 'a/1', {}, { onResponse: (r) => anon.push(r), onClose: () => {} });
    w.c.run(200);
    const put = w.ok<PutResponse>((d) => root.kv.put(w.ctx(), 'a/1', 'x', {}, d));
    w.c.run(200);
    expect(allowed.flatMap((r) => r.events.map((e) => e.kv.modRevision))).toEqual([put.header.revision]);
    const failures = w.events('client.watch', (e) => e.action === 'create-failed').map((e) => [e.key, e.error]);
    expect(failures).toContainEqual(['z', 'rpc error: code = PermissionDenied desc = etcdserver: permission denied']);
    expect(failures).toContainEqual(['a/1', 'rpc error: code = InvalidArgument desc = etcdserver: user name is empty']);
    expect(w.events('v3rpc.watch', (e) => e.action === 'refused')).toHaveLength(2);
  });

  it('cancels hasleader streams after 3 election timeouts without a leader', async () => {
    const w = await World.create(22);
    const client = w.client({ endpoints: ['m1:2379'] });
    let closed = false;
    const got: ClientWatchResponse[] = [];
    client.watcher.watch(withRequireLeader(w.ctx(100_000)), 'k', {}, { onResponse: (r) => got.push(r), onClose: () => (closed = true) });
    w.c.run(200);
    expect(w.events('client.attempt', (e) => e.method === M.Watch.Watch).at(-1)?.addr).toBe('m1:2379');
    // m1 (and the client) cut off from the others: m1 loses its leader.
    w.c.partition(['m1', 'c1'], ['m2', 'm3']);
    const m1 = w.c.member('m1');
    w.c.runUntil(() => m1.lead === 0, 10_000);
    const lost = w.c.kernel.now;
    w.c.runUntil(() => w.events('v3rpc.no-leader-streams').length > 0, 10_000);
    const cancel = w.events('v3rpc.no-leader-streams')[0];
    expect(cancel.source).toBe('m1');
    expect(cancel.t - lost).toBeGreaterThanOrEqual((maxNoLeaderCnt - 1) * m1.electionTimeoutMs);
    expect(cancel.t - lost).toBeLessThanOrEqual((maxNoLeaderCnt + 1) * m1.electionTimeoutMs);
    w.c.run(100);
    expect(closed).toBe(true);
    expect(got.at(-1)?.err?.message).toBe('etcdserver: no leader');
  });
});

describe('Watch progress notify', () => {
  it('sends a progress notification every interval to a watcher that got no events', async () => {
    const w = await World.create(23, 3, { rpc: { watchProgressNotifyIntervalMs: 1000 } });
    const client = w.client({ endpoints: ['m1:2379'] });
    const got: ClientWatchResponse[] = [];
    client.watcher.watch(w.ctx(100_000), 'k', { progressNotify: true }, { onResponse: (r) => got.push(r), onClose: () => {} });
    w.c.run(100);
    // etcd sends progress only once the store reached the watcher's start revision (current + 1).
    w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'other', 'x', {}, d));
    w.c.run(5_500);
    const progress = got.filter((r) => r.isProgressNotify);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.length).toBeLessThanOrEqual(5);
    expect(progress.every((r) => r.header.revision === w.c.member('m1').kv.currentRevision)).toBe(true);
  });
});

describe('Watch send order', () => {
  // Fuzz known issue 5 (seed 6): a progress request then a create from an old revision on one
  // stream. The -1 progress response, evaluated while every watcher was synced, must reach the
  // client before the new watch is created, or the client broadcasts it to the new watch too.
  it('a progress response goes out before the created response of a later request', async () => {
    const w = await World.create(24);
    const client = w.client({ endpoints: ['m1:2379'] });
    const put = w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'x', {}, d));
    const first: ClientWatchResponse[] = [];
    client.watcher.watch(w.ctx(100_000), 'k', {}, { onResponse: (r) => first.push(r), onClose: () => {} });
    w.c.run(200);
    // The store passes the first watch's start revision, so progress is sent (client.md §6.4).
    const other = w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'other', 'x', {}, d));
    w.c.run(200);
    const late: ClientWatchResponse[] = [];
    client.watcher.requestProgress(w.ctx());
    client.watcher.watch(w.ctx(100_000), 'k', { rev: put.header.revision }, { onResponse: (r) => late.push(r), onClose: () => {} });
    w.c.run(200);
    expect(first.filter((r) => r.isProgressNotify).map((r) => r.header.revision)).toEqual([other.header.revision]);
    // The late watch's first response is its event, not "nothing up to the put's revision".
    expect(late.map((r) => (r.isProgressNotify ? 'progress' : r.events.map((e) => e.kv.modRevision)))).toEqual([[put.header.revision]]);
  });
});
