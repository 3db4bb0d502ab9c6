// The membership of a cluster (etcd api/membership/cluster.go, RaftCluster): the members,
// the IDs removed for good, and the validation of a conf change before it is applied
// (spec server.md §10.3). Its state lives in the backend (buckets members and
// members_removed) and travels in raft snapshots.

import { ConfChangeType } from '../../raft/raftpb';
import type { ConfChange } from '../../raft/raftpb';
import { serverError } from '../errors';
import type { ServerError } from '../errors';
import { cloneMember, formatMemberId } from './member';
import type { Member } from './member';

/** DefaultMaxLearners (3.6 --max-learners). */
export const DefaultMaxLearners = 1;

/** The context a conf change carries: the member, and whether it is a promotion. */
export interface ConfigChangeContext {
  member: Member;
  isPromote?: boolean;
}

export interface ClusterSnapshot {
  clusterId: number;
  members: Member[];
  removed: number[];
}

export class RaftCluster {
  private readonly members = new Map<number, Member>();
  private readonly removed = new Set<number>();

  constructor(
    public clusterId: number,
    readonly maxLearners = DefaultMaxLearners,
  ) {}

  /** Members sorted by ID, as MemberList returns them. */
  list(): Member[] {
    return [...this.members.values()].sort((a, b) => a.id - b.id).map(cloneMember);
  }

  member(id: number): Member | undefined {
    return this.members.get(id);
  }

  has(id: number): boolean {
    return this.members.has(id);
  }

  isRemoved(id: number): boolean {
    return this.removed.has(id);
  }

  voters(): Member[] {
    return this.list().filter((m) => !m.isLearner);
  }

  /** ValidateConfigurationChange (§10.3); returns the error to hand the proposer. */
  validate(cc: ConfChange, ctx: ConfigChangeContext | undefined): ServerError | undefined {
    const id = cc.nodeID;
    if (this.removed.has(id)) return serverError('ErrIDRemoved');
    switch (cc.type) {
      case ConfChangeType.ConfChangeAddNode:
      case ConfChangeType.ConfChangeAddLearnerNode: {
        if (ctx === undefined) return serverError('ErrIDNotFound');
        if (ctx.isPromote) {
          const m = this.members.get(id);
          if (m === undefined) return serverError('ErrIDNotFound');
          if (!m.isLearner) return serverError('ErrMemberNotLearner');
          return undefined;
        }
        if (this.members.has(id)) return serverError('ErrIDExists');
        if (this.peerURLTaken(ctx.member.peerURLs)) return serverError('ErrPeerURLexists');
        if (cc.type === ConfChangeType.ConfChangeAddLearnerNode && this.learnerCount() + 1 > this.maxLearners) {
          return serverError('ErrTooManyLearners');
        }
        return undefined;
      }
      case ConfChangeType.ConfChangeRemoveNode:
        return this.members.has(id) ? undefined : serverError('ErrIDNotFound');
      case ConfChangeType.ConfChangeUpdateNode:
        if (!this.members.has(id)) return serverError('ErrIDNotFound');
        if (ctx !== undefined && this.peerURLTaken(ctx.member.peerURLs, id)) return serverError('ErrPeerURLexists');
        return undefined;
    }
  }

  add(m: Member): void {
    this.members.set(m.id, cloneMember(m));
  }

  remove(id: number): void {
    this.members.delete(id);
    this.removed.add(id);
  }

  promote(id: number): void {
    const m = this.members.get(id);
    if (m !== undefined) m.isLearner = false;
  }

  updatePeerURLs(id: number, peerURLs: string[]): void {
    const m = this.members.get(id);
    if (m !== undefined) m.peerURLs = [...peerURLs];
  }

  /** ClusterMemberAttrSet: a member publishes its name and client URLs. */
  setAttributes(id: number, name: string, clientURLs: string[]): void {
    const m = this.members.get(id);
    if (m === undefined) return;
    m.name = name;
    m.clientURLs = [...clientURLs];
  }

  snapshot(): ClusterSnapshot {
    return { clusterId: this.clusterId, members: this.list(), removed: [...this.removed].sort((a, b) => a - b) };
  }

  restore(s: ClusterSnapshot): void {
    this.clusterId = s.clusterId;
    this.members.clear();
    this.removed.clear();
    for (const m of s.members) this.add(m);
    for (const id of s.removed) this.removed.add(id);
  }

  describe(id: number): string {
    const m = this.members.get(id);
    return m === undefined ? formatMemberId(id) : `${m.name || formatMemberId(id)} (${m.peerURLs.join(',')})`;
  }

  private learnerCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isLearner) n++;
    return n;
  }

  private peerURLTaken(urls: readonly string[], except?: number): boolean {
    for (const m of this.members.values()) {
      if (m.id === except) continue;
      if (m.peerURLs.some((u) => urls.includes(u))) return true;
    }
    return false;
  }
}
