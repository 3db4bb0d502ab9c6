// The Maintenance service (etcd server/etcdserver/api/v3rpc/maintenance.go with its
// auth wrapper, spec server.md §10.1). All local to the member except Alarm.
//
// SHORTCUTS (documented): Defragment rebuilds nothing (the simulated backend has no free
// pages); Hash and Snapshot cover the member's state machine as canonical JSON (kv, lease,
// auth), not bolt's file bytes.

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
import { checkAdmin, newHeader, reject, requestContext, requireAuthInfo, togRPCError, unary, unmarshalError } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.move-leader': { target: string; outcome: 'started' | 'done' | 'failed'; error?: string };
    'v3rpc.snapshot': { bytes: number; chunks: number };
  }
}

const alarmTypes: ReadonlySet<string> = new Set(['NONE', 'NOSPACE', 'CORRUPT']);

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
    const alarm = req.alarm ?? 'NONE';
    if (!alarmTypes.has(alarm) || (req.memberID !== undefined && !Number.isSafeInteger(req.memberID))) throw unmarshalError();
    s.alarm({ action: req.action, memberID: req.memberID ?? 0, alarm }, ctx, done);
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
    errors: [
      ...(s.lead === 0 ? [serverError('ErrNoLeader').message] : []),
      // Each active alarm as protobuf compact text (§10.1).
      ...s.alarms.get('NONE').map((a) => `memberID:${a.memberID} alarm:${a.alarm} `),
    ],
    isLearner: isLearner(s),
  };
}

/** MoveLeader on the server, with the decision and its outcome in the trace. */
function moveLeader(s: EtcdServer, target: number, ctx: RequestContext, done: Callback<void>): void {
  const t = target.toString(16);
  s.kernel.trace.emit(s.name, 'v3rpc.move-leader', { target: t, outcome: 'started' }, { reason: 'MoveLeader asked' });
  s.moveLeader(target, ctx, (err) => {
    const outcome = err === undefined ? 'done' : 'failed';
    s.kernel.trace.emit(s.name, 'v3rpc.move-leader', { target: t, outcome, error: err?.message }, { reason: err === undefined ? 'the target leads' : 'the transfer failed' });
    done(err);
  });
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
