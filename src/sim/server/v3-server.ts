// The request path (etcd server/etcdserver/v3_server.go with the v3rpc validation and
// quota wrappers, spec server.md §2): validation, quota, the proposal with its request
// ID, wait registration and ReqTimeout, the classification of a timeout, linearizable
// reads through the read-index loop and serializable reads served locally.
//
// Calls complete through a callback on virtual time. A RequestContext carries the
// client's deadline (absolute virtual ms) and auth token, as a Go context does.

import { AuthError } from '../auth/errors';
import type { AuthInfo } from '../auth/store';
import { newLeaseID } from '../lease/idutil';
import { isTxnReadonly, range as mvccRange, txn as mvccTxn } from '../mvcc/txn';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnRequest,
  TxnResponse,
} from '../mvcc/rpc';
import { maxGapBetweenApplyAndCommitIndex, quotaBytes } from './config';
import { serverError } from './errors';
import type { AlarmMember, AlarmRequest } from './alarm';
import type { InternalRaftRequest } from './raft-request';
import { marshalRequest, requestKind } from './raft-request';
import type { EtcdServer } from './server';
import { checkDeleteRequest, checkPutRequest, checkRangeRequest, checkTxn } from './v3rpc/key';
import { putCost, quotaAvailable, txnCost } from './quota';

export interface RequestContext {
  /** Absolute virtual ms at which the client gives up (its gRPC deadline). */
  deadline?: number;
  /** The auth token (gRPC metadata "token"). */
  token?: string;
}

export type Callback<T> = (err: Error | undefined, resp?: T) => void;

export interface LeaseGrantResponse {
  header: ResponseHeader;
  id: number;
  ttl: number;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

/** Fills cluster, member and raft term, and the revision if the applier left it 0 (§2.7). */
export function fillHeader(s: EtcdServer, h: ResponseHeader | undefined): void {
  if (h === undefined) return;
  h.clusterId = s.clusterId;
  h.memberId = s.id;
  h.raftTerm = s.appliedTerm;
  if (h.revision === 0) h.revision = s.kv.currentRevision;
}

function respond<T extends { header?: ResponseHeader }>(s: EtcdServer, done: Callback<T>): Callback<T> {
  return (err, resp) => {
    if (err === undefined && resp !== undefined) fillHeader(s, resp.header);
    done(err, resp);
  };
}

/**
 * processInternalRaftRequestOnce (§2.5): gap check, request ID, auth info, size check,
 * wait registration, propose (blocking while no leader is known), and the wait for the
 * apply result or the deadline (ReqTimeout, or the client's if earlier).
 */
export function processInternalRaftRequest(s: EtcdServer, r: InternalRaftRequest, ctx: RequestContext, done: Callback<unknown>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  const op = requestKind(r);
  if (s.committedIndex > s.appliedIndex + maxGapBetweenApplyAndCommitIndex) {
    traceProposal(s, 0, op, 0, 'rejected', 'ErrTooManyRequests', `commit ${s.committedIndex} is more than ${maxGapBetweenApplyAndCommitIndex} ahead of applied ${s.appliedIndex}`);
    return done(serverError('ErrTooManyRequests'));
  }
  const id = s.reqIdGen.next();
  r.header = { ...r.header, id };
  withAuthInfo(s, ctx, (ai) => {
    if (ai instanceof Error) {
      traceProposal(s, id, op, 0, 'rejected', ai.name, `auth: ${ai.message}`);
      return done(ai);
    }
    if (ai !== undefined) {
      r.header.username = ai.username;
      r.header.authRevision = ai.revision;
    }
    propose(s, r, id, op, ctx, done);
  });
}

/** The rest of processInternalRaftRequestOnce: size check, wait registration, propose, wait. */
function propose(s: EtcdServer, r: InternalRaftRequest, id: number, op: string, ctx: RequestContext, done: Callback<unknown>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  const kernel = s.kernel;
  const data = marshalRequest(r);
  if (data.length > s.config.maxRequestBytes) {
    traceProposal(s, id, op, data.length, 'rejected', 'ErrRequestTooLarge', `${data.length} bytes > max-request-bytes ${s.config.maxRequestBytes}`);
    return done(serverError('ErrRequestTooLarge'));
  }
  const start = kernel.now;
  let finished = false;
  let proposed = false;
  const finish = (err: Error | undefined, resp?: unknown) => {
    if (finished) return;
    finished = true;
    kernel.cancel(timer);
    if (kernel.trace.enabled('debug') || (err !== undefined && kernel.trace.enabled('info'))) {
      const fields = { reqId: id.toString(16), op } as { reqId: string; op: string; error?: string };
      if (err !== undefined) fields.error = err.message;
      kernel.trace.emit(s.name, 'server.request.done', fields, { reason: err === undefined ? 'applied' : 'failed' }, err === undefined ? 'debug' : 'info');
    }
    done(err, resp);
  };
  s.wait.register(id, (result) => finish(result.err, result.resp));
  const deadline = Math.min(start + s.reqTimeoutMs, ctx.deadline ?? Infinity);
  const timer = kernel.at(
    Math.max(kernel.now, deadline),
    () => {
      s.wait.cancel(id);
      blocked.cancel();
      // Propose never returned (no leader): the raw context error (§2.5 step 7).
      const err = proposed ? parseProposeCtxErr(s, start) : serverError('DeadlineExceeded');
      kernel.trace.emit(
        s.name,
        'server.request.timeout',
        { reqId: id.toString(16), op, error: err.message },
        { reason: proposed ? timeoutReason(err.name) : 'no leader: the proposal never entered raft' },
      );
      finish(err);
    },
    `${s.name} request timeout`,
  );
  const blocked = s.proposeData(() => s.node.rawNode.propose(data), (err) => {
    if (finished) return;
    proposed = true;
    if (err !== undefined) {
      s.wait.cancel(id);
      traceProposal(s, id, op, data.length, 'rejected', 'ErrProposalDropped', err.message);
      finish(serverError('ErrProposalDropped'));
      return;
    }
    traceProposal(s, id, op, data.length, 'proposed', undefined, 'handed to raft');
  });
  if (!proposed) traceProposal(s, id, op, data.length, 'queued', undefined, 'no leader known: the proposal waits');
}

/** parseProposeCtxErr for a deadline (§2.5 step 8). */
export function parseProposeCtxErr(s: EtcdServer, start: number): Error {
  if (!s.isRunning) return serverError('ErrStopped');
  const node = s.node;
  const elected = node.leadElectedTime;
  if (start > elected - 2 * s.electionTimeoutMs && start < elected) return serverError('ErrTimeoutDueToLeaderFail');
  const lead = node.lead;
  if (lead === 0) return serverError('ErrTimeout');
  const connectedSince = (id: number) => {
    const t = node.transport.activeSince(id);
    return t !== undefined && t < start;
  };
  if (node.isLeader) {
    const members = s.cluster.list();
    let active = 0;
    for (const m of members) if (m.id === s.id || connectedSince(m.id)) active++;
    return active < Math.floor(members.length / 2) + 1 ? serverError('ErrTimeoutDueToConnectionLost') : serverError('ErrTimeout');
  }
  return connectedSince(lead) ? serverError('ErrTimeout') : serverError('ErrTimeoutDueToConnectionLost');
}

function timeoutReason(name: string): string {
  switch (name) {
    case 'ErrTimeoutDueToLeaderFail':
      return 'started within two election timeouts before this member became leader';
    case 'ErrTimeoutDueToConnectionLost':
      return 'the leader (or a quorum, on the leader) was not connected during the whole request';
    case 'ErrTimeout':
      return 'no progress within the request timeout';
    default:
      return name;
  }
}

function traceProposal(
  s: EtcdServer,
  id: number,
  op: string,
  bytes: number,
  outcome: 'proposed' | 'queued' | 'rejected',
  error: string | undefined,
  reason: string,
): void {
  const level = outcome === 'proposed' ? 'debug' : 'info';
  if (!s.kernel.trace.enabled(level)) return;
  const fields = { reqId: id.toString(16), op, bytes, outcome } as { reqId: string; op: string; bytes: number; outcome: typeof outcome; error?: string };
  if (error !== undefined) fields.error = error;
  s.kernel.trace.emit(s.name, 'server.propose', fields, { reason }, level);
}

/**
 * AuthInfoFromCtx (§9.7): undefined when there is no user, an Error for a bad token. A
 * simple token carries the index at which it was issued: if this member has not applied
 * that far yet it waits for the apply (etcd's token provider waits on applyWait), and
 * once the client's deadline passes first the token is invalid, as in etcd.
 */
function withAuthInfo(s: EtcdServer, ctx: RequestContext, done: (ai: AuthInfo | Error | undefined) => void): void {
  if (ctx.token === undefined) return done(undefined);
  let found: ReturnType<typeof s.auth.authInfoFromCtx>;
  try {
    found = s.auth.authInfoFromCtx({ token: ctx.token });
  } catch (err) {
    return done(err as Error);
  }
  if (found.kind !== 'wait') return done(found.kind === 'user' ? found.authInfo : undefined);
  const run = s.node;
  const settle = raceDeadline(s, ctx, () => done(new AuthError('ErrInvalidAuthToken')), `${s.name} token wait deadline`);
  s.applyWait.wait(found.index, () => {
    if (s.node !== run || !settle()) return;
    withAuthInfo(s, ctx, done);
  });
}

/**
 * Runs `onDeadline` when the client's deadline passes, unless the returned settle() is
 * called first; settle() returns whether it came first (true at most once).
 */
function raceDeadline(s: EtcdServer, ctx: RequestContext, onDeadline: () => void, label?: string): () => boolean {
  let settled = false;
  const timer =
    ctx.deadline === undefined
      ? undefined
      : s.kernel.at(Math.max(s.kernel.now, ctx.deadline), () => {
          if (settled) return;
          settled = true;
          onDeadline();
        }, label);
  return () => {
    if (settled) return false;
    settled = true;
    if (timer !== undefined) s.kernel.cancel(timer);
    return true;
  };
}

/**
 * The quota wrapper (§2.3): a request that would grow the db past the quota gets
 * ErrNoSpace, and the member raises the NOSPACE alarm through raft.
 */
function checkQuota(s: EtcdServer, op: string, cost: number): Error | undefined {
  if (quotaAvailable(s.config, s.dbSize, cost)) return undefined;
  traceProposal(s, 0, op, cost, 'rejected', 'ErrNoSpace', `db size ${s.dbSize} + request cost ${cost} bytes exceeds the backend quota ${quotaBytes(s.config)}`);
  s.raiseNoSpaceAlarm();
  return serverError('ErrNoSpace');
}

/** Waits for a confirmed read index (or the client's deadline: the raw context error). */
export function linearizableReadNotify(s: EtcdServer, ctx: RequestContext, done: (err: Error | undefined) => void): void {
  const settle = raceDeadline(s, ctx, () => done(serverError('DeadlineExceeded')));
  s.readIndexLoop.read((err) => {
    if (settle()) done(err);
  });
}

/** doSerialize (§2.6): permission check, then the read, then the auth revision check. */
function doSerialize<T>(s: EtcdServer, ctx: RequestContext, check: (ai: AuthInfo) => void, get: () => T, done: Callback<T>): void {
  withAuthInfo(s, ctx, (found) => {
    if (found instanceof Error) return done(found);
    if (!s.isRunning) return done(serverError('ErrStopped'));
    const ai = found ?? { username: '', revision: 0 };
    try {
      check(ai);
      const resp = get();
      if (ai.revision !== 0 && ai.revision !== s.auth.revision()) return done(new AuthError('ErrAuthOldRevision'));
      done(undefined, resp);
    } catch (err) {
      done(err as Error);
    }
  });
}

export function range(s: EtcdServer, req: RangeRequest, ctx: RequestContext, done: Callback<RangeResponse>): void {
  const out = respond(s, done);
  if (!s.isRunning) return out(serverError('ErrStopped'));
  const bad = checkRangeRequest(req);
  if (bad !== undefined) return out(bad);
  const serve = () =>
    doSerialize(s, ctx, (ai) => s.auth.isRangePermitted(ai, req.key, req.rangeEnd ?? ''), () => mvccRange(s.kv, req), out);
  if (req.serializable) return serve();
  linearizableReadNotify(s, ctx, (err) => (err !== undefined ? out(err) : serve()));
}

export function put(s: EtcdServer, req: PutRequest, ctx: RequestContext, done: Callback<PutResponse>): void {
  const out = respond(s, done);
  const noSpace = checkQuota(s, 'put', putCost(req));
  if (noSpace !== undefined) return out(noSpace);
  const bad = checkPutRequest(req);
  if (bad !== undefined) return out(bad);
  processInternalRaftRequest(s, { header: { id: 0 }, put: req }, ctx, out as Callback<unknown>);
}

export function deleteRange(s: EtcdServer, req: DeleteRangeRequest, ctx: RequestContext, done: Callback<DeleteRangeResponse>): void {
  const out = respond(s, done);
  const bad = checkDeleteRequest(req);
  if (bad !== undefined) return out(bad);
  processInternalRaftRequest(s, { header: { id: 0 }, deleteRange: req }, ctx, out as Callback<unknown>);
}

export function txn(s: EtcdServer, req: TxnRequest, ctx: RequestContext, done: Callback<TxnResponse>): void {
  const out = respond(s, done);
  const noSpace = checkQuota(s, 'txn', txnCost(req));
  if (noSpace !== undefined) return out(noSpace);
  const bad = checkTxn(req, s.config.maxTxnOps);
  if (bad !== undefined) return out(bad);
  if (isTxnReadonly(req)) {
    const ranges = [...(req.success ?? []), ...(req.failure ?? [])];
    const serve = () =>
      doSerialize(
        s,
        ctx,
        (ai) => {
          for (const c of req.compare ?? []) s.auth.isRangePermitted(ai, c.key, c.rangeEnd ?? '');
          for (const op of ranges) if (op.requestRange) s.auth.isRangePermitted(ai, op.requestRange.key, op.requestRange.rangeEnd ?? '');
        },
        () => mvccTxn(s.kv, req),
        out,
      );
    if (!s.isRunning) return out(serverError('ErrStopped'));
    if (ranges.every((op) => op.requestRange?.serializable)) return serve();
    return linearizableReadNotify(s, ctx, (err) => (err !== undefined ? out(err) : serve()));
  }
  processInternalRaftRequest(s, { header: { id: 0 }, txn: req }, ctx, out as Callback<unknown>);
}

export function compact(s: EtcdServer, req: CompactionRequest, ctx: RequestContext, done: Callback<CompactionResponse>): void {
  const out = respond(s, done);
  processInternalRaftRequest(s, { header: { id: 0 }, compaction: req }, ctx, (err, resp) => {
    if (err !== undefined) return out(err);
    const r = resp as CompactionResponse;
    // The header revision is the current one, not the compacted one (§2.8).
    r.header.revision = s.kv.currentRevision;
    out(undefined, r);
  });
}

/** LeaseGrant and LeaseRevoke need a user while auth is enabled (§9.6). */
function requireUser(s: EtcdServer, ctx: RequestContext, done: (err: Error | undefined) => void): void {
  if (!s.auth.isAuthEnabled()) return done(undefined);
  withAuthInfo(s, ctx, (ai) => {
    if (ai instanceof Error) return done(ai);
    done(ai === undefined || ai.username === '' ? new AuthError('ErrUserEmpty') : undefined);
  });
}

export function leaseGrant(s: EtcdServer, req: { ttl: number; id?: number }, ctx: RequestContext, done: Callback<LeaseGrantResponse>): void {
  const out = respond(s, done);
  const noSpace = checkQuota(s, 'leaseGrant', 64);
  if (noSpace !== undefined) return out(noSpace);
  if (!s.isRunning) return out(serverError('ErrStopped'));
  requireUser(s, ctx, (noUser) => {
    if (noUser !== undefined) return out(noUser);
    const id = req.id !== undefined && req.id !== 0 ? req.id : newLeaseID(() => s.reqIdGen.next());
    processInternalRaftRequest(s, { header: { id: 0 }, leaseGrant: { id, ttl: req.ttl } }, ctx, out as Callback<unknown>);
  });
}

export function leaseRevoke(s: EtcdServer, req: { id: number }, ctx: RequestContext, done: Callback<LeaseRevokeResponse>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  requireUser(s, ctx, (noUser) =>
    noUser !== undefined ? done(noUser) : processInternalRaftRequest(s, { header: { id: 0 }, leaseRevoke: { id: req.id } }, ctx, respond(s, done) as Callback<unknown>),
  );
}

/** Auth RPCs go through raft (§2.8); UserAdd/ChangePassword hash the password first (§9.3). */
export function authRequest(s: EtcdServer, op: string, args: Record<string, unknown>, ctx: RequestContext, done: Callback<unknown>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  const a = { ...args };
  if ((op === 'UserAdd' || op === 'UserChangePassword') && typeof a.password === 'string') {
    const noPassword = (a.options as { noPassword?: boolean } | undefined)?.noPassword ?? false;
    if (!noPassword && (op === 'UserAdd' || a.password !== '')) a.hashedPassword = s.auth.hashPassword(a.password);
    delete a.password;
  }
  processInternalRaftRequest(s, { header: { id: 0 }, auth: { op, args: a } }, ctx, done);
}

/**
 * Authenticate (§9.5): linearizable read, password check, then the internal Authenticate
 * request (name and a fresh token prefix, no password) through raft; repeated if the
 * auth revision changed in between.
 */
export function authenticate(
  s: EtcdServer,
  name: string,
  password: string,
  ctx: RequestContext,
  done: Callback<{ header: ResponseHeader; token: string }>,
): void {
  const out = respond(s, done);
  if (!s.isRunning) return out(serverError('ErrStopped'));
  linearizableReadNotify(s, ctx, (err) => {
    if (err !== undefined) return out(err);
    let revision: number;
    try {
      revision = s.auth.checkPassword(name, password);
    } catch (e) {
      return out(e as Error);
    }
    const simpleToken = s.auth.genTokenPrefix();
    processInternalRaftRequest(s, { header: { id: 0 }, auth: { op: 'Authenticate', args: { name, simpleToken } } }, ctx, (perr, resp) => {
      if (perr !== undefined) return out(perr);
      if (s.auth.revision() !== revision) return authenticate(s, name, password, ctx, done);
      out(undefined, { header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, token: (resp as { token: string }).token });
    });
  });
}

/** MoveLeader (§10.1): transfer, then poll every tick until the target leads. */
export function moveLeader(s: EtcdServer, target: number, ctx: RequestContext, done: Callback<void>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  if (!s.isLeader) return done(serverError('ErrNotLeader'));
  const m = s.cluster.member(target);
  if (m === undefined || m.isLearner) return done(serverError('ErrBadLeaderTransferee'));
  s.node.rawNode.transferLeader(target);
  s.node.kick();
  const poll = () => {
    if (!s.isRunning) return done(serverError('ErrStopped'));
    if (s.lead === target) return done(undefined);
    if (ctx.deadline !== undefined && s.kernel.now >= ctx.deadline) return done(serverError('ErrTimeoutLeaderTransfer'));
    s.kernel.schedule(s.config.tickMs, poll, `${s.name} move leader`);
  };
  poll();
}

/** Alarm (§10.1): every action, GET included, goes through raft. */
export function alarm(s: EtcdServer, req: AlarmRequest, ctx: RequestContext, done: Callback<{ header: ResponseHeader; alarms: AlarmMember[] }>): void {
  processInternalRaftRequest(s, { header: { id: 0 }, alarm: req }, ctx, respond(s, done) as Callback<unknown>);
}
