import { describe, expect, it } from 'vitest';
import { KVStore } from './kvstore';
import type { RequestOp, SortOrder, SortTarget, TxnRequest } from './rpc';
import { compaction, put, range, txn } from './txn';
import {
  ErrGRPCDuplicateKey,
  ErrGRPCEmptyKey,
  ErrGRPCInvalidSortOption,
  ErrGRPCKeyNotFound,
  ErrGRPCLeaseProvided,
  ErrGRPCTooManyOps,
  ErrGRPCValueProvided,
  checkRangeRequest,
  checkTxnRequest,
} from './validate';

const p = (key: string): RequestOp => ({ requestPut: { key } });
const d = (key: string, rangeEnd?: string): RequestOp => ({ requestDeleteRange: { key, rangeEnd } });
const t = (success: RequestOp[], failure: RequestOp[] = []): RequestOp => ({ requestTxn: { success, failure } });

describe('request validation (v3rpc key.go)', () => {
  it('rejects empty keys, provided values and leases, bad sort options', () => {
    const s = new KVStore();
    expect(() => range(s, { key: '' })).toThrow(ErrGRPCEmptyKey);
    expect(() => put(s, { key: '' })).toThrow('etcdserver: key is not provided');
    expect(() => put(s, { key: 'k', value: 'v', ignoreValue: true })).toThrow(ErrGRPCValueProvided);
    expect(() => put(s, { key: 'k', lease: 1, ignoreLease: true })).toThrow(ErrGRPCLeaseProvided);
    expect(() => checkRangeRequest({ key: 'k', sortOrder: 3 as SortOrder })).toThrow(ErrGRPCInvalidSortOption);
    expect(() => checkRangeRequest({ key: 'k', sortTarget: 5 as SortTarget })).toThrow(ErrGRPCInvalidSortOption);
    expect(ErrGRPCEmptyKey.code).toBe(3);
    expect(s.currentRevision).toBe(1);
  });

  it('limits txn ops, including the budget left to nested txns', () => {
    const ops = (n: number) => Array.from({ length: n }, (_, i) => p(`k${i}`));
    expect(() => checkTxnRequest({ success: ops(129) })).toThrow(ErrGRPCTooManyOps);
    checkTxnRequest({ success: ops(128) });
    expect(() => checkTxnRequest({ success: [t(ops(65))], failure: ops(64) })).toThrow(ErrGRPCTooManyOps);
    expect(() => checkTxnRequest({ compare: [{ key: '', target: 0, result: 0 }] })).toThrow(ErrGRPCEmptyKey);
    expect(() => checkTxnRequest({ success: [{}] })).toThrow(ErrGRPCKeyNotFound);
  });

  it('rejects a key put twice or put and deleted in one txn', () => {
    const bad: TxnRequest[] = [
      { success: [p('a'), p('a')] },
      { success: [p('b'), d('a', 'c')] },
      { success: [d('b'), p('b')] },
      { failure: [t([p('a')]), p('a')] },
      { success: [d('a', 'c'), t([p('b')])] },
      { success: [t([p('a')]), t([], [p('a')])] },
    ];
    for (const r of bad) expect(() => checkTxnRequest(r), JSON.stringify(r)).toThrow(ErrGRPCDuplicateKey);
    const ok: TxnRequest[] = [
      { success: [p('a')], failure: [p('a')] },
      { success: [d('a', 'c'), d('b')] },
      { success: [t([p('a')], [p('a')])] },
      { success: [p('a'), d('b', 'c')] },
      { success: [p('b'), d('a', '\0')] }, // etcd takes "\0" literally here
    ];
    for (const r of ok) checkTxnRequest(r);
  });

  it('a from-key delete and a put of the same key in one txn survive compaction', () => {
    const s = new KVStore();
    put(s, { key: 'b', value: 'old' }); // 2
    txn(s, { success: [d('a', '\0'), { requestPut: { key: 'b', value: 'new' } }] }); // 3
    expect(range(s, { key: 'b' }).kvs[0]).toMatchObject({ value: 'new', version: 1, createRevision: 3 });
    compaction(s, { revision: 3 });
    expect(range(s, { key: 'b' }).kvs[0]).toMatchObject({ value: 'new', version: 1, createRevision: 3 });
    expect(s.snapshot().records).toEqual([[3, 1, 'b', 'new', 3, 1, 0]]);
  });

  it('[sim] refuses non-integer numbers instead of corrupting the store', () => {
    const s = new KVStore();
    put(s, { key: 'a' });
    expect(() => compaction(s, { revision: Number.NaN })).toThrow(/revision must be an integer/);
    expect(() => range(s, { key: 'a', revision: 1.5 })).toThrow(/revision must be an integer/);
    expect(() => put(s, { key: 'a', lease: Infinity })).toThrow(/lease must be an integer/);
    expect(() => txn(s, { compare: [{ key: 'a', target: 0, result: 0, version: Number.NaN }] })).toThrow(/integer/);
    expect(s.compactRevision).toBe(-1);
    expect(s.currentRevision).toBe(2);
  });
});
