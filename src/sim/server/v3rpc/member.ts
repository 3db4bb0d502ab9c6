// The Cluster service (etcd server/etcdserver/api/v3rpc/member.go, spec server.md §10.2):
// MemberList (token required, optionally linearizable), and the admin-only conf changes
// through the server's membership API (cluster-api.ts).

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
import type { Callback } from '../v3-server';
import { linearizableReadNotify } from '../v3-server';
import { checkAdmin, clusterHeader, requireAuthInfo, unary, unmarshalError } from './util';

/** etcdserverpb.Member of a membership member. */
export function toPbMember(m: ServerMember): Member {
  return { ID: m.id, name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner };
}

function membersResponse(s: EtcdServer, done: Callback<MembersResponse>): Callback<ServerMember[]> {
  return (err, ms) => (err !== undefined ? done(err) : done(undefined, { header: clusterHeader(s), members: (ms ?? []).map(toPbMember) }));
}

export function registerCluster(s: EtcdServer, grpc: GrpcServer): void {
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
    s.memberPromote({ id: req.ID }, ctx, membersResponse(s, done));
  });
}
