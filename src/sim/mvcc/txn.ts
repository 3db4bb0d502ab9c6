// Applying KV requests to the store (etcd server/etcdserver/txn/txn.go, spec server.md
// §6.4-6.8): the request-level rules on top of mvcc transactions. Each function first
// validates its request (validate.ts; the op-count limit is the server's to enforce) and
// throws RequestValidationError, MvccError sentinels or ErrKeyNotFound/ErrLeaseNotFound.

import { FROM_KEY, compareKeys } from './bytes';
import { ErrCompacted, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound } from './kv';
import type { RangeResult, TxnRead, TxnWrite } from './kv';
import type { KVStore } from './kvstore';
import type { KeyValue } from './mvccpb';
import { CompareResult, CompareTarget, SortOrder, SortTarget, revisionHeader } from './rpc';
import type {
  Compare,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVRequest,
  HashKVResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './rpc';
import { checkDeleteRequest, checkInt, checkPutRequest, checkRangeRequest, checkTxnRequest } from './validate';

/** Whether a lease exists (the lessor's Lookup). Without one every lease is accepted. */
export type LeaseExists = (leaseID: number) => boolean;

/** etcd's mkGteRange: a range end of exactly "\0" means every key >= key; '' the single key. */
export function mkGteRange(rangeEnd: string | undefined): string | undefined {
  if (rangeEnd === undefined || rangeEnd === '') return undefined;
  return rangeEnd === FROM_KEY ? '' : rangeEnd;
}

export function range(kv: KVStore, req: RangeRequest): RangeResponse {
  checkRangeRequest(req);
  const txn = kv.read();
  try {
    return executeRange(txn, req);
  } finally {
    txn.end();
  }
}

export function put(kv: KVStore, req: PutRequest, leaseExists?: LeaseExists): PutResponse {
  checkPutRequest(req);
  const lease = req.lease ?? 0;
  if (lease !== 0 && leaseExists !== undefined && !leaseExists(lease)) throw ErrLeaseNotFound;
  const txn = kv.write();
  try {
    return executePut(txn, req);
  } finally {
    txn.end();
  }
}

export function deleteRange(kv: KVStore, req: DeleteRangeRequest): DeleteRangeResponse {
  checkDeleteRequest(req);
  const txn = kv.write();
  try {
    return executeDeleteRange(txn, req);
  } finally {
    txn.end();
  }
}

export function compaction(kv: KVStore, req: CompactionRequest): CompactionResponse {
  checkInt(req.revision, 'revision');
  kv.compact(req.revision);
  return { header: revisionHeader(kv.currentRevision) };
}

export function hashKV(kv: KVStore, req: HashKVRequest): HashKVResponse {
  checkInt(req.revision, 'revision');
  const { hash, currentRevision } = kv.hashByRev(req.revision ?? 0);
  return {
    header: revisionHeader(currentRevision),
    hash: hash.hash,
    compactRevision: hash.compactRevision,
    hashRevision: hash.revision,
  };
}

/** Which list each txn takes: its own compare outcome and those of the nested txns it runs. */
interface TxnPath {
  succeeded: boolean;
  nested: TxnPath[];
}

/**
 * Txn (§6.7): all compares, of the top level and of the nested txns on the chosen path, are
 * evaluated against one read view; the chosen path is checked before any write; then the
 * ops run in order in one write transaction (one revision, sub revisions in order).
 */
export function txn(kv: KVStore, req: TxnRequest, leaseExists?: LeaseExists): TxnResponse {
  checkTxnRequest(req, Number.MAX_SAFE_INTEGER);
  const read = kv.read();
  let path: TxnPath;
  try {
    path = compareToPath(read, req);
    checkTxn(read, req, path, leaseExists);
    if (isTxnReadonly(req)) {
      const resp = executeTxn(readOnlyTxnWrite(read), req, path);
      resp.header.revision = read.rev();
      return resp;
    }
  } finally {
    read.end();
  }
  const write = kv.write();
  try {
    const resp = executeTxn(write, req, path);
    resp.header.revision = write.changes().length > 0 ? write.rev() + 1 : write.rev();
    return resp;
  } catch (err) {
    // etcd panics here: the checks passed, so a write txn must not fail half-way.
    throw new Error(`unexpected error during txn with writes: ${(err as Error).message}`, { cause: err });
  } finally {
    write.end();
  }
}

/** A txn is read-only when every op of both lists is a Range (a nested txn counts as a write). */
export function isTxnReadonly(req: TxnRequest): boolean {
  const onlyRanges = (ops: RequestOp[] | undefined) => (ops ?? []).every((op) => op.requestRange !== undefined);
  return onlyRanges(req.success) && onlyRanges(req.failure);
}

function chosenOps(req: TxnRequest, succeeded: boolean): RequestOp[] {
  return (succeeded ? req.success : req.failure) ?? [];
}

function compareToPath(rv: TxnRead, req: TxnRequest): TxnPath {
  const succeeded = (req.compare ?? []).every((c) => applyCompare(rv, c));
  const nested: TxnPath[] = [];
  for (const op of chosenOps(req, succeeded)) {
    if (op.requestTxn !== undefined) nested.push(compareToPath(rv, op.requestTxn));
  }
  return { succeeded, nested };
}

function applyCompare(rv: TxnRead, c: Compare): boolean {
  let rr: RangeResult;
  try {
    rr = rv.range(c.key, mkGteRange(c.rangeEnd));
  } catch {
    return false;
  }
  if (rr.kvs.length === 0) {
    // No way to represent a missing value: comparing the value of a missing key fails.
    if (c.target === CompareTarget.VALUE) return false;
    return compareKV(c, ZERO_KV);
  }
  return rr.kvs.every((kv) => compareKV(c, kv));
}

const ZERO_KV: KeyValue = { key: '', createRevision: 0, modRevision: 0, version: 0, value: '', lease: 0 };

function compareKV(c: Compare, kv: KeyValue): boolean {
  let result: number;
  switch (c.target) {
    case CompareTarget.VALUE:
      result = compareKeys(kv.value, c.value ?? '');
      break;
    case CompareTarget.CREATE:
      result = kv.createRevision - (c.createRevision ?? 0);
      break;
    case CompareTarget.MOD:
      result = kv.modRevision - (c.modRevision ?? 0);
      break;
    case CompareTarget.VERSION:
      result = kv.version - (c.version ?? 0);
      break;
    case CompareTarget.LEASE:
      result = kv.lease - (c.lease ?? 0);
      break;
    default:
      result = 0;
  }
  switch (c.result) {
    case CompareResult.EQUAL:
      return result === 0;
    case CompareResult.NOT_EQUAL:
      return result !== 0;
    case CompareResult.GREATER:
      return result > 0;
    case CompareResult.LESS:
      return result < 0;
    default:
      return true; // an unknown result holds, as in etcd
  }
}

/** Checks of the chosen path against the initial read view, before any write (§6.7 step 3). */
function checkTxn(rv: TxnRead, req: TxnRequest, path: TxnPath, leaseExists: LeaseExists | undefined): void {
  let nested = 0;
  for (const op of chosenOps(req, path.succeeded)) {
    if (op.requestRange !== undefined) {
      const rev = op.requestRange.revision ?? 0;
      // Quirk kept from etcd: a negative revision is compared as is (§6.7).
      if (rev !== 0 && rev > rv.rev()) throw ErrFutureRev;
      if (rev !== 0 && rev < rv.firstRev()) throw ErrCompacted;
    } else if (op.requestPut !== undefined) {
      const p = op.requestPut;
      if ((p.ignoreValue || p.ignoreLease) && rv.range(p.key, undefined).kvs.length === 0) throw ErrKeyNotFound;
      const lease = p.lease ?? 0;
      if (lease !== 0 && leaseExists !== undefined && !leaseExists(lease)) throw ErrLeaseNotFound;
    } else if (op.requestTxn !== undefined) {
      checkTxn(rv, op.requestTxn, path.nested[nested++], leaseExists);
    }
  }
}

function executeTxn(tw: TxnWrite, req: TxnRequest, path: TxnPath): TxnResponse {
  const responses: ResponseOp[] = [];
  let nested = 0;
  for (const op of chosenOps(req, path.succeeded)) {
    if (op.requestRange !== undefined) responses.push({ responseRange: executeRange(tw, op.requestRange) });
    else if (op.requestPut !== undefined) responses.push({ responsePut: executePut(tw, op.requestPut) });
    else if (op.requestDeleteRange !== undefined) {
      responses.push({ responseDeleteRange: executeDeleteRange(tw, op.requestDeleteRange) });
    } else if (op.requestTxn !== undefined) {
      responses.push({ responseTxn: executeTxn(tw, op.requestTxn, path.nested[nested++]) });
    }
  }
  return { header: revisionHeader(0), succeeded: path.succeeded, responses };
}

function readOnlyTxnWrite(tr: TxnRead): TxnWrite {
  const refuse = (): never => {
    throw new Error('mvcc: write in a read-only txn');
  };
  return {
    rev: () => tr.rev(),
    firstRev: () => tr.firstRev(),
    range: (key, end, options) => tr.range(key, end, options),
    end: () => tr.end(),
    put: refuse,
    deleteRange: refuse,
    changes: () => [],
  };
}

/** Range (§6.4): filters, sort, limit and `more` on top of the store's range. */
function executeRange(tr: TxnRead, r: RangeRequest): RangeResponse {
  const sortOrder0 = r.sortOrder ?? SortOrder.NONE;
  const sortTarget = r.sortTarget ?? SortTarget.KEY;
  const minMod = r.minModRevision ?? 0;
  const maxMod = r.maxModRevision ?? 0;
  const minCreate = r.minCreateRevision ?? 0;
  const maxCreate = r.maxCreateRevision ?? 0;
  const requestLimit = r.limit ?? 0;
  let limit = requestLimit;
  // Sorting or filtering needs every key; otherwise fetch one extra to compute `more`.
  if (sortOrder0 !== SortOrder.NONE || minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0) limit = 0;
  if (limit > 0) limit++;
  const rr = tr.range(r.key, mkGteRange(r.rangeEnd), { limit, rev: r.revision ?? 0, count: r.countOnly ?? false });
  let kvs = rr.kvs;
  if (maxMod !== 0) kvs = kvs.filter((kv) => kv.modRevision <= maxMod);
  if (minMod !== 0) kvs = kvs.filter((kv) => kv.modRevision >= minMod);
  if (maxCreate !== 0) kvs = kvs.filter((kv) => kv.createRevision <= maxCreate);
  if (minCreate !== 0) kvs = kvs.filter((kv) => kv.createRevision >= minCreate);

  let sortOrder = sortOrder0;
  // The store returns keys in ascending order: sort by anything else ascending by default,
  // and skip re-sorting by key ascending.
  if (sortTarget !== SortTarget.KEY && sortOrder === SortOrder.NONE) sortOrder = SortOrder.ASCEND;
  else if (sortTarget === SortTarget.KEY && sortOrder === SortOrder.ASCEND) sortOrder = SortOrder.NONE;
  if (sortOrder !== SortOrder.NONE) {
    const cmp = sortComparator(sortTarget);
    // Array sort is stable, so ties keep key order (etcd's order for ties is unspecified).
    kvs = kvs === rr.kvs ? kvs.slice() : kvs;
    kvs.sort(sortOrder === SortOrder.DESCEND ? (a, b) => cmp(b, a) : cmp);
  }
  let more = false;
  if (requestLimit > 0 && kvs.length > requestLimit) {
    kvs = kvs.slice(0, requestLimit);
    more = true;
  }
  if (r.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
  return { header: revisionHeader(rr.rev), kvs, more, count: rr.count };
}

function sortComparator(target: SortTarget): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case SortTarget.VERSION:
      return (a, b) => a.version - b.version;
    case SortTarget.CREATE:
      return (a, b) => a.createRevision - b.createRevision;
    case SortTarget.MOD:
      return (a, b) => a.modRevision - b.modRevision;
    case SortTarget.VALUE:
      return (a, b) => compareKeys(a.value, b.value);
    default:
      return (a, b) => compareKeys(a.key, b.key);
  }
}

/** Put (§6.5) inside a write transaction. */
function executePut(tw: TxnWrite, p: PutRequest): PutResponse {
  let value = p.value ?? '';
  let lease = p.lease ?? 0;
  let prev: KeyValue | undefined;
  if (p.ignoreValue || p.ignoreLease || p.prevKv) {
    prev = tw.range(p.key, undefined).kvs[0];
    if ((p.ignoreValue || p.ignoreLease) && prev === undefined) throw ErrKeyNotFound;
    if (p.ignoreValue && prev !== undefined) value = prev.value;
    if (p.ignoreLease && prev !== undefined) lease = prev.lease;
  }
  const rev = tw.put(p.key, value, lease);
  return p.prevKv && prev !== undefined ? { header: revisionHeader(rev), prevKv: prev } : { header: revisionHeader(rev) };
}

/** DeleteRange (§6.6) inside a write transaction. */
function executeDeleteRange(tw: TxnWrite, dr: DeleteRangeRequest): DeleteRangeResponse {
  const end = mkGteRange(dr.rangeEnd);
  const prevKvs = dr.prevKv ? tw.range(dr.key, end).kvs : [];
  const { deleted, rev } = tw.deleteRange(dr.key, end);
  return { header: revisionHeader(rev), deleted, prevKvs };
}
