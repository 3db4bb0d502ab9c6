// The Cluster service (etcd server/etcdserver/api/v3rpc/member.go, spec server.md §10.2):
// MemberList (token required, optionally linearizable), and the admin-only conf changes
// through the server's membership API (cluster-api.ts). A promote that reaches a follower
// is forwarded to the leader's "/members/promote" (peer-http.ts), as etcd does.

import type { GrpcServer } from '../../grpc/server';
import * as M from '../../client/methods';
import type {
  Member,
  MemberAddRequest,
  MemberAddResponse,
  MemberIdRequest,
  MemberListRequest,
  MemberListResponse,
  MembersResponse,
  MemberUpdateRequest,
} from '../../client/rpc-types';
import type { Member as ServerMember } from '../membership/member';
import type { EtcdServer } from '../server';
import type { Callback, RequestContext } from '../v3-server';
import { isServerError, serverError } from '../errors';
import type { ServerErrorName } from '../errors';
import { callLeader } from './peer-http';
import type { PeerHTTP } from './peer-http';
import { linearizableReadNotify } from '../v3-server';
import { checkAdmin, clusterHeader, requireAuthInfo, unary, unmarshalError } from './util';

/** etcdserverpb.Member of a membership member. */
export function toPbMember(m: ServerMember): Member {
  return { ID: m.id, name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner };
}

function membersResponse(s: EtcdServer, done: Callback<MembersResponse>): Callback<ServerMember[]> {
  return (err, ms) => (err !== undefined ? done(err) : done(undefined, { header: clusterHeader(s), members: (ms ?? []).map(toPbMember) }));
}

/** etcdhttp's promote endpoint on the leader. */
const promotePath = '/members/promote';

/** What the leader's promote endpoint answers. */
interface PromoteAnswer {
  members?: ServerMember[];
  err?: string;
  message?: string;
}

/** Errors that end a forwarded promote at once; any other is retried until ReqTimeout (etcd). */
const finalPromoteErrors: ReadonlySet<string> = new Set(['ErrLearnerNotReady', 'ErrIDNotFound', 'ErrMemberNotLearner']);

/**
 * PromoteMember: served by the leader; a follower forwards it (callLeader) and gets
 * ErrTimeout if no leader answered in time.
 */
function promote(s: EtcdServer, http: PeerHTTP, id: number, ctx: RequestContext, done: Callback<ServerMember[]>): void {
  callLeader<ServerMember[]>(
    s,
    http,
    ctx.deadline,
    {
      path: promotePath,
      body: { id },
      local: (settle) =>
        s.memberPromote({ id }, ctx, (err, ms) =>
          settle(err === undefined ? { value: ms ?? [] } : isServerError(err, 'ErrNotLeader') ? { retry: 'leadership moved' } : { err }),
        ),
      decode: (body) => {
        const a = body as PromoteAnswer;
        if (a.err === undefined) return { value: a.members ?? [] };
        if (finalPromoteErrors.has(a.err)) return { err: serverError(a.err as ServerErrorName) };
        return { retry: `member promote: unknown error(${a.message ?? a.err})` };
      },
      timeout: () => serverError('ErrTimeout'),
    },
    done,
  );
}

export function registerCluster(s: EtcdServer, grpc: GrpcServer, http: PeerHTTP): void {
  unary<MemberListRequest, MemberListResponse>(s, grpc, M.Cluster.MemberList, (req, ctx, _call, done) => {
    requireAuthInfo(s, ctx);
    const list = () => done(undefined, { header: clusterHeader(s), members: s.memberList().map(toPbMember) });
    if (req.linearizable !== true) return list();
    linearizableReadNotify(s, ctx, (err) => (err !== undefined ? done(err) : list()));
  });
  unary<MemberAddRequest, MemberAddResponse>(s, grpc, M.Cluster.MemberAdd, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    const peerURLs = Array.isArray(req.peerURLs) ? req.peerURLs.filter((u) => typeof u === 'string') : [];
    s.memberAdd({ peerURLs, isLearner: req.isLearner === true }, ctx, (err, r) =>
      err !== undefined || r === undefined
        ? done(err)
        : done(undefined, { header: clusterHeader(s), member: toPbMember(r.member), members: r.members.map(toPbMember) }),
    );
  });
  unary<MemberIdRequest, MembersResponse>(s, grpc, M.Cluster.MemberRemove, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    if (!Number.isSafeInteger(req.ID)) throw unmarshalError();
    s.memberRemove({ id: req.ID }, ctx, membersResponse(s, done));
  });
  unary<MemberUpdateRequest, MembersResponse>(s, grpc, M.Cluster.MemberUpdate, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    if (!Number.isSafeInteger(req.ID)) throw unmarshalError();
    s.memberUpdate({ id: req.ID, peerURLs: Array.isArray(req.peerURLs) ? req.peerURLs : [] }, ctx, membersResponse(s, done));
  });
  unary<MemberIdRequest, MembersResponse>(s, grpc, M.Cluster.MemberPromote, (req, ctx, _call, done) => {
    checkAdmin(s, ctx);
    if (!Number.isSafeInteger(req.ID)) throw unmarshalError();
    promote(s, http, req.ID, ctx, membersResponse(s, done));
  });
  http.handle(promotePath, (body, reply) => {
    const id = (body as { id: number }).id;
    s.memberPromote({ id }, { deadline: s.kernel.now + s.reqTimeoutMs }, (err, ms) =>
      reply(err === undefined ? { members: ms ?? [] } : { err: err.name, message: err.message }),
    );
  });
}
