// The KV service (etcd server/etcdserver/api/v3rpc/key.go kvServer, spec server.md §2.8):
// each RPC goes to EtcdServer's request path, which validates (key.ts), checks the quota
// and proposes or reads. A learner serves only serializable Ranges (§2.1).

import type { GrpcServer } from '../../grpc/server';
import * as M from '../../client/methods';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../../mvcc/rpc';
import { serverError } from '../errors';
import type { EtcdServer } from '../server';
import { isLearner } from './interceptor';
import { unary } from './util';

export function registerKV(s: EtcdServer, grpc: GrpcServer): void {
  unary<RangeRequest, RangeResponse>(s, grpc, M.KV.Range, (req, ctx, _call, done) => {
    if (isLearner(s) && req.serializable !== true) return done(serverError('ErrGRPCNotSupportedForLearner'));
    s.range(req, ctx, done);
  });
  unary<PutRequest, PutResponse>(s, grpc, M.KV.Put, (req, ctx, _call, done) => s.put(req, ctx, done));
  unary<DeleteRangeRequest, DeleteRangeResponse>(s, grpc, M.KV.DeleteRange, (req, ctx, _call, done) => s.deleteRange(req, ctx, done));
  unary<TxnRequest, TxnResponse>(s, grpc, M.KV.Txn, (req, ctx, _call, done) => s.txn(req, ctx, done));
  unary<CompactionRequest, CompactionResponse>(s, grpc, M.KV.Compact, (req, ctx, _call, done) => s.compact(req, ctx, done));
}
