// The Maintenance service (etcd server/etcdserver/api/v3rpc/maintenance.go with its
// auth wrapper, spec server.md §10.1). All local to the member except Alarm.
//
// SHORTCUTS (documented): the server keeps no alarm list, so Alarm GET answers none and
// ACTIVATE/DEACTIVATE change nothing (after the admin check); Defragment rebuilds nothing
// (the simulated backend has no free pages); Hash and Snapshot cover the member's state
// machine as canonical JSON (kv, lease, auth), not bolt's file bytes.

import { sha256Hex } from '../../auth/sha256';
import type { GrpcServer, ServerStream } from '../../grpc/server';
import * as M from '../../client/methods';
import type {
  AlarmRequest,
  AlarmResponse,
  HeaderOnlyResponse,
  MoveLeaderRequest,
  SnapshotRequest,
  SnapshotResponse,
  StatusRequest,
  StatusResponse,
} from '../../client/rpc-types';
import { canonicalJSON, hashString32 } from '../../kernel/hash';
import type { HashKVRequest, HashKVResponse } from '../../mvcc/rpc';
import { hashKV } from '../../mvcc/txn';
import { serverError } from '../errors';
import type { EtcdServer } from '../server';
import type { Callback, RequestContext } from '../v3-server';
import { isLearner } from './interceptor';
import { checkAdmin, newHeader, reject, requestContext, requireAuthInfo, togRPCError, unary } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.move-leader': { target: string; outcome: 'started' | 'done' | 'timeout' };
    'v3rpc.snapshot': { bytes: number; chunks: number };
  }
}

/** The version Status reports (server.md §10.1). */
export const serverVersion = '3.6.0';
/** Snapshot chunk size (etcd: 32 KiB). */
export const snapshotChunkBytes = 32 * 1024;

export function registerMaintenance(s: EtcdServer, grpc: GrpcServer): void {
  unary<StatusRequest, StatusResponse>(s, grpc, M.Maintenance.Status, (_req, ctx, _call, done) => {
    requireAuthInfo(s, ctx);
    done(undefined, status(s));
  });
  unary<AlarmRequest, AlarmResponse>(s, grpc, M.Maintenance.Alarm, (req, ctx, _call, done) => {
    if (req.action === 'GET') requireAuthInfo(s, ctx);
    else if (req.action === 'ACTIVATE' || req.action === 'DEACTIVATE') checkAdmin(s, ctx);
    else throw serverError('ErrUnknownMethod');
    done(undefined, { header: newHeader(s), alarms: [] });
  });
  unary<Record<string, never>, HeaderOnlyResponse>(s, grpc, M.Maintenance.Defragment, (_req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    done(undefined, { header: newHeader(s) });
  });
  unary<Record<string, never>, HeaderOnlyResponse & { hash: number }>(s, grpc, M.Maintenance.Hash, (_req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    done(undefined, { header: newHeader(s), hash: hashString32(stateImage(s)) });
  });
  unary<HashKVRequest, HashKVResponse>(s, grpc, M.Maintenance.HashKV, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    const r = hashKV(s.kv, req);
    r.header = newHeader(s, r.header.revision);
    done(undefined, r);
  });
  unary<MoveLeaderRequest, HeaderOnlyResponse>(s, grpc, M.Maintenance.MoveLeader, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    moveLeader(s, req.targetID, ctx, (err) => (err !== undefined ? done(err) : done(undefined, { header: newHeader(s) })));
  });
  grpc.stream<SnapshotRequest, SnapshotResponse>(M.Maintenance.Snapshot, (stream) => snapshot(s, stream));
}

/** Status (§10.1): raft_index is the committed index, raft_term the applied entry's term. */
export function status(s: EtcdServer): StatusResponse {
  return {
    header: newHeader(s),
    version: serverVersion,
    dbSize: s.dbSize,
    dbSizeInUse: s.dbSize,
    leader: s.lead,
    raftIndex: s.committedIndex,
    raftTerm: s.appliedTerm,
    raftAppliedIndex: s.appliedIndex,
    errors: s.lead === 0 ? [serverError('ErrNoLeader').message] : [],
    isLearner: isLearner(s),
  };
}

/**
 * EtcdServer.MoveLeader: only the leader; the target must be a voting member; then raft
 * transfers leadership and the server polls every tick until the target leads, or the
 * caller's deadline (ReqTimeout without one) passes: ErrTimeoutLeaderTransfer.
 */
function moveLeader(s: EtcdServer, target: number, ctx: RequestContext, done: Callback<void>): void {
  if (!s.isLeader) return done(serverError('ErrNotLeader'));
  const m = s.cluster.member(target);
  if (m === undefined || m.isLearner) return done(serverError('ErrBadLeaderTransferee'));
  if (target === s.id) return done(undefined);
  const kernel = s.kernel;
  const deadline = ctx.deadline ?? kernel.now + s.reqTimeoutMs;
  const t = target.toString(16);
  kernel.trace.emit(s.name, 'v3rpc.move-leader', { target: t, outcome: 'started' }, { reason: 'MoveLeader on the leader' });
  const err = s.node.rawNode.transferLeader(target);
  if (err !== undefined) return done(err);
  s.node.kick();
  const poll = (): void => {
    if (s.isRunning && s.lead === target) {
      kernel.trace.emit(s.name, 'v3rpc.move-leader', { target: t, outcome: 'done' }, { reason: 'the target leads' });
      return done(undefined);
    }
    if (kernel.now + s.config.tickMs > deadline) {
      kernel.trace.emit(s.name, 'v3rpc.move-leader', { target: t, outcome: 'timeout' }, { reason: 'the deadline passed before the transfer' });
      return done(serverError('ErrTimeoutLeaderTransfer'));
    }
    kernel.schedule(s.config.tickMs, poll, `${s.name} move leader poll`);
  };
  poll();
}

/** The member's state machine as canonical JSON: what Hash and Snapshot cover here. */
function stateImage(s: EtcdServer): string {
  return canonicalJSON({ kv: s.kv.snapshot(), lease: s.lessor.snapshot(), auth: s.auth.snapshot() });
}

/** Snapshot (§10.1): 32 KiB chunks with remaining_bytes, then the SHA-256 of all sent bytes. */
function snapshot(s: EtcdServer, stream: ServerStream<SnapshotRequest, SnapshotResponse>): void {
  try {
    checkAdmin(s, requestContext(stream));
  } catch (err) {
    return stream.end(reject(s, stream, err as Error, 'snapshot needs admin'));
  }
  if (!s.isRunning) return stream.end(togRPCError(serverError('ErrStopped')));
  const image = stateImage(s);
  let chunks = 0;
  for (let i = 0; i < image.length; i += snapshotChunkBytes) {
    const blob = image.slice(i, i + snapshotChunkBytes);
    stream.send({ header: newHeader(s), remainingBytes: image.length - i - blob.length, blob });
    chunks++;
  }
  stream.send({ header: newHeader(s), remainingBytes: 0, blob: sha256Hex(image) });
  s.kernel.trace.emit(s.name, 'v3rpc.snapshot', { bytes: image.length, chunks }, { reason: 'snapshot streamed' });
  stream.end();
}
