// The Cluster API (client/v3/cluster.go).

import type { Context } from '../grpc/context';
import * as M from './methods';
import type {
  MemberAddRequest,
  MemberAddResponse,
  MemberIdRequest,
  MemberListRequest,
  MemberListResponse,
  MembersResponse,
  MemberUpdateRequest,
} from './rpc-types';
import type { Client } from './client';
import type { Done } from './kv';

export class Cluster {
  constructor(private readonly client: Client) {}

  /** 3.6 lists linearizably by default; 3.5 always does (needs a leader). */
  memberList(ctx: Context, done: Done<MemberListResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberList, { linearizable: true } satisfies MemberListRequest, done);
  }
  memberAdd(ctx: Context, peerURLs: string[], done: Done<MemberAddResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberAdd, { peerURLs, isLearner: false } satisfies MemberAddRequest, done);
  }
  memberAddAsLearner(ctx: Context, peerURLs: string[], done: Done<MemberAddResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberAdd, { peerURLs, isLearner: true } satisfies MemberAddRequest, done);
  }
  memberRemove(ctx: Context, id: number, done: Done<MembersResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberRemove, { ID: id } satisfies MemberIdRequest, done);
  }
  memberUpdate(ctx: Context, id: number, peerURLs: string[], done: Done<MembersResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberUpdate, { ID: id, peerURLs } satisfies MemberUpdateRequest, done);
  }
  memberPromote(ctx: Context, id: number, done: Done<MembersResponse>): void {
    this.client.unary(ctx, M.Cluster.MemberPromote, { ID: id } satisfies MemberIdRequest, done);
  }
}
