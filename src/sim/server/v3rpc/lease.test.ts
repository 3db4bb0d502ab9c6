import { describe, expect, it } from 'vitest';
import { PermissionType } from '../../client/auth';
import type { LeaseGrantResponse, LeaseLeasesResponse, LeaseTimeToLiveResponse } from '../../client/rpc-types';
import type { PutResponse } from '../../mvcc/rpc';
import type { EtcdServer } from '../server';
import { EPS, World } from './testing/world';

describe('Lease service on followers', () => {
  it('TimeToLive and renewals are forwarded to the leader; Leases lists the local lessor', async () => {
    const w = await World.create(43);
    const leader = w.c.leader() as EtcdServer;
    const follower = w.c.members.find((m) => m !== leader) as EtcdServer;
    const client = w.client({ endpoints: [`${follower.name}:2379`] });
    const g = w.ok<LeaseGrantResponse>((d) => client.lease.grant(w.ctx(), 30, d));
    w.ok<PutResponse>((d) => client.kv.put(w.ctx(), 'a', '1', { lease: g.ID }, d));
    w.c.run(3000);
    const ttl = w.ok<LeaseTimeToLiveResponse>((d) => client.lease.timeToLive(w.ctx(), g.ID, true, d));
    expect(ttl.grantedTTL).toBe(30);
    expect(ttl.TTL).toBeGreaterThanOrEqual(26);
    expect(ttl.TTL).toBeLessThanOrEqual(27);
    expect(ttl.keys).toEqual(['a']);
    expect(ttl.header.memberId).toBe(follower.id);
    const once = w.ok<{ TTL: number }>((d) => client.lease.keepAliveOnce(w.ctx(), g.ID, d));
    expect(once.TTL).toBe(30);
    const missing = w.ok<LeaseTimeToLiveResponse>((d) => client.lease.timeToLive(w.ctx(), 999, false, d));
    expect(missing.TTL).toBe(-1);
    const leases = w.ok<LeaseLeasesResponse>((d) => client.lease.leases(w.ctx(), d));
    expect(leases.leases).toEqual([{ ID: g.ID }]);
    // The follower forwarded renew and TimeToLive to the leader's lease endpoints.
    const fwd = w.events('net.send', (e) => e.from === `${follower.name}:2380` && e.type.startsWith('POST /leases'));
    expect(fwd.length).toBeGreaterThanOrEqual(3);
  });
});

describe('Lease auth', () => {
  it('keep-alive needs write and TimeToLive(keys) read permission on the attached keys', async () => {
    const w = await World.create(44);
    const admin = w.client({ endpoints: EPS });
    w.ok((d) => admin.auth.userAdd(w.ctx(), 'root', 'pw', d));
    w.ok((d) => admin.auth.userGrantRole(w.ctx(), 'root', 'root', d));
    w.ok((d) => admin.auth.userAdd(w.ctx(), 'bob', 'b', d));
    w.ok((d) => admin.auth.roleAdd(w.ctx(), 'other', d));
    w.ok((d) => admin.auth.roleGrantPermission(w.ctx(), 'other', 'b/', 'b0', PermissionType.READWRITE, d));
    w.ok((d) => admin.auth.userGrantRole(w.ctx(), 'bob', 'other', d));
    w.ok((d) => admin.auth.authEnable(w.ctx(), d));
    const anon = w.call<LeaseGrantResponse>((d) => admin.lease.grant(w.ctx(), 10, d));
    expect(!anon.ok && anon.error.message).toBe('etcdserver: user name is empty');
    const root = w.client({ endpoints: EPS, username: 'root', password: 'pw' });
    const bob = w.client({ endpoints: EPS, username: 'bob', password: 'b' });
    const g = w.ok<LeaseGrantResponse>((d) => root.lease.grant(w.ctx(), 10, d));
    w.ok<PutResponse>((d) => root.kv.put(w.ctx(), 'a', '1', { lease: g.ID }, d));
    const ttl = w.ok<LeaseTimeToLiveResponse>((d) => bob.lease.timeToLive(w.ctx(), g.ID, false, d));
    expect(ttl.grantedTTL).toBe(10);
    const withKeys = w.call<LeaseTimeToLiveResponse>((d) => bob.lease.timeToLive(w.ctx(), g.ID, true, d));
    expect(!withKeys.ok && withKeys.error.message).toBe('etcdserver: permission denied');
    const leases = w.call<LeaseLeasesResponse>((d) => bob.lease.leases(w.ctx(), d));
    expect(!leases.ok && leases.error.message).toBe('etcdserver: permission denied');
    const once = w.call<{ TTL: number }>((d) => bob.lease.keepAliveOnce(w.ctx(), g.ID, d));
    expect(!once.ok && once.error.message).toBe('etcdserver: permission denied');
    const mine = w.ok<{ TTL: number }>((d) => root.lease.keepAliveOnce(w.ctx(), g.ID, d));
    expect(mine.TTL).toBe(10);
  });
});
