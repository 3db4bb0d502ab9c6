import { describe, expect, it } from 'vitest';
import { withRequireLeader } from '../../client/ctx';
import * as M from '../../client/methods';
import type { StatusResponse } from '../../client/rpc-types';
import type { PutResponse, RangeResponse } from '../../mvcc/rpc';
import { World } from './testing/world';

describe('interceptor chain and request limits', () => {
  it('hasleader: a member without a leader refuses with ErrNoLeader', async () => {
    const w = await World.create(31);
    const client = w.client({ endpoints: ['m1:2379'] });
    w.c.partition(['m1', 'c1'], ['m2', 'm3']);
    w.c.runUntil(() => w.c.member('m1').lead === 0, 10_000);
    const put = w.call<PutResponse>((d) => client.kv.put(withRequireLeader(w.ctx(1000)), 'k', 'v', {}, d));
    expect(!put.ok && put.error.message).toBe('etcdserver: no leader');
    const reject = w.events('v3rpc.reject', (e) => e.method === M.KV.Put)[0];
    expect([reject.code, reject.reason]).toEqual(['Unavailable', 'hasleader metadata and this member knows no leader']);
    // Without hasleader, a serializable read is still served locally.
    const get = w.call<RangeResponse>((d) => client.kv.get(w.ctx(1000), 'k', { serializable: true }, d));
    expect(get.ok).toBe(true);
    const st = w.ok<StatusResponse>((d) => client.maintenance.status(w.ctx(1000), 'm1:2379', d));
    expect([st.leader, st.errors]).toEqual([0, ['etcdserver: no leader']]);
  });

  it('MaxRequestBytes: gRPC refuses a message above it + 512 KiB; the server refuses a proposal above it', async () => {
    const w = await World.create(32, 3, { cluster: { config: { maxRequestBytes: 1024 } } });
    const client = w.client({ endpoints: ['m1:2379'] });
    const big = w.call<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'x'.repeat(600 * 1024), {}, d));
    expect(!big.ok && big.error.message).toMatch(/^rpc error: code = ResourceExhausted desc = grpc: received message larger than max \(\d+ vs\. 525312\)$/);
    const mid = w.call<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'x'.repeat(2048), {}, d));
    expect(!mid.ok && mid.error.message).toBe('etcdserver: request is too large');
    const ok = w.call<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'small', {}, d));
    expect(ok.ok).toBe(true);
  });

  it('bad input gets a clear error and the member keeps serving', async () => {
    const w = await World.create(33);
    const client = w.client({ endpoints: ['m1:2379'] });
    const notMessage = w.call<unknown>((d) => client.unary(w.ctx(), M.KV.Put, 'garbage', d));
    expect(!notMessage.ok && notMessage.error.message).toBe('rpc error: code = Internal desc = grpc: error unmarshalling request');
    const badKey = w.call<unknown>((d) => client.unary(w.ctx(), M.KV.Range, { key: '' }, d));
    expect(!badKey.ok && badKey.error.message).toBe('etcdserver: key is not provided');
    const badTTL = w.call<unknown>((d) => client.unary(w.ctx(), M.Lease.LeaseGrant, { TTL: 'ten' }, d));
    expect(!badTTL.ok && badTTL.error.message).toBe('rpc error: code = Internal desc = grpc: error unmarshalling request');
    const unknown = w.call<unknown>((d) => client.unary(w.ctx(), '/etcdserverpb.KV/Nope' as M.Method, {}, d));
    expect(!unknown.ok && unknown.error.message).toBe('rpc error: code = Unimplemented desc = unknown method /etcdserverpb.KV/Nope');
    const put = w.call<PutResponse>((d) => client.kv.put(w.ctx(), 'k', 'v', {}, d));
    expect(put.ok).toBe(true);
    expect(w.c.members.every((m) => m.isRunning)).toBe(true);
  });
});
