import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../auth/sha256';
import type { AlarmResponse, HeaderOnlyResponse, LeaseGrantResponse, LeaseLeasesResponse, LeaseTimeToLiveResponse, SnapshotResponse } from '../../client/rpc-types';
import type { HashKVResponse, PutResponse } from '../../mvcc/rpc';
import type { EtcdServer } from '../server';
import { EPS, World } from './testing/world';

describe('Maintenance service', () => {
  it('Snapshot streams chunks then the SHA-256; HashKV agrees across members; Alarm and Defragment answer', async () => {
    const w = await World.create(41);
    const client = w.client({ endpoints: EPS });
    for (let i = 0; i < 50; i++) w.ok<PutResponse>((d) => client.kv.put(w.ctx(), `key/${i}`, 'v'.repeat(1000), {}, d));
    w.c.waitConverged();
    const chunks: SnapshotResponse[] = [];
    let ended: Error | undefined | 'open' = 'open';
    client.maintenance.snapshot(w.ctx(), { onChunk: (c) => chunks.push(c), onEnd: (err) => (ended = err) });
    w.c.runUntil(() => ended !== 'open', 5000);
    expect(ended).toBeUndefined();
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const data = chunks.slice(0, -1).map((c) => c.blob).join('');
    expect(chunks.slice(0, -1).every((c) => c.blob.length <= 32 * 1024)).toBe(true);
    expect(chunks.at(-2)?.remainingBytes).toBe(0);
    expect(chunks.at(-1)?.blob).toBe(sha256Hex(data));
    const hashes = EPS.map((ep) => w.ok<HashKVResponse>((d) => client.maintenance.hashKV(w.ctx(), ep, 0, d)));
    expect(new Set(hashes.map((h) => h.hash)).size).toBe(1);
    expect(hashes.map((h) => h.header.memberId).sort()).toEqual(w.c.members.map((m) => m.id).sort());
    const alarms = w.ok<AlarmResponse>((d) => client.maintenance.alarmList(w.ctx(), d));
    expect(alarms.alarms).toEqual([]);
    const defrag = w.ok<HeaderOnlyResponse>((d) => client.maintenance.defragment(w.ctx(), 'm2:2379', d));
    expect(defrag.header.memberId).toBe(w.c.member('m2').id);
  });

  it('MoveLeader transfers leadership on the leader and refuses elsewhere', async () => {
    const w = await World.create(42);
    const leader = w.c.leader() as EtcdServer;
    const target = w.c.members.find((m) => m !== leader) as EtcdServer;
    const onFollower = w.client({ endpoints: [`${target.name}:2379`] });
    const refused = w.call<HeaderOnlyResponse>((d) => onFollower.maintenance.moveLeader(w.ctx(), leader.id, d));
    expect(!refused.ok && refused.error.message).toBe('etcdserver: not leader');
    const onLeader = w.client({ endpoints: [`${leader.name}:2379`] });
    const bad = w.call<HeaderOnlyResponse>((d) => onLeader.maintenance.moveLeader(w.ctx(), 12345, d));
    expect(!bad.ok && bad.error.message).toBe('etcdserver: bad leader transferee');
    const moved = w.call<HeaderOnlyResponse>((d) => onLeader.maintenance.moveLeader(w.ctx(), target.id, d));
    expect(moved.ok).toBe(true);
    expect(target.isLeader).toBe(true);
    expect(w.events('v3rpc.move-leader').map((e) => e.outcome)).toEqual(['started', 'done']);
  });
});

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
    // The forwarded requests went to the leader's lease endpoint.
    const fwd = w.c.kernel.trace.all().filter((e) => e.kind === 'net.send' && (e as unknown as { type: string }).type.startsWith('lease.'));
    expect(fwd.length).toBeGreaterThanOrEqual(4);
  });
});
