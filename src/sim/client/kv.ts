// The KV API (client/v3/kv.go, txn.go, op.go, compare.go): Get, Put, Delete, Compact, Txn.

import type { Context } from '../grpc/context';
import type { Result } from '../grpc/result';
import { fail } from '../grpc/result';
import {
  CompareResult,
  CompareTarget,
  type CompactionRequest,
  type CompactionResponse,
  type Compare,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  type PutRequest,
  type PutResponse,
  type RangeRequest,
  type RangeResponse,
  type RequestOp,
  type TxnResponse,
} from '../mvcc/rpc';
import * as M from './methods';
import { EtcdError, grpcError } from './rpctypes';
import type { Client } from './client';

export type Done<T> = (r: Result<T>) => void;

export type GetOptions = Omit<RangeRequest, 'key'>;
export type PutOptions = Omit<PutRequest, 'key' | 'value'>;
export type DeleteOptions = Omit<DeleteRangeRequest, 'key'>;

export function opGet(key: string, opts: GetOptions = {}): RequestOp {
  return { requestRange: { key, ...opts } };
}
export function opPut(key: string, value: string, opts: PutOptions = {}): RequestOp {
  return { requestPut: { key, value, ...opts } };
}
export function opDelete(key: string, opts: DeleteOptions = {}): RequestOp {
  return { requestDeleteRange: { key, ...opts } };
}

type Op = '=' | '!=' | '>' | '<';
const RESULT: Record<Op, CompareResult> = {
  '=': CompareResult.EQUAL,
  '!=': CompareResult.NOT_EQUAL,
  '>': CompareResult.GREATER,
  '<': CompareResult.LESS,
};

/** clientv3.Compare(Value(key), "=", v) and friends. */
export const compare = {
  value: (key: string, op: Op, value: string): Compare => ({ key, target: CompareTarget.VALUE, result: RESULT[op], value }),
  version: (key: string, op: Op, version: number): Compare => ({ key, target: CompareTarget.VERSION, result: RESULT[op], version }),
  createRevision: (key: string, op: Op, createRevision: number): Compare => ({ key, target: CompareTarget.CREATE, result: RESULT[op], createRevision }),
  modRevision: (key: string, op: Op, modRevision: number): Compare => ({ key, target: CompareTarget.MOD, result: RESULT[op], modRevision }),
  lease: (key: string, op: Op, lease: number): Compare => ({ key, target: CompareTarget.LEASE, result: RESULT[op], lease }),
};

/** clientv3.Txn: If(...).Then(...).Else(...).Commit(). Txn is non-repeatable, even read-only. */
export class Txn {
  private cmps: Compare[] = [];
  private success: RequestOp[] = [];
  private failure: RequestOp[] = [];

  constructor(
    private readonly client: Client,
    private readonly ctx: Context,
  ) {}

  if(...cs: Compare[]): this {
    this.cmps.push(...cs);
    return this;
  }
  then(...ops: RequestOp[]): this {
    this.success.push(...ops);
    return this;
  }
  else(...ops: RequestOp[]): this {
    this.failure.push(...ops);
    return this;
  }
  commit(done: Done<TxnResponse>): void {
    this.client.unary(this.ctx, M.KV.Txn, { compare: this.cmps, success: this.success, failure: this.failure }, done);
  }
}

export class KV {
  constructor(private readonly client: Client) {}

  get(ctx: Context, key: string, opts: GetOptions, done: Done<RangeResponse>): void {
    // 3.6 validates sort options on the client too (§9.1 ErrInvalidSortOption).
    const badSort = (opts.sortOrder !== undefined && (opts.sortOrder < 0 || opts.sortOrder > 2)) || (opts.sortTarget !== undefined && (opts.sortTarget < 0 || opts.sortTarget > 4));
    if (this.client.version === '3.6' && badSort) return done(fail(new EtcdError('ErrInvalidSortOption', grpcError('ErrInvalidSortOption').code)));
    this.client.unary(ctx, M.KV.Range, { key, ...opts }, done);
  }

  put(ctx: Context, key: string, value: string, opts: PutOptions, done: Done<PutResponse>): void {
    this.client.unary(ctx, M.KV.Put, { key, value, ...opts }, done);
  }

  delete(ctx: Context, key: string, opts: DeleteOptions, done: Done<DeleteRangeResponse>): void {
    this.client.unary(ctx, M.KV.DeleteRange, { key, ...opts }, done);
  }

  compact(ctx: Context, revision: number, opts: Omit<CompactionRequest, 'revision'>, done: Done<CompactionResponse>): void {
    this.client.unary(ctx, M.KV.Compact, { revision, ...opts }, done);
  }

  txn(ctx: Context): Txn {
    return new Txn(this.client, ctx);
  }
}
