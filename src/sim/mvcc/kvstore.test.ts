import { describe, expect, it } from 'vitest';
import { ErrCompacted, ErrFutureRev } from './kv';
import type { MvccEvent } from './kv';
import { KVStore } from './kvstore';
import type { StoreSnapshot } from './kvstore';
import { compaction, deleteRange, hashKV, put, range, txn } from './txn';

function history(): KVStore {
  const s = new KVStore();
  put(s, { key: 'a', value: '1' }); // 2
  put(s, { key: 'b', value: '1', lease: 5 }); // 3
  put(s, { key: 'a', value: '2' }); // 4
  deleteRange(s, { key: 'b' }); // 5
  put(s, { key: 'c', value: 'é€😀' }); // 6
  put(s, { key: 'b', value: '2', lease: 6 }); // 7
  return s;
}

function restored(snap: StoreSnapshot): KVStore {
  const s = new KVStore();
  s.restore(JSON.parse(JSON.stringify(snap)) as StoreSnapshot);
  return s;
}

describe('HashKV', () => {
  it('is deterministic and depends on the history', () => {
    const a = history();
    const b = history();
    expect(hashKV(a, {}).hash).toBe(hashKV(b, {}).hash);
    expect(hashKV(a, {}).hashRevision).toBe(7);
    expect(hashKV(a, { revision: 4 }).hash).not.toBe(hashKV(a, {}).hash);
    put(b, { key: 'a', value: '2' });
    expect(hashKV(a, { revision: 7 }).hash).toBe(hashKV(b, { revision: 7 }).hash);
    expect(hashKV(a, {}).hash).not.toBe(hashKV(b, {}).hash);
  });

  it('errors as etcd: future revision, compacted revision (below the compaction)', () => {
    const s = history();
    expect(() => hashKV(s, { revision: 8 })).toThrow(ErrFutureRev);
    compaction(s, { revision: 5 });
    expect(() => hashKV(s, { revision: 4 })).toThrow(ErrCompacted);
    expect(hashKV(s, { revision: 6 })).toMatchObject({ compactRevision: 5, hashRevision: 6, header: { revision: 7 } });
  });

  it('a compaction hash is remembered; here it equals HashKV at that revision before compacting', () => {
    const a = history();
    const b = history();
    compaction(a, { revision: 3 });
    compaction(b, { revision: 3 });
    const before = hashKV(a, { revision: 5 });
    const h = b.compact(5);
    expect(h).toEqual({ hash: before.hash, compactRevision: 3, revision: 5 });
    // and HashKV(5) on the compacted member answers the remembered compaction hash
    expect(hashKV(b, { revision: 5 })).toMatchObject({ hash: before.hash, compactRevision: 3, hashRevision: 5 });
  });

  it('skips a tombstone at the compaction revision (older etcd deleted it)', () => {
    const a = history();
    compaction(a, { revision: 5 }); // 5 is b's tombstone, kept by 3.6
    const snap = a.snapshot();
    expect(snap.records.some((r) => r[0] === 5)).toBe(true);
    const old = restored({ ...snap, records: snap.records.filter((r) => r[0] !== 5) });
    expect(hashKV(a, {})).toEqual(hashKV(old, {}));
  });
});

describe('snapshot and restore', () => {
  it('round-trips through JSON into an identical store', () => {
    const s = history();
    compaction(s, { revision: 4 });
    const snap = s.snapshot();
    const r = restored(snap);
    expect(r.snapshot()).toEqual(snap);
    expect(r.currentRevision).toBe(7);
    expect(r.compactRevision).toBe(4);
    expect(r.liveKeys).toBe(s.liveKeys);
    expect(hashKV(r, {}).hash).toBe(hashKV(s, {}).hash);
    for (let rev = 4; rev <= 7; rev++) {
      expect(range(r, { key: '\0', rangeEnd: '\0', revision: rev })).toEqual(range(s, { key: '\0', rangeEnd: '\0', revision: rev }));
    }
    expect(() => range(r, { key: 'a', revision: 3 })).toThrow(ErrCompacted);
    put(r, { key: 'a' });
    expect(r.currentRevision).toBe(8);
    expect(range(r, { key: 'a' }).kvs[0]).toMatchObject({ version: 3, createRevision: 2 });
  });

  it('keeps a key whose only kept record is a tombstone at the compaction revision', () => {
    const s = history();
    compaction(s, { revision: 5 });
    const r = restored(s.snapshot());
    expect(range(r, { key: 'b', revision: 5 }).kvs).toEqual([]);
    expect(range(r, { key: 'b' }).kvs[0]).toMatchObject({ version: 1, createRevision: 7 });
    compaction(r, { revision: 7 });
    compaction(s, { revision: 7 });
    expect(r.snapshot()).toEqual(s.snapshot());
  });

  it('re-attaches live keys to their leases', () => {
    const attached: string[] = [];
    const r = new KVStore({ leases: { attach: (l, k) => attached.push(`${l}:${k}`), detach: () => {} } });
    r.restore(history().snapshot());
    expect(attached).toEqual(['6:b']);
  });

  it('an empty store snapshot restores to revision 1', () => {
    const r = restored(new KVStore().snapshot());
    expect(r.currentRevision).toBe(1);
    expect(put(r, { key: 'x' }).header.revision).toBe(2);
  });

  it('refuses malformed snapshots with a clear error and leaves the store untouched', () => {
    const s = history();
    const good = s.snapshot();
    const bad: unknown[] = [
      null,
      { ...good, records: 'x' },
      { ...good, currentRevision: 0 },
      { ...good, compactRevision: 9 },
      { ...good, records: [...good.records].reverse() },
      { ...good, records: [[2, 0]] },
      { ...good, records: [[2, 0, 'a', 'v', 3, 1, 0]] },
      { ...good, currentRevision: 3 },
    ];
    for (const snap of bad) expect(() => s.restore(snap as StoreSnapshot)).toThrow(/mvcc: invalid store snapshot/);
    expect(s.snapshot()).toEqual(good);
  });
});

describe('views', () => {
  it('lists keys with revisions and versions', () => {
    const s = history();
    expect(s.listKeys('', 10)).toEqual([
      { key: 'a', live: true, createRevision: 2, modRevision: 4, version: 2 },
      { key: 'b', live: true, createRevision: 7, modRevision: 7, version: 1 },
      { key: 'c', live: true, createRevision: 6, modRevision: 6, version: 1 },
    ]);
    deleteRange(s, { key: 'a' });
    expect(s.listKeys('a', 1)).toEqual([{ key: 'a', live: false, createRevision: 0, modRevision: 8, version: 0 }]);
    expect(s.liveKeys).toBe(2);
  });

  it('traces each completed write with its keys, revisions, versions and leases', () => {
    const events: MvccEvent[] = [];
    const s = new KVStore({ onEvent: (e) => events.push(e) });
    put(s, { key: 'a', value: '1', lease: 7 });
    put(s, { key: 'a', value: '2' });
    deleteRange(s, { key: 'a' });
    deleteRange(s, { key: 'missing' });
    expect(events).toEqual([
      { type: 'mvcc.write', revision: 2, key: 'a', createRevision: 2, version: 1, lease: 7 },
      { type: 'mvcc.write', revision: 3, key: 'a', createRevision: 2, version: 2, lease: 0 },
      { type: 'mvcc.write', revision: 4, key: 'a', createRevision: 0, version: 0, lease: 0 },
    ]);
    // A transaction's further changes follow the first.
    put(s, { key: 'a', value: '3' });
    txn(s, { success: [{ requestPut: { key: 'b', value: '1' } }, { requestDeleteRange: { key: 'a' } }] });
    expect(events.at(-1)).toEqual({
      type: 'mvcc.write',
      revision: 6,
      key: 'b',
      createRevision: 6,
      version: 1,
      lease: 0,
      more: [{ key: 'a', createRevision: 0, version: 0, lease: 0 }],
    });
  });
});
