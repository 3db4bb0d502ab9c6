// End to end: the real client (src/sim/client) against real EtcdServer members, each
// serving etcd's gRPC services through registerV3RPC on "<name>:2379".

import { describe, expect, it } from 'vitest';
import { compare, opGet, opPut } from '../../client/kv';
import * as M from '../../client/methods';
import type { AuthResponse, LeaseGrantResponse, LeaseKeepAliveResponse, MemberListResponse, MembersResponse, StatusResponse } from '../../client/rpc-types';
import type { ClientWatchResponse } from '../../client/watch';
import { Context } from '../../grpc/context';
import type { DeleteRangeResponse, PutResponse, RangeResponse, TxnResponse } from '../../mvcc/rpc';
import type { EtcdServer } from '../server';
import { EPS, World } from './testing/world';

describe('KV over gRPC', () => {
  it('put, get, delete and txn round trip with correct revisions', async () => {
    const w = await World.create(1);
    const client = w.client({ endpoints: EPS });
    const p1 = w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'v1', {}, d));
    const rev1 = p1.header.revision;
    expect(rev1).toBeGreaterThan(1);
    expect(p1.header.clusterId).toBe(w.c.members[0].clusterId);
    const g = w.ok<RangeResponse>((d) => client.kv.get(w.ctx(), 'k', {}, d));
    expect(g.kvs.map((kv) => [kv.key, kv.value, kv.createRevision, kv.modRevision, kv.version])).toEqual([['k', 'v1', rev1, rev1, 1]]);
    expect(g.header.revision).toBe(rev1);
    const p2 = w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'v2', { prevKv: true }, d));
    expect(p2.header.revision).toBe(rev1 + 1);
    expect(p2.prevKv?.value).toBe('v1');
    const t = w.ok<TxnResponse>((d) => client.kv.txn(w.ctx()).if(compare.value('k', '=', 'v2')).then(opPut('k', 'v3'), opGet('k')).else(opGet('k')).commit(d));
    expect(t.succeeded).toBe(true);
    expect(t.header.revision).toBe(rev1 + 2);
    expect(t.responses[1].responseRange?.kvs[0].value).toBe('v3');
    const miss = w.ok<TxnResponse>((d) => client.kv.txn(w.ctx()).if(compare.value('k', '=', 'nope')).then(opPut('k', 'x')).else(opGet('k')).commit(d));
    expect(miss.succeeded).toBe(false);
    expect(miss.header.revision).toBe(rev1 + 2);
    const del = w.ok<DeleteRangeResponse>((d) => client.kv.delete(w.ctx(), 'k', {}, d));
    expect(del.deleted).toBe(1);
    expect(del.header.revision).toBe(rev1 + 3);
    const gone = w.ok<RangeResponse>((d) => client.kv.get(w.ctx(), 'k', {}, d));
    expect(gone.kvs).toEqual([]);
    // etcd's validation errors reach the client with etcd's messages.
    const empty = w.call<PutResponse>((d) => client.kv.put(w.ctx(), '', 'v', {}, d));
    expect(!empty.ok && empty.error.message).toBe('etcdserver: key is not provided');
    const future = w.call<RangeResponse>((d) => client.kv.get(w.ctx(), 'k', { revision: 1000 }, d));
    expect(!future.ok && future.error.message).toBe('etcdserver: mvcc: required revision is a future revision');
    expect(w.c.violations).toEqual([]);
  });

  it('retries a Range on another endpoint when a member is down, but not a Put', async () => {
    const w = await World.create(2);
    const client = w.client({ endpoints: EPS });
    w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'v', {}, d));
    // The member stops; its gRPC server is still answering (etcd's ErrStopped window).
    const down = w.c.members.find((m) => !m.isLeader) as EtcdServer;
    down.crash();
    const gets = [0, 1, 2].map(() => w.call<RangeResponse>((d) => client.kv.get(w.ctx(), 'k', {}, d)));
    expect(gets.every((g) => g.ok && g.value.kvs[0].value === 'v')).toBe(true);
    const rangeAttempts = w.events('client.attempt', (e) => e.method === M.KV.Range && e.addr === `${down.name}:2379`);
    expect(rangeAttempts.some((a) => a.outcome === 'error')).toBe(true);
    const puts = [0, 1, 2].map((i) => w.call<PutResponse>((d) => client.kv.put(w.ctx(), 'p', `${i}`, {}, d)));
    const failed = puts.filter((p) => !p.ok);
    expect(failed).toHaveLength(1);
    expect(!failed[0].ok && failed[0].error.message).toBe('etcdserver: server stopped');
    expect(w.events('v3rpc.reject', (e) => e.error === 'etcdserver: server stopped').length).toBeGreaterThanOrEqual(2);
  });
});

describe('Watch over gRPC', () => {
  it('receives events and resumes after a member restart without loss or duplication', async () => {
    const w = await World.create(3);
    const client = w.client({ endpoints: EPS });
    const got: ClientWatchResponse[] = [];
    let closed = false;
    client.watcher.watch(w.ctx(1_000_000), 'k/', { rangeEnd: 'k0' }, { onResponse: (r) => got.push(r), onClose: () => (closed = true) });
    w.c.run(100);
    const watchAddr = w.events('client.attempt', (e) => e.method === M.Watch.Watch).at(-1)?.addr as string;
    const host = watchAddr.split(':')[0];
    const writer = w.c.members.find((m) => m.name !== host) as EtcdServer;
    let answered = 0;
    let i = 0;
    const write = (): void => {
      if (i >= 50) return;
      const n = i++;
      // A proposal lost with a crashed leader fails with a timeout: it may or may not be applied.
      writer.put({ key: `k/${n % 5}`, value: `v${n}` }, {}, () => answered++);
      w.c.kernel.schedule(100, write);
    };
    write();
    w.c.run(300);
    w.crash(host);
    w.c.run(500);
    w.restart(host);
    w.c.runUntil(() => answered === 50, 30_000);
    w.c.run(1000);
    const seen = got.flatMap((r) => r.events.map((e) => `${e.kv.modRevision} ${e.kv.key}=${e.kv.value}`));
    // What a fresh watcher replays from the first event is the truth: nothing lost, nothing twice.
    const first = got[0].events[0].kv.modRevision;
    const replay: ClientWatchResponse[] = [];
    client.watcher.watch(w.ctx(), 'k/', { rangeEnd: 'k0', rev: first }, { onResponse: (r) => replay.push(r), onClose: () => {} });
    w.c.run(500);
    expect(seen.length).toBeGreaterThanOrEqual(35);
    expect(seen).toEqual(replay.flatMap((r) => r.events.map((e) => `${e.kv.modRevision} ${e.kv.key}=${e.kv.value}`)));
    expect(closed).toBe(false);
    expect(w.events('client.watch', (e) => e.action === 'resume').length).toBeGreaterThanOrEqual(1);
  });
});

describe('Lease over gRPC', () => {
  it('keep-alive holds a key through a leader change; the key goes when the lease expires', async () => {
    const w = await World.create(4);
    const client = w.client({ endpoints: EPS });
    const g = w.ok<LeaseGrantResponse>((d) => client.lease.grant(w.ctx(), 5, d));
    expect(g.TTL).toBe(5);
    w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'lock', 'me', { lease: g.ID }, d));
    const [kctx, stop] = Context.background(w.c.kernel).withCancel();
    const renewals: LeaseKeepAliveResponse[] = [];
    expect(client.lease.keepAlive(kctx, g.ID, { onResponse: (r) => renewals.push(r), onClose: () => {} })).toBeUndefined();
    w.c.run(6_000);
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(renewals.every((r) => r.TTL === 5)).toBe(true);
    // The leader crashes: a new one is elected and becomes the primary lessor.
    const old = w.c.leader() as EtcdServer;
    w.crash(old.name);
    w.c.runUntil(() => w.c.leader() !== undefined && w.c.leader() !== old, 10_000);
    const before = renewals.length;
    w.c.run(15_000);
    expect(renewals.length).toBeGreaterThan(before + 4);
    const live = w.c.leader() as EtcdServer;
    expect(w.c.get(live, 'lock')).toBe('me');
    // Forwarded renewals from followers went to the leader's lease endpoint.
    expect(w.events('v3rpc.reject', (e) => e.method === M.Lease.LeaseKeepAlive && e.error !== 'etcdserver: server stopped')).toEqual([]);
    // Stop renewing: the lease expires on the leader, which revokes it.
    stop();
    w.c.runUntil(() => w.c.get(live, 'lock') === undefined, 15_000);
    expect(w.c.get(live, 'lock')).toBeUndefined();
    const ttl = w.ok<{ TTL: number }>((d) => client.lease.timeToLive(w.ctx(), g.ID, false, d));
    expect(ttl.TTL).toBe(-1);
  });
});

describe('Auth over gRPC', () => {
  it('after AuthEnable a token is required; an expired token is refreshed', async () => {
    const w = await World.create(5);
    const admin = w.client({ endpoints: EPS });
    w.ok((d) => admin.auth.userAdd(w.ctx(), 'root', 'pw', d));
    w.ok((d) => admin.auth.userGrantRole(w.ctx(), 'root', 'root', d));
    w.ok((d) => admin.auth.authEnable(w.ctx(), d));
    const anon = w.call<PutResponse>((d) => admin.kv.put(w.ctx(), 'k', 'v', {}, d));
    expect(!anon.ok && anon.error.message).toBe('etcdserver: user name is empty');
    const root = w.client({ endpoints: ['m1:2379'], username: 'root', password: 'pw' });
    const token = root.authToken;
    expect(token).toMatch(/^[a-zA-Z]{16}\.\d+$/);
    w.ok<PutResponse>((d) => root.kv.put(w.ctx(), 'k', 'v', {}, d));
    const status = w.ok<AuthResponse>((d) => root.auth.authStatus(w.ctx(), d));
    expect(status.enabled).toBe(true);
    // Unused for longer than the simple-token TTL (300 s), the token expires on every member:
    // the next request fails with ErrInvalidAuthToken and the client authenticates again.
    w.c.run(301_000);
    const g = w.ok<RangeResponse>((d) => root.kv.get(w.ctx(), 'k', {}, d));
    expect(g.kvs[0].value).toBe('v');
    expect(root.authToken).not.toBe(token);
    expect(w.events('v3rpc.reject', (e) => e.error === 'etcdserver: invalid auth token').length).toBeGreaterThanOrEqual(1);
  });
});

describe('Cluster and Maintenance over gRPC', () => {
  it('lists members and reports the leader in Status', async () => {
    const w = await World.create(6);
    const client = w.client({ endpoints: EPS });
    w.c.runUntil(() => w.c.members.every((m) => m.memberList().every((x) => x.clientURLs.length > 0)), 10_000);
    const list = w.ok<MemberListResponse>((d) => client.cluster.memberList(w.ctx(), d));
    expect(list.members.map((m) => [m.name, m.clientURLs, m.isLearner])).toEqual(
      [...w.c.members].sort((a, b) => a.id - b.id).map((m) => [m.name, [`http://${m.name}:2379`], false]),
    );
    const leader = w.c.leader() as EtcdServer;
    for (const ep of EPS) {
      const st = w.ok<StatusResponse>((d) => client.maintenance.status(w.ctx(), ep, d));
      expect(st.leader).toBe(leader.id);
      expect(st.version).toMatch(/^3\.6\./);
      expect(st.isLearner).toBe(false);
      expect(st.raftAppliedIndex).toBeGreaterThan(0);
      expect(st.errors).toEqual([]);
    }
  });

  it('a learner refuses KV with etcd error but serves Status and serializable reads', async () => {
    const w = await World.create(7);
    const client = w.client({ endpoints: EPS });
    w.c.run(6_000); // strict reconfig: peers connected for 5 s
    w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'v', {}, d));
    const add = w.ok<{ member: { ID: number } }>((d) => client.cluster.memberAddAsLearner(w.ctx(), ['http://m4:2380'], d));
    const initial = [1, 2, 3, 4].map((i) => ({ name: `m${i}`, peerURL: `http://m${i}:2380` }));
    const m4 = await w.c.addServer('m4', initial, { initialClusterState: 'existing' });
    m4.start();
    w.serve(m4);
    w.c.runUntil(() => m4.isRunning && m4.kv.currentRevision === (w.c.leader() as EtcdServer).kv.currentRevision, 20_000);
    expect(m4.id).toBe(add.member.ID);
    const lc = w.client({ endpoints: ['m4:2379'] });
    const put = w.call<PutResponse>((d) => lc.kv.put(w.ctx(), 'k', 'x', {}, d));
    expect(!put.ok && put.error.message).toBe('etcdserver: rpc not supported for learner');
    const get = w.call<RangeResponse>((d) => lc.kv.get(w.ctx(2000), 'k', {}, d));
    expect(!get.ok && get.error.message).toBe('etcdserver: rpc not supported for learner');
    const ser = w.ok<RangeResponse>((d) => lc.kv.get(w.ctx(), 'k', { serializable: true }, d));
    expect(ser.kvs[0].value).toBe('v');
    const st = w.ok<StatusResponse>((d) => lc.maintenance.status(w.ctx(), 'm4:2379', d));
    expect(st.isLearner).toBe(true);
    const leader = w.c.leader() as EtcdServer;
    const onLeader = w.client({ endpoints: [`${leader.name}:2379`] });
    const promoted = w.ok<MembersResponse>((d) => onLeader.cluster.memberPromote(w.ctx(), m4.id, d));
    expect(promoted.members.find((m) => m.ID === m4.id)?.isLearner).toBe(false);
    w.c.runUntil(() => !m4.cluster.member(m4.id)?.isLearner, 5000);
    const put2 = w.call<PutResponse>((d) => lc.kv.put(w.ctx(), 'k', 'x', {}, d));
    expect(put2.ok).toBe(true);
    // And removed again: the member list no longer has it.
    w.c.run(6_000);
    const removed = w.ok<MembersResponse>((d) => client.cluster.memberRemove(w.ctx(), m4.id, d));
    expect(removed.members.map((m) => m.ID)).not.toContain(m4.id);
    const unknown = w.call<MembersResponse>((d) => client.cluster.memberRemove(w.ctx(), m4.id, d));
    expect(!unknown.ok && unknown.error.message).toBe('etcdserver: member not found');
  });
});

describe('determinism', () => {
  it('the same seed gives the same trace, byte for byte', async () => {
    const run = async () => {
      const w = await World.create(8);
      const client = w.client({ endpoints: EPS });
      const got: ClientWatchResponse[] = [];
      client.watcher.watch(w.ctx(100_000), 'k', {}, { onResponse: (r) => got.push(r), onClose: () => {} });
      const g = w.ok<LeaseGrantResponse>((d) => client.lease.grant(w.ctx(), 5, d));
      for (let i = 0; i < 5; i++) w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'k', `v${i}`, { lease: g.ID }, d));
      w.crash((w.c.leader() as EtcdServer).name);
      w.c.run(8000);
      return JSON.stringify(w.c.kernel.trace.all());
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(1000);
    expect(await run()).toBe(a);
  });
});
