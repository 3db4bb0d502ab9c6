import { describe, expect, it } from 'vitest';
import type { LeaseGrantResponse, LeaseKeepAliveResponse } from './rpc-types';
import { collect, Harness } from './testing/harness';
import * as M from './methods';

describe('Lease', () => {
  it('keep-alive keeps a key alive through a leader change', () => {
    const h = new Harness(11);
    const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
    const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'] });
    h.run(50);
    const grant = collect<LeaseGrantResponse>();
    client.lease.grant(h.ctx(), 5, grant.done);
    h.run(20);
    const g = grant.results[0];
    if (!g.ok) throw g.error;
    const id = g.value.ID;
    client.kv.put(h.ctx(), 'lock', 'me', { lease: id }, () => {});
    const renewals: LeaseKeepAliveResponse[] = [];
    let closed = false;
    expect(client.lease.keepAlive(h.ctx(), id, { onResponse: (r) => renewals.push(r), onClose: () => (closed = true) })).toBeUndefined();
    h.run(10_000);
    const before = renewals.length;
    expect(before).toBeGreaterThanOrEqual(5); // every TTL/3 ≈ 1.67 s, on the 500 ms send tick
    // The member carrying the keep-alive stream, as leader, crashes; 2 s without a leader;
    // another member takes over.
    const streamMember = (h.events('client.attempt', (e) => e.method === M.Lease.LeaseKeepAlive).at(-1)?.addr as string).split(':')[0];
    cluster.setLeader(streamMember);
    h.run(1000);
    cluster.stop(streamMember);
    cluster.setLeader(undefined);
    h.run(2000);
    cluster.setLeader(['m1', 'm2', 'm3'].find((m) => m !== streamMember));
    h.run(20_000);
    expect(closed).toBe(false);
    expect(renewals.length).toBeGreaterThan(before + 8);
    expect(cluster.get('lock')?.value).toBe('me');
    expect(h.events('client.lease.stream', (e) => e.action === 'broken').length).toBeGreaterThanOrEqual(1);
  });

  it('stops for good once the deadline passes without a response', () => {
    const h = new Harness(12);
    const cluster = h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    const grant = collect<LeaseGrantResponse>();
    client.lease.grant(h.ctx(), 3, grant.done);
    h.run(20);
    const g = grant.results[0];
    if (!g.ok) throw g.error;
    let closed = false;
    client.lease.keepAlive(h.ctx(), g.value.ID, { onResponse: () => {}, onClose: () => (closed = true) });
    h.run(2000);
    cluster.setLeader(undefined); // renewals go unanswered
    h.run(6000);
    expect(closed).toBe(true);
    expect(h.events('client.lease.keepalive', (e) => e.action === 'expired')).toHaveLength(1);
  });

  it('KeepAliveOnce on a missing lease returns ErrLeaseNotFound', () => {
    const h = new Harness(13);
    h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    const once = collect<LeaseKeepAliveResponse>();
    client.lease.keepAliveOnce(h.ctx(), 999, once.done);
    h.run(50);
    const r = once.results[0];
    expect(!r.ok && r.error.message).toBe('etcdserver: requested lease not found');
  });
});
