import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../auth/sha256';
import type { AlarmResponse, HeaderOnlyResponse, SnapshotResponse, StatusResponse } from '../../client/rpc-types';
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
    expect(w.events('v3rpc.move-leader').map((e) => e.outcome)).toEqual(['started', 'failed', 'started', 'failed', 'started', 'done']);
  });
});

describe('Alarms', () => {
  it('a put beyond the quota raises NOSPACE: listed by Alarm and Status, disarmed through the client', async () => {
    const w = await World.create(45, 3, { cluster: { config: { quotaBackendBytes: 8 * 1024 } } });
    const client = w.client({ endpoints: EPS });
    let failed: string | undefined;
    for (let i = 0; i < 40 && failed === undefined; i++) {
      const r = w.call<PutResponse>((d) => client.kv.put(w.ctx(), `big/${i}`, 'x'.repeat(1000), {}, d));
      if (!r.ok) failed = r.error.message;
    }
    expect(failed).toBe('etcdserver: mvcc: database space exceeded');
    w.c.run(500);
    const list = w.ok<AlarmResponse>((d) => client.maintenance.alarmList(w.ctx(), d));
    expect(list.alarms.map((a) => a.alarm)).toContain('NOSPACE');
    const raised = list.alarms.find((a) => a.alarm === 'NOSPACE') as { memberID: number };
    const st = w.ok<StatusResponse>((d) => client.maintenance.status(w.ctx(), 'm1:2379', d));
    expect(st.errors).toContain(`memberID:${raised.memberID} alarm:NOSPACE `);
    const disarmed = w.ok<AlarmResponse>((d) => client.maintenance.alarmDisarm(w.ctx(), raised.memberID, 'NOSPACE', d));
    expect(disarmed.alarms).toEqual([{ memberID: raised.memberID, alarm: 'NOSPACE' }]);
    const after = w.ok<AlarmResponse>((d) => client.maintenance.alarmList(w.ctx(), d));
    expect(after.alarms.filter((a) => a.memberID === raised.memberID && a.alarm === 'NOSPACE')).toEqual([]);
  });
});
