import { describe, expect, it } from 'vitest';
import { Code } from '../grpc/codes';
import { ContextError } from '../grpc/context';
import { StatusError } from '../grpc/status';
import type { PutResponse, RangeResponse } from '../mvcc/rpc';
import * as M from './methods';
import { grpcError } from './rpctypes';
import { collect, Harness } from './testing/harness';
import { compare, opGet, opPut } from './kv';
import { withRequireLeader } from './ctx';

const EPS = ['m1:2379', 'm2:2379', 'm3:2379'];

function setup(seed = 3) {
  const h = new Harness(seed);
  const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
  const client = h.client({ endpoints: EPS });
  h.run(50); // all three subchannels READY
  return { h, cluster, client };
}

describe('KV through the retry interceptor', () => {
  it('puts and gets, Txn CAS', () => {
    const { h, client } = setup();
    const put = collect<PutResponse>();
    client.kv.put(h.ctx(), 'k', 'v1', {}, put.done);
    h.run(20);
    expect(put.results[0].ok).toBe(true);
    const get = collect<RangeResponse>();
    client.kv.get(h.ctx(), 'k', {}, get.done);
    h.run(20);
    const g = get.results[0];
    expect(g.ok && g.value.kvs.map((kv) => kv.value)).toEqual(['v1']);
    const txn = collect<unknown>();
    client.kv.txn(h.ctx()).if(compare.value('k', '=', 'v1')).then(opPut('k', 'v2')).else(opGet('k')).commit(txn.done);
    h.run(20);
    const t = txn.results[0];
    expect(t.ok && (t.value as { succeeded: boolean }).succeeded).toBe(true);
  });

  it('retries a Range on the next endpoint after Unavailable, but returns a Put error at once', () => {
    const { h, cluster, client } = setup();
    for (const m of ['m1', 'm2', 'm3']) {
      cluster.inject(m, M.KV.Range, grpcError('ErrLeaderChanged'));
      cluster.inject(m, M.KV.Put, new StatusError(Code.Unavailable, 'error reading from server: EOF'));
    }
    const get = collect<RangeResponse>();
    client.kv.get(h.ctx(5000), 'k', {}, get.done);
    h.run(200);
    expect(get.results).toHaveLength(1);
    expect(get.results[0].ok).toBe(true);
    const attempts = h.events('client.attempt', (e) => e.method === M.KV.Range);
    expect(attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'error', 'ok']);
    // Round robin: three different members for the three failing attempts.
    expect(new Set(attempts.slice(0, 3).map((a) => a.addr)).size).toBe(3);
    const backoffs = h.events('client.backoff', (e) => e.call === attempts[0].call);
    expect(backoffs.map((b) => b.reason?.replace(/wait [\d.]+ ms/, 'wait X ms'))).toEqual([
      'backoff skipped: attempt 1 % quorum 2 != 0',
      'wait X ms: attempt 2 % quorum 2 == 0',
      'backoff skipped: attempt 3 % quorum 2 != 0',
    ]);

    const put = collect<PutResponse>();
    client.kv.put(h.ctx(5000), 'k', 'v', {}, put.done);
    h.run(200);
    expect(put.results).toHaveLength(1);
    const p = put.results[0];
    expect(!p.ok && p.error.message).toBe('rpc error: code = Unavailable desc = error reading from server: EOF');
    expect(h.events('client.attempt', (e) => e.method === M.KV.Put)).toHaveLength(1);
    const verdict = h.events('client.retry', (e) => e.method === M.KV.Put);
    expect(verdict.map((v) => [v.verdict, v.reason])).toEqual([['return', 'not retried: Put is non-repeatable and the error is Unavailable']]);
  });

  it('retries a server-side DeadlineExceeded while the caller context is alive, even for Put', () => {
    const { h, cluster, client } = setup();
    for (const m of ['m1', 'm2', 'm3']) cluster.inject(m, M.KV.Put, new StatusError(Code.DeadlineExceeded, 'context deadline exceeded'));
    const put = collect<PutResponse>();
    client.kv.put(h.ctx(5000), 'k', 'v', {}, put.done);
    h.run(300);
    expect(put.results[0].ok).toBe(true);
    expect(h.events('client.attempt', (e) => e.method === M.KV.Put).map((a) => a.code ?? 'OK')).toEqual(['DeadlineExceeded', 'DeadlineExceeded', 'DeadlineExceeded', 'OK']);
    expect(h.events('client.retry', (e) => e.method === M.KV.Put)[0].reason).toBe(
      "retried: DeadlineExceeded came from the server while the caller's context is alive (any policy)",
    );
    expect(cluster.get('k')?.value).toBe('v');
  });

  it('waits until its deadline when every endpoint is down, and returns context deadline exceeded', () => {
    const { h, cluster, client } = setup();
    for (const m of ['m1', 'm2', 'm3']) cluster.stop(m);
    h.run(10);
    const get = collect<RangeResponse>();
    const start = h.kernel.now;
    client.kv.get(h.ctx(5000), 'k', {}, get.done);
    h.run(4990);
    expect(get.results).toHaveLength(0);
    h.run(20);
    expect(get.results).toHaveLength(1);
    const g = get.results[0];
    expect(!g.ok && g.error).toBe(ContextError.DeadlineExceeded);
    expect(h.events('client.call.end').at(-1)?.t).toBe(start + 5000);
    // Zero interceptor retries: the one attempt never left the picker.
    expect(h.events('client.attempt', (e) => e.method === M.KV.Range && e.t >= start)).toHaveLength(1);
  });

  it('retries the learner error on another endpoint', () => {
    const { h, cluster, client } = setup();
    cluster.learners.add('m1');
    cluster.learners.add('m2');
    const put = collect<PutResponse>();
    client.kv.put(h.ctx(5000), 'k', 'v', {}, put.done);
    h.run(200);
    expect(put.results[0].ok).toBe(true);
    const attempts = h.events('client.attempt', (e) => e.method === M.KV.Put);
    expect(attempts.at(-1)?.addr).toBe('m3:2379');
  });

  it('refuses a request over MaxCallSendMsgSize before sending it', () => {
    const { h, client } = setup();
    const put = collect<PutResponse>();
    client.kv.put(h.ctx(1000), 'big', 'x'.repeat(3 * 1024 * 1024), {}, put.done);
    h.run(10);
    const p = put.results[0];
    expect(!p.ok && p.error.message).toMatch(/^rpc error: code = ResourceExhausted desc = trying to send message larger than max \(\d+ vs\. 2097152\)$/);
    expect(h.events('grpc.pick', (e) => e.method === M.KV.Put)).toHaveLength(0);
  });

  it('with WithRequireLeader, a Range meets ErrNoLeader on every member and is retried until its deadline', () => {
    const { h, cluster, client } = setup();
    cluster.setLeader(undefined);
    const get = collect<RangeResponse>();
    client.kv.get(withRequireLeader(h.ctx(300)), 'k', {}, get.done);
    h.run(400);
    const g = get.results[0];
    expect(!g.ok && g.error).toBe(ContextError.DeadlineExceeded);
    const attempts = h.events('client.attempt', (e) => e.method === M.KV.Range);
    expect(attempts.length).toBeGreaterThan(10);
    expect(attempts[0].message).toBe('etcdserver: no leader');
  });
});

