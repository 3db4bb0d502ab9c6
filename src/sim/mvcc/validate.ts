// Request validation of the KV API (etcd server/etcdserver/api/v3rpc/key.go, spec
// server.md §2.4). The server runs these before proposing; the apply functions in txn.ts
// run them again (without the op-count limit) so bad input never reaches the store.

import { compareKeys } from './bytes';
import { SortOrder, SortTarget } from './rpc';
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './rpc';

/** gRPC status code InvalidArgument, carried by every validation error. */
export const InvalidArgument = 3;

/** A rejected request, with the rpctypes message the client sees. */
export class RequestValidationError extends Error {
  readonly code = InvalidArgument;
  constructor(message: string) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

export const ErrGRPCEmptyKey = new RequestValidationError('etcdserver: key is not provided');
export const ErrGRPCKeyNotFound = new RequestValidationError('etcdserver: key not found');
export const ErrGRPCValueProvided = new RequestValidationError('etcdserver: value is provided');
export const ErrGRPCLeaseProvided = new RequestValidationError('etcdserver: lease is provided');
export const ErrGRPCTooManyOps = new RequestValidationError('etcdserver: too many operations in txn request');
export const ErrGRPCDuplicateKey = new RequestValidationError('etcdserver: duplicate key given in txn request');
export const ErrGRPCInvalidSortOption = new RequestValidationError('etcdserver: invalid sort option');

/** Default --max-txn-ops. */
export const MaxTxnOps = 128;

/**
 * [sim] protobuf int64 fields hold only integers: a NaN or fractional number (possible from
 * JavaScript callers, never on etcd's wire) is refused rather than corrupting the store.
 */
export function checkInt(value: number | undefined, field: string): void {
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw new RequestValidationError(`etcdserver: ${field} must be an integer, got ${value}`);
  }
}

export function checkRangeRequest(r: RangeRequest): void {
  if (!r.key) throw ErrGRPCEmptyKey;
  checkInt(r.limit, 'limit');
  checkInt(r.revision, 'revision');
  checkInt(r.minModRevision, 'min_mod_revision');
  checkInt(r.maxModRevision, 'max_mod_revision');
  checkInt(r.minCreateRevision, 'min_create_revision');
  checkInt(r.maxCreateRevision, 'max_create_revision');
  if (!((r.sortOrder ?? 0) in SortOrder) || !((r.sortTarget ?? 0) in SortTarget)) throw ErrGRPCInvalidSortOption;
}

export function checkPutRequest(r: PutRequest): void {
  if (!r.key) throw ErrGRPCEmptyKey;
  checkInt(r.lease, 'lease');
  if (r.ignoreValue && r.value) throw ErrGRPCValueProvided;
  if (r.ignoreLease && r.lease) throw ErrGRPCLeaseProvided;
}

export function checkDeleteRequest(r: DeleteRangeRequest): void {
  if (!r.key) throw ErrGRPCEmptyKey;
}

/** Txn checks: op counts, compare keys, each op (nested txns with the remaining budget), put/delete overlaps. */
export function checkTxnRequest(r: TxnRequest, maxTxnOps = MaxTxnOps): void {
  checkTxnOps(r, maxTxnOps);
  checkIntervals(r.success ?? []);
  checkIntervals(r.failure ?? []);
}

function checkTxnOps(r: TxnRequest, maxTxnOps: number): void {
  const opc = Math.max(r.compare?.length ?? 0, r.success?.length ?? 0, r.failure?.length ?? 0);
  if (opc > maxTxnOps) throw ErrGRPCTooManyOps;
  for (const c of r.compare ?? []) {
    if (!c.key) throw ErrGRPCEmptyKey;
    checkInt(c.version, 'version');
    checkInt(c.createRevision, 'create_revision');
    checkInt(c.modRevision, 'mod_revision');
    checkInt(c.lease, 'lease');
  }
  for (const op of [...(r.success ?? []), ...(r.failure ?? [])]) checkRequestOp(op, maxTxnOps - opc);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
  if (op.requestRange !== undefined) checkRangeRequest(op.requestRange);
  else if (op.requestPut !== undefined) checkPutRequest(op.requestPut);
  else if (op.requestDeleteRange !== undefined) checkDeleteRequest(op.requestDeleteRange);
  else if (op.requestTxn !== undefined) checkTxnOps(op.requestTxn, maxTxnOps);
  else throw ErrGRPCKeyNotFound; // an empty oneof
}

/** [key, end) with end undefined for a single key. */
interface Interval {
  key: string;
  end?: string;
}

function intersects(dels: Interval[], k: string): boolean {
  return dels.some((iv) =>
    iv.end === undefined ? iv.key === k : compareKeys(k, iv.key) >= 0 && compareKeys(k, iv.end) < 0,
  );
}

/**
 * etcd's checkIntervals: no key may be put twice, or put and deleted, in one txn level
 * (nested then/else lists may put the same key). Deletes may overlap each other. As in
 * etcd a range end of "\0" is taken literally here, so a from-key delete never overlaps.
 */
function checkIntervals(reqs: RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of reqs) {
    const d = op.requestDeleteRange;
    if (d !== undefined) dels.push(d.rangeEnd ? { key: d.key, end: d.rangeEnd } : { key: d.key });
  }
  const puts = new Set<string>();
  for (const op of reqs) {
    if (op.requestTxn === undefined) continue;
    const then = checkIntervals(op.requestTxn.success ?? []);
    const other = checkIntervals(op.requestTxn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || intersects(dels, k)) throw ErrGRPCDuplicateKey;
      puts.add(k);
    }
    for (const k of other.puts) {
      // then and else are exclusive: the same key in both is fine
      if ((puts.has(k) && !then.puts.has(k)) || intersects(dels, k)) throw ErrGRPCDuplicateKey;
      puts.add(k);
    }
    dels.push(...then.dels, ...other.dels);
  }
  for (const op of reqs) {
    if (op.requestPut === undefined) continue;
    const k = op.requestPut.key;
    if (puts.has(k) || intersects(dels, k)) throw ErrGRPCDuplicateKey;
    puts.add(k);
  }
  return { puts, dels };
}
