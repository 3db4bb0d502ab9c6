// Request validation of the KV service (etcd api/v3rpc/key.go, spec server.md §2.4):
// runs before a request is proposed or read. Errors are the ErrGRPC... statuses.

import { compareKeys } from '../../mvcc/bytes';
import { SortOrder, SortTarget } from '../../mvcc/rpc';
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from '../../mvcc/rpc';
import { serverError } from '../errors';
import type { ServerError } from '../errors';

export function checkRangeRequest(r: RangeRequest): ServerError | undefined {
  if (r.key === '') return serverError('ErrGRPCEmptyKey');
  const order = r.sortOrder ?? SortOrder.NONE;
  const target = r.sortTarget ?? SortTarget.KEY;
  if (!(order in SortOrder) || !(target in SortTarget)) return serverError('ErrGRPCInvalidSortOption');
  return undefined;
}

export function checkPutRequest(r: PutRequest): ServerError | undefined {
  if (r.key === '') return serverError('ErrGRPCEmptyKey');
  if (r.ignoreValue && (r.value ?? '') !== '') return serverError('ErrGRPCValueProvided');
  if (r.ignoreLease && (r.lease ?? 0) !== 0) return serverError('ErrGRPCLeaseProvided');
  return undefined;
}

export function checkDeleteRequest(r: DeleteRangeRequest): ServerError | undefined {
  return r.key === '' ? serverError('ErrGRPCEmptyKey') : undefined;
}

/** Op counts, empty keys, nested txns (with the remaining op budget), then duplicate keys. */
export function checkTxn(r: TxnRequest, maxTxnOps: number): ServerError | undefined {
  return checkTxnRequest(r, maxTxnOps) ?? checkIntervals(r.success ?? []).err ?? checkIntervals(r.failure ?? []).err;
}

function checkTxnRequest(r: TxnRequest, maxTxnOps: number): ServerError | undefined {
  const opc = Math.max(r.compare?.length ?? 0, r.success?.length ?? 0, r.failure?.length ?? 0);
  if (opc > maxTxnOps) return serverError('ErrGRPCTooManyOps');
  for (const c of r.compare ?? []) if (c.key === '') return serverError('ErrGRPCEmptyKey');
  for (const op of [...(r.success ?? []), ...(r.failure ?? [])]) {
    const err = checkRequestOp(op, maxTxnOps - opc);
    if (err !== undefined) return err;
  }
  return undefined;
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): ServerError | undefined {
  if (op.requestRange !== undefined) return checkRangeRequest(op.requestRange);
  if (op.requestPut !== undefined) return checkPutRequest(op.requestPut);
  if (op.requestDeleteRange !== undefined) return checkDeleteRequest(op.requestDeleteRange);
  if (op.requestTxn !== undefined) return checkTxnRequest(op.requestTxn, maxTxnOps);
  // A RequestOp with no request set (key.go's default case).
  return serverError('ErrGRPCKeyNotFound');
}

/**
 * A delete interval [begin, end) with etcd's affine string order, in which the empty
 * string is +infinity; a point is [k, k+"\0"). Note the etcd quirk this keeps: a delete
 * with range_end "\0" becomes [key, "\0"), which holds no key above "\0".
 */
interface Interval {
  begin: string;
  end: string;
}

function affineCompare(a: string, b: string): number {
  if (a === '') return b === '' ? 0 : 1;
  if (b === '') return -1;
  return compareKeys(a, b);
}

function containsPoint(dels: readonly Interval[], k: string): boolean {
  const end = k + '\0';
  return dels.some((iv) => affineCompare(iv.begin, end) < 0 && affineCompare(k, iv.end) < 0);
}

/** Puts and deletes of one op list; a put colliding with another put or a delete is a duplicate. */
function checkIntervals(ops: readonly RequestOp[]): { puts: Set<string>; dels: Interval[]; err?: ServerError } {
  const dup = () => ({ puts: new Set<string>(), dels: [], err: serverError('ErrGRPCDuplicateKey') });
  const dels: Interval[] = [];
  for (const op of ops) {
    const d = op.requestDeleteRange;
    if (d === undefined) continue;
    const end = d.rangeEnd ?? '';
    dels.push(end !== '' ? { begin: d.key, end } : { begin: d.key, end: d.key + '\0' });
  }
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.requestTxn === undefined) continue;
    const then = checkIntervals(op.requestTxn.success ?? []);
    if (then.err !== undefined) return then;
    const els = checkIntervals(op.requestTxn.failure ?? []);
    if (els.err !== undefined) return els;
    for (const k of then.puts) {
      if (puts.has(k) || containsPoint(dels, k)) return dup();
      puts.add(k);
    }
    // then and else are mutually exclusive: the same key in both is fine.
    for (const k of els.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || containsPoint(dels, k)) return dup();
      puts.add(k);
    }
    dels.push(...then.dels, ...els.dels);
  }
  for (const op of ops) {
    const p = op.requestPut;
    if (p === undefined) continue;
    if (puts.has(p.key) || containsPoint(dels, p.key)) return dup();
    puts.add(p.key);
  }
  return { puts, dels };
}
