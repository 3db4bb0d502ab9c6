// Helpers shared by the v3rpc services (etcd server/etcdserver/api/v3rpc/util.go and
// header.go): togRPCError, the request context of a call, the response header, the
// message size limit, and the token → AuthInfo resolution the RPCs share (spec §9.7).

import { AuthError } from '../../auth/errors';
import type { AuthInfo } from '../../auth/store';
import { Code, codeName } from '../../grpc/codes';
import type { Metadata } from '../../grpc/context';
import { messageSize } from '../../grpc/frames';
import type { CallInfo, GrpcServer, UnaryCall } from '../../grpc/server';
import { StatusError } from '../../grpc/status';
import { grpcOverheadBytes } from '../../mvcc/server-watch-stream';
import type { ResponseHeader } from '../../mvcc/rpc';
import { revisionHeader } from '../../mvcc/rpc';
import { toGRPCError } from '../errors';
import type { EtcdServer } from '../server';
import { fillHeader } from '../v3-server';
import type { Callback, RequestContext } from '../v3-server';

declare module '../../trace/trace' {
  interface TraceKinds {
    /** A call the v3rpc layer refused or failed, with etcd's client-facing status. */
    'v3rpc.reject': { method: string; peer: string; code: string; error: string };
  }
}

/** togRPCError (§11.2): the status a client receives for an error of a request. */
export function togRPCError(err: Error): StatusError {
  return toGRPCError(err);
}

/** The token of the call's metadata: "token", else "authorization" without "Bearer " (§9.5). */
export function tokenOf(md: Metadata): string | undefined {
  return md.token ?? md.authorization?.replace(/^Bearer /, '');
}

/** The Go context of a call, as the request path reads it: the deadline and the token. */
export function requestContext(info: CallInfo): RequestContext {
  const ctx: RequestContext = {};
  if (info.deadline !== undefined) ctx.deadline = info.deadline;
  const token = tokenOf(info.metadata);
  if (token !== undefined) ctx.token = token;
  return ctx;
}

/** A header with cluster, member, term (and the current revision if 0) filled (§2.7). */
export function newHeader(s: EtcdServer, revision = 0): ResponseHeader {
  const h = revisionHeader(revision);
  fillHeader(s, h);
  return h;
}

/** Cluster API responses carry cluster, member and term only (§2.7). */
export function clusterHeader(s: EtcdServer): ResponseHeader {
  return { clusterId: s.clusterId, memberId: s.id, revision: 0, raftTerm: s.appliedTerm };
}

/**
 * AuthInfoFromCtx for RPCs that need a user (§9.6 "token required"): undefined when auth
 * is disabled, else the caller's AuthInfo; ErrUserEmpty without a token, ErrInvalidAuthToken
 * for a bad one. A token whose index is not applied here yet is refused as invalid here
 * (these checks are synchronous); the request path (v3-server.ts) waits for the apply.
 */
export function requireAuthInfo(s: EtcdServer, ctx: RequestContext): AuthInfo | undefined {
  if (!s.auth.isAuthEnabled()) return undefined;
  const found = ctx.token === undefined ? { kind: 'none' as const } : s.auth.authInfoFromCtx({ token: ctx.token });
  if (found.kind === 'none') throw new AuthError('ErrUserEmpty');
  if (found.kind === 'wait') throw new AuthError('ErrInvalidAuthToken');
  return found.authInfo;
}

/** The admin check of the Maintenance and Cluster services (§9.6). */
export function checkAdmin(s: EtcdServer, ctx: RequestContext): void {
  if (!s.auth.isAuthEnabled()) return;
  s.auth.isAdminPermitted(requireAuthInfo(s, ctx));
}

/** grpc.MaxRecvMsgSize of etcd's server: MaxRequestBytes + 512 KiB (§1, grpc.go). */
export function maxRecvMsgSize(s: EtcdServer): number {
  return s.config.maxRequestBytes + grpcOverheadBytes;
}

/** grpc-go's error for an oversized message. */
export function tooLarge(size: number, max: number): StatusError {
  return new StatusError(Code.ResourceExhausted, `grpc: received message larger than max (${size} vs. ${max})`);
}

/** grpc-go's error for a request that does not decode as the method's message. */
export function unmarshalError(): StatusError {
  return new StatusError(Code.Internal, 'grpc: error unmarshalling request');
}

/** Records a refused call in the trace and returns its status. */
export function reject(s: EtcdServer, info: CallInfo, err: Error, reason: string): StatusError {
  const st = togRPCError(err);
  s.kernel.trace.emit(
    s.name,
    'v3rpc.reject',
    { method: info.method, peer: info.peer, code: codeName(st.code), error: st.details },
    { reason },
  );
  return st;
}

/** A unary handler: the size limit, then `handle`, whose error or response answers the call. */
export type Handler<Req, Res> = (req: Req, ctx: RequestContext, call: UnaryCall<Req, Res | StatusError>, done: Callback<Res>) => void;

/**
 * Registers a unary method. Bad input (a request that is not an object) and any thrown
 * error become a status, never a crash.
 */
export function unary<Req, Res>(s: EtcdServer, grpc: GrpcServer, method: string, handle: Handler<Req, Res>): void {
  grpc.unary<Req, Res | StatusError>(method, (call) => {
    const done: Callback<Res> = (err, resp) => {
      if (call.done) return;
      if (err !== undefined) call.respond(reject(s, call, err, 'the request failed'));
      else call.respond(resp as Res);
    };
    const size = messageSize(call.request);
    const max = maxRecvMsgSize(s);
    if (size > max) return call.respond(reject(s, call, tooLarge(size, max), 'request larger than MaxRequestBytes + 512 KiB'));
    if (typeof call.request !== 'object' || call.request === null) {
      return call.respond(reject(s, call, unmarshalError(), 'the request is not a message'));
    }
    try {
      handle(call.request, requestContext(call), call, done);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
