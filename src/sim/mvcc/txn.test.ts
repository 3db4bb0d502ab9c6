import { describe, expect, it } from 'vitest';
import { ErrCompacted, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound } from './kv';
import type { LeaseAttacher } from './kv';
import { KVStore } from './kvstore';
import { CompareResult, CompareTarget, SortOrder, SortTarget } from './rpc';
import type { Compare, RequestOp } from './rpc';
import { getPrefixRangeEnd } from './bytes';
import { compaction, deleteRange, put, range, txn } from './txn';

function store(leases?: LeaseAttacher): KVStore {
  return new KVStore({ leases });
}

const keys = (kvs: { key: string }[]) => kvs.map((kv) => kv.key);

describe('revisions and versions', () => {
  it('starts at revision 1; the first write makes revision 2', () => {
    const s = store();
    expect(s.currentRevision).toBe(1);
    expect(s.compactRevision).toBe(-1);
    const r = range(s, { key: 'a' });
    expect(r.header.revision).toBe(1);
    expect(r.kvs).toEqual([]);
    expect(put(s, { key: 'a', value: '1' }).header.revision).toBe(2);
    expect(range(s, { key: 'a' }).kvs[0]).toEqual({
      key: 'a',
      value: '1',
      createRevision: 2,
      modRevision: 2,
      version: 1,
      lease: 0,
    });
  });

  it('counts versions and resets them on re-creation', () => {
    const s = store();
    put(s, { key: 'k', value: 'a' }); // 2
    put(s, { key: 'k', value: 'b' }); // 3
    expect(range(s, { key: 'k' }).kvs[0]).toMatchObject({ version: 2, createRevision: 2, modRevision: 3 });
    expect(deleteRange(s, { key: 'k' })).toMatchObject({ deleted: 1, header: { revision: 4 } });
    put(s, { key: 'k', value: 'c' }); // 5
    expect(range(s, { key: 'k' }).kvs[0]).toMatchObject({ version: 1, createRevision: 5, modRevision: 5 });
    // history stays readable
    expect(range(s, { key: 'k', revision: 3 }).kvs[0]).toMatchObject({ value: 'b', version: 2 });
    expect(range(s, { key: 'k', revision: 4 }).kvs).toEqual([]);
  });

  it('a put with an unchanged value still makes a revision', () => {
    const s = store();
    put(s, { key: 'k', value: 'v' });
    put(s, { key: 'k', value: 'v' });
    expect(s.currentRevision).toBe(3);
  });

  it('a delete of nothing makes no revision', () => {
    const s = store();
    put(s, { key: 'a' });
    const r = deleteRange(s, { key: 'zz' });
    expect(r).toMatchObject({ deleted: 0, header: { revision: 2 } });
    expect(s.currentRevision).toBe(2);
  });
});

describe('Range', () => {
  function filled(): KVStore {
    const s = store();
    for (const [k, v] of [
      ['foo', 'z'],
      ['foo/a', 'y'],
      ['foo/b', 'x'],
      ['foo/c', 'w'],
      ['fop', 'v'],
      ['zeta', 'u'],
    ]) {
      put(s, { key: k, value: v });
    }
    put(s, { key: 'foo/a', value: 'yy' }); // 8: version 2
    return s;
  }

  it('reads a prefix, a range and from-key', () => {
    const s = filled();
    expect(keys(range(s, { key: 'foo/', rangeEnd: getPrefixRangeEnd('foo/') }).kvs)).toEqual(['foo/a', 'foo/b', 'foo/c']);
    expect(keys(range(s, { key: 'foo', rangeEnd: 'foo/b' }).kvs)).toEqual(['foo', 'foo/a']);
    expect(keys(range(s, { key: 'fop', rangeEnd: '\0' }).kvs)).toEqual(['fop', 'zeta']);
    expect(keys(range(s, { key: '\0', rangeEnd: '\0' }).kvs)).toHaveLength(6);
    expect(range(s, { key: 'b', rangeEnd: 'a' }).kvs).toEqual([]);
  });

  it('count ignores limit; more is set when truncated', () => {
    const s = filled();
    const r = range(s, { key: 'foo', rangeEnd: 'fop', limit: 2 });
    expect(keys(r.kvs)).toEqual(['foo', 'foo/a']);
    expect(r.count).toBe(4);
    expect(r.more).toBe(true);
    const all = range(s, { key: 'foo', rangeEnd: 'fop', limit: 4 });
    expect(all.more).toBe(false);
    const c = range(s, { key: 'foo', rangeEnd: 'fop', countOnly: true, limit: 1 });
    expect(c.kvs).toEqual([]);
    expect(c.count).toBe(4);
  });

  it('keys_only drops values; the header carries the current revision even for an old read', () => {
    const s = filled();
    const r = range(s, { key: 'foo/a', keysOnly: true, revision: 3 });
    expect(r.kvs[0]).toMatchObject({ key: 'foo/a', value: '', version: 1 });
    expect(r.header.revision).toBe(8);
  });

  it('sorts by every target in both orders', () => {
    const s = filled();
    const q = { key: 'foo', rangeEnd: 'fop' };
    expect(keys(range(s, { ...q, sortOrder: SortOrder.DESCEND }).kvs)).toEqual(['foo/c', 'foo/b', 'foo/a', 'foo']);
    expect(keys(range(s, { ...q, sortTarget: SortTarget.VALUE }).kvs)).toEqual(['foo/c', 'foo/b', 'foo/a', 'foo']);
    expect(keys(range(s, { ...q, sortTarget: SortTarget.MOD, sortOrder: SortOrder.DESCEND }).kvs)).toEqual([
      'foo/a',
      'foo/c',
      'foo/b',
      'foo',
    ]);
    expect(keys(range(s, { ...q, sortTarget: SortTarget.CREATE, sortOrder: SortOrder.ASCEND }).kvs)).toEqual([
      'foo',
      'foo/a',
      'foo/b',
      'foo/c',
    ]);
    expect(keys(range(s, { ...q, sortTarget: SortTarget.VERSION, sortOrder: SortOrder.DESCEND }).kvs)[0]).toBe('foo/a');
    // sort then limit: the limit applies after sorting
    const top = range(s, { ...q, sortTarget: SortTarget.MOD, sortOrder: SortOrder.DESCEND, limit: 1 });
    expect(keys(top.kvs)).toEqual(['foo/a']);
    expect(top.more).toBe(true);
    expect(top.count).toBe(4);
  });

  it('filters by mod and create revision without changing count', () => {
    const s = filled();
    const q = { key: 'foo', rangeEnd: 'fop' };
    expect(keys(range(s, { ...q, minModRevision: 4 }).kvs)).toEqual(['foo/a', 'foo/b', 'foo/c']);
    expect(keys(range(s, { ...q, maxModRevision: 4 }).kvs)).toEqual(['foo', 'foo/b']);
    expect(keys(range(s, { ...q, minCreateRevision: 4, maxCreateRevision: 4 }).kvs)).toEqual(['foo/b']);
    expect(range(s, { ...q, minCreateRevision: 4, maxCreateRevision: 4 }).count).toBe(4);
  });

  it('rejects a future revision and a compacted one', () => {
    const s = filled();
    expect(() => range(s, { key: 'foo', revision: 9 })).toThrow(ErrFutureRev);
    compaction(s, { revision: 5 });
    expect(() => range(s, { key: 'foo', revision: 4 })).toThrow(ErrCompacted);
    expect(() => range(s, { key: 'foo', revision: 4 })).toThrow('mvcc: required revision has been compacted');
    expect(range(s, { key: 'foo', revision: 5 }).kvs).toHaveLength(1); // == compact revision is readable
    expect(range(s, { key: 'foo', revision: -3 }).kvs).toHaveLength(1); // negative = latest
  });
});

describe('Put', () => {
  it('returns prev_kv and honours ignore_value / ignore_lease', () => {
    const attached: string[] = [];
    const s = store({
      attach: (l, k) => attached.push(`+${l}:${k}`),
      detach: (l, k) => attached.push(`-${l}:${k}`),
    });
    expect(put(s, { key: 'k', value: 'v1', prevKv: true }).prevKv).toBeUndefined();
    const r = put(s, { key: 'k', value: 'v2', lease: 7, prevKv: true });
    expect(r.prevKv).toMatchObject({ key: 'k', value: 'v1', version: 1 });
    put(s, { key: 'k', ignoreValue: true, lease: 8 });
    expect(range(s, { key: 'k' }).kvs[0]).toMatchObject({ value: 'v2', lease: 8, version: 3 });
    put(s, { key: 'k', value: 'v4', ignoreLease: true });
    expect(range(s, { key: 'k' }).kvs[0]).toMatchObject({ value: 'v4', lease: 8 });
    put(s, { key: 'k', value: 'v5' }); // lease 0 detaches
    deleteRange(s, { key: 'k' });
    expect(attached).toEqual(['+7:k', '-7:k', '+8:k', '-8:k']);
  });

  it('ignore flags need an existing key; a missing lease is refused before writing', () => {
    const s = store();
    expect(() => put(s, { key: 'k', ignoreValue: true })).toThrow(ErrKeyNotFound);
    expect(() => put(s, { key: 'k', ignoreLease: true })).toThrow('etcdserver: key not found');
    expect(() => put(s, { key: 'k', lease: 5 }, () => false)).toThrow(ErrLeaseNotFound);
    expect(s.currentRevision).toBe(1);
  });

  it('detaches every deleted key from its lease', () => {
    const events: string[] = [];
    const s = store({ attach: (l, k) => events.push(`+${l}:${k}`), detach: (l, k) => events.push(`-${l}:${k}`) });
    put(s, { key: 'a', lease: 1 });
    put(s, { key: 'b', lease: 1 });
    put(s, { key: 'c' });
    const r = deleteRange(s, { key: 'a', rangeEnd: 'z', prevKv: true });
    expect(r.deleted).toBe(3);
    expect(keys(r.prevKvs)).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['+1:a', '+1:b', '-1:a', '-1:b']);
  });
});

describe('Txn', () => {
  const cmp = (target: CompareTarget, result: CompareResult, key: string, field: Partial<Compare>): Compare => ({
    target,
    result,
    key,
    ...field,
  });

  function base(): KVStore {
    const s = store();
    put(s, { key: 'a', value: 'x', lease: 0 }); // 2
    put(s, { key: 'a', value: 'y' }); // 3
    put(s, { key: 'b', value: 'm', lease: 9 }); // 4
    return s;
  }

  it('evaluates every compare target and result', () => {
    const s = base();
    const check = (c: Compare) => txn(s, { compare: [c] }).succeeded;
    // a: version 2, create 2, mod 3, value y, lease 0
    expect(check(cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'a', { version: 2 }))).toBe(true);
    expect(check(cmp(CompareTarget.VERSION, CompareResult.GREATER, 'a', { version: 1 }))).toBe(true);
    expect(check(cmp(CompareTarget.VERSION, CompareResult.LESS, 'a', { version: 2 }))).toBe(false);
    expect(check(cmp(CompareTarget.VERSION, CompareResult.NOT_EQUAL, 'a', { version: 2 }))).toBe(false);
    expect(check(cmp(CompareTarget.CREATE, CompareResult.EQUAL, 'a', { createRevision: 2 }))).toBe(true);
    expect(check(cmp(CompareTarget.MOD, CompareResult.EQUAL, 'a', { modRevision: 3 }))).toBe(true);
    expect(check(cmp(CompareTarget.MOD, CompareResult.LESS, 'a', { modRevision: 4 }))).toBe(true);
    expect(check(cmp(CompareTarget.VALUE, CompareResult.EQUAL, 'a', { value: 'y' }))).toBe(true);
    expect(check(cmp(CompareTarget.VALUE, CompareResult.GREATER, 'a', { value: 'x' }))).toBe(true);
    expect(check(cmp(CompareTarget.VALUE, CompareResult.LESS, 'a', { value: 'x' }))).toBe(false);
    expect(check(cmp(CompareTarget.LEASE, CompareResult.EQUAL, 'b', { lease: 9 }))).toBe(true);
    expect(check(cmp(CompareTarget.LEASE, CompareResult.NOT_EQUAL, 'a', { lease: 9 }))).toBe(true);
    // a missing key: VALUE always fails, other targets compare against 0
    expect(check(cmp(CompareTarget.VALUE, CompareResult.NOT_EQUAL, 'nope', { value: 'q' }))).toBe(false);
    expect(check(cmp(CompareTarget.CREATE, CompareResult.EQUAL, 'nope', { createRevision: 0 }))).toBe(true);
    expect(check(cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'nope', {}))).toBe(true);
    // a range: every key must satisfy
    expect(check(cmp(CompareTarget.CREATE, CompareResult.GREATER, 'a', { rangeEnd: 'c', createRevision: 1 }))).toBe(true);
    expect(check(cmp(CompareTarget.CREATE, CompareResult.GREATER, 'a', { rangeEnd: 'c', createRevision: 2 }))).toBe(false);
    expect(check(cmp(CompareTarget.MOD, CompareResult.GREATER, 'a', { rangeEnd: '\0', modRevision: 2 }))).toBe(true);
    // an empty compare list holds
    expect(txn(s, {}).succeeded).toBe(true);
  });

  it('runs success or failure in one revision with sub revisions and read-your-writes', () => {
    const s = base();
    const ops: RequestOp[] = [
      { requestPut: { key: 'c', value: '1' } },
      { requestRange: { key: 'c' } },
      { requestPut: { key: 'd', value: '2', prevKv: true } },
      { requestDeleteRange: { key: 'a', prevKv: true } },
      { requestRange: { key: 'a', rangeEnd: 'z' } },
    ];
    const r = txn(s, {
      compare: [cmp(CompareTarget.VALUE, CompareResult.EQUAL, 'a', { value: 'y' })],
      success: ops,
      failure: [{ requestPut: { key: 'never' } }],
    });
    expect(r.succeeded).toBe(true);
    expect(r.header.revision).toBe(5);
    expect(s.currentRevision).toBe(5);
    expect(r.responses[0].responsePut?.header.revision).toBe(5);
    expect(r.responses[1].responseRange?.kvs[0]).toMatchObject({ key: 'c', modRevision: 5 });
    expect(r.responses[1].responseRange?.header.revision).toBe(5);
    expect(r.responses[3].responseDeleteRange).toMatchObject({ deleted: 1, header: { revision: 5 } });
    expect(r.responses[3].responseDeleteRange?.prevKvs[0]).toMatchObject({ key: 'a', value: 'y' });
    expect(keys(r.responses[4].responseRange?.kvs ?? [])).toEqual(['b', 'c', 'd']);
    expect(range(s, { key: 'never' }).kvs).toEqual([]);
  });

  it('takes the failure branch; a read-only txn makes no revision', () => {
    const s = base();
    const r = txn(s, {
      compare: [cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'a', { version: 99 })],
      success: [{ requestPut: { key: 'x' } }],
      failure: [{ requestRange: { key: 'a' } }],
    });
    expect(r.succeeded).toBe(false);
    expect(r.header.revision).toBe(4);
    expect(r.responses[0].responseRange?.kvs[0]).toMatchObject({ value: 'y' });
    // write txn whose chosen branch writes nothing keeps the revision
    const r2 = txn(s, { success: [{ requestDeleteRange: { key: 'zz' } }] });
    expect(r2.header.revision).toBe(4);
    expect(s.currentRevision).toBe(4);
  });

  it('runs nested txns, their compares against the initial view', () => {
    const s = base();
    const r = txn(s, {
      success: [
        { requestPut: { key: 'a', value: 'new' } },
        {
          requestTxn: {
            // sees the value before the txn began, not 'new'
            compare: [cmp(CompareTarget.VALUE, CompareResult.EQUAL, 'a', { value: 'y' })],
            success: [{ requestPut: { key: 'n1', value: 'ok' } }, { requestRange: { key: 'a' } }],
            failure: [{ requestPut: { key: 'n2' } }],
          },
        },
        {
          requestTxn: {
            compare: [cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'a', { version: 0 })],
            success: [{ requestPut: { key: 'n3' } }],
            failure: [{ requestDeleteRange: { key: 'b' } }],
          },
        },
      ],
    });
    expect(r.header.revision).toBe(5);
    const n1 = r.responses[1].responseTxn;
    expect(n1?.succeeded).toBe(true);
    expect(n1?.header.revision).toBe(0);
    expect(n1?.responses[1].responseRange?.kvs[0]).toMatchObject({ value: 'new', modRevision: 5 });
    expect(r.responses[2].responseTxn?.succeeded).toBe(false);
    expect(r.responses[2].responseTxn?.responses[0].responseDeleteRange?.deleted).toBe(1);
    expect(keys(range(s, { key: '\0', rangeEnd: '\0' }).kvs)).toEqual(['a', 'n1']);
    // sub revisions: a=5.0, n1=5.1, b deleted 5.2
    const snap = s.snapshot().records.filter((rec) => rec[0] === 5);
    expect(snap.map((rec) => [rec[1], rec[2]])).toEqual([
      [0, 'a'],
      [1, 'n1'],
      [2, 'b'],
    ]);
  });

  it('checks the chosen path before writing anything', () => {
    const s = base();
    const before = s.currentRevision;
    expect(() =>
      txn(s, { success: [{ requestPut: { key: 'q' } }, { requestRange: { key: 'a', revision: 50 } }] }),
    ).toThrow(ErrFutureRev);
    expect(() => txn(s, { success: [{ requestPut: { key: 'q' } }, { requestPut: { key: 'zz', ignoreValue: true } }] })).toThrow(
      ErrKeyNotFound,
    );
    expect(() => txn(s, { success: [{ requestPut: { key: 'q', lease: 3 } }] }, () => false)).toThrow(ErrLeaseNotFound);
    expect(() =>
      txn(s, { success: [{ requestTxn: { success: [{ requestPut: { key: 'q', lease: 3 } }] } }] }, () => false),
    ).toThrow(ErrLeaseNotFound);
    // the branch not taken is not checked
    txn(s, {
      compare: [cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'a', { version: 99 })],
      success: [{ requestPut: { key: 'q', lease: 3 } }],
    }, () => false);
    expect(s.currentRevision).toBe(before);
    compaction(s, { revision: 3 });
    expect(() => txn(s, { success: [{ requestPut: { key: 'q' } }, { requestRange: { key: 'a', revision: 2 } }] })).toThrow(
      ErrCompacted,
    );
    // a read-only txn reading a compacted revision fails too
    expect(() => txn(s, { success: [{ requestRange: { key: 'a', revision: 2 } }] })).toThrow(ErrCompacted);
  });

  it('keeps etcd quirk: a negative revision in a txn fails once anything was compacted', () => {
    const s = base();
    const neg = { success: [{ requestRange: { key: 'a', revision: -1 } }] };
    expect(txn(s, neg).responses[0].responseRange?.kvs[0]).toMatchObject({ value: 'y' });
    compaction(s, { revision: 2 });
    expect(() => txn(s, neg)).toThrow(ErrCompacted);
    expect(range(s, { key: 'a', revision: -1 }).kvs[0]).toMatchObject({ value: 'y' }); // a plain Range reads the latest
  });
});

describe('Compact', () => {
  it('follows etcd errors: compacted, future, current allowed, 0 on a fresh store', () => {
    const s = store();
    expect(() => compaction(s, { revision: 5 })).toThrow(ErrFutureRev);
    expect(compaction(s, { revision: 0 }).header.revision).toBe(1); // compactMainRev is -1
    expect(() => compaction(s, { revision: 0 })).toThrow(ErrCompacted);
    put(s, { key: 'a' });
    compaction(s, { revision: 2 });
    expect(s.compactRevision).toBe(2);
    expect(() => compaction(s, { revision: 2 })).toThrow(ErrCompacted);
  });

  it('physically removes old revisions but keeps the latest of each key', () => {
    const s = store();
    put(s, { key: 'a', value: '1' }); // 2
    put(s, { key: 'a', value: '2' }); // 3
    put(s, { key: 'b', value: '1' }); // 4
    deleteRange(s, { key: 'b' }); // 5
    put(s, { key: 'c', value: '1' }); // 6
    deleteRange(s, { key: 'c' }); // 7
    compaction(s, { revision: 6 });
    const recs = s.snapshot().records.map((r) => `${r[0]}.${r[1]}:${r[2]}${r.length === 3 ? '(t)' : ''}`);
    expect(recs).toEqual(['3.0:a', '6.0:c', '7.0:c(t)']);
    expect(range(s, { key: 'a', revision: 6 }).kvs[0]).toMatchObject({ value: '2', version: 2, createRevision: 2 });
    expect(range(s, { key: '\0', rangeEnd: '\0', revision: 6 }).kvs.map((kv) => kv.key)).toEqual(['a', 'c']);
    compaction(s, { revision: 7 });
    // the tombstone at the compaction revision is kept (3.6)
    expect(s.snapshot().records.map((r) => `${r[0]}:${r[2]}`)).toEqual(['3:a', '7:c']);
    put(s, { key: 'd' }); // 8
    compaction(s, { revision: 8 });
    expect(s.snapshot().records.map((r) => `${r[0]}:${r[2]}`)).toEqual(['3:a', '8:d']);
    expect(s.listKeys().map((k) => k.key)).toEqual(['a', 'd']);
  });
});
