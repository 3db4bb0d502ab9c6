// The membership API (etcd server.go AddMember/RemoveMember/UpdateMember/PromoteMember
// and v3rpc/member.go, spec server.md §10.2): the strict reconfiguration checks, then a
// raft conf change whose apply (server.ts applyConfChange) validates it against the
// membership and answers the waiter. Conf changes wait on the client's context only,
// and (3.6) the answer is released once raft has advanced past the change.

import { ConfChangeType, None } from '../raft/raftpb';
import type { ConfChange } from '../raft/raftpb';
import { encodeConfigChangeContext } from './bootstrap';
import { isServerError, serverError } from './errors';
import type { ServerErrorName } from './errors';
import type { ConfigChangeContext } from './membership/cluster';
import { computeMemberId, isValidPeerURL } from './membership/member';
import type { Member } from './membership/member';
import type { EtcdServer } from './server';
import { parseProposeCtxErr } from './v3-server';
import type { Callback, RequestContext } from './v3-server';

/** etcd HealthInterval: a peer counts as healthy after 5 s of continuous connection. */
const healthIntervalMs = 5_000;
/** readyPercentThreshold: a learner is in sync at 90% of the leader's match. */
const readyPercentThreshold = 0.9;
/** Pause between forwarding rounds of a promote from a follower. */
const promoteRetryMs = 50;

/**
 * What the apply of a conf change hands its proposer (etcd 3.6 confChangeResponse):
 * the membership or the error, and raftAdvanced, which runs its callback once the raft
 * node has called Advance for the Ready that carried the change.
 */
export interface ConfChangeResponse {
  members: Member[];
  err: Error | undefined;
  raftAdvanced: (fn: () => void) => void;
}

export interface MemberAddResponse {
  member: Member;
  members: Member[];
}

export function memberAdd(
  s: EtcdServer,
  req: { peerURLs: string[]; isLearner?: boolean },
  ctx: RequestContext,
  done: Callback<MemberAddResponse>,
): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  if (req.peerURLs.length === 0 || !req.peerURLs.every(isValidPeerURL)) return done(serverError('ErrGRPCMemberBadURLs'));
  const isLearner = req.isLearner ?? false;
  const member: Member = {
    id: computeMemberId(req.peerURLs, '', s.kernel.now / 1000),
    name: '',
    peerURLs: [...req.peerURLs],
    clientURLs: [],
    isLearner,
  };
  if (s.config.strictReconfigCheck) {
    const voters = s.cluster.voters();
    if (!isLearner && !readyToAddVotingMember(voters)) return done(serverError('ErrNotEnoughStartedMembers'));
    if (voters.length > 1 && connectedVoters(s, voters) < quorum(voters.length + 1)) return done(serverError('ErrUnhealthy'));
  }
  const type = isLearner ? ConfChangeType.ConfChangeAddLearnerNode : ConfChangeType.ConfChangeAddNode;
  configure(s, { id: 0, type, nodeID: member.id }, { member }, ctx, (err, members) => {
    if (err !== undefined) return done(err);
    done(undefined, { member, members: members ?? [] });
  });
}

export function memberRemove(s: EtcdServer, req: { id: number }, ctx: RequestContext, done: Callback<Member[]>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  const target = s.cluster.member(req.id);
  if (s.config.strictReconfigCheck && target !== undefined && !target.isLearner) {
    const remaining = s.cluster.voters().filter((m) => m.id !== req.id);
    const started = remaining.filter((m) => m.name !== '').length;
    if (started < quorum(remaining.length)) return done(serverError('ErrNotEnoughStartedMembers'));
    const connected = req.id !== s.id && s.node.transport.activeSince(req.id) !== undefined;
    if (req.id === s.id || connected) {
      const voters = s.cluster.voters();
      if (connectedVoters(s, voters) - 1 < quorum(voters.length - 1)) return done(serverError('ErrUnhealthy'));
    }
  }
  configure(s, { id: 0, type: ConfChangeType.ConfChangeRemoveNode, nodeID: req.id }, undefined, ctx, done);
}

export function memberUpdate(s: EtcdServer, req: { id: number; peerURLs: string[] }, ctx: RequestContext, done: Callback<Member[]>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  const member: Member = { id: req.id, name: '', peerURLs: [...req.peerURLs], clientURLs: [], isLearner: false };
  configure(s, { id: 0, type: ConfChangeType.ConfChangeUpdateNode, nodeID: req.id }, { member }, ctx, done);
}

/**
 * Promote (§10.2): on the leader, the learner must be known to raft and in sync; any other
 * member forwards the request to the leader's peer endpoint ("/members/promote/<id>"),
 * retrying until ReqTimeout and stopping early on a definitive answer.
 */
export function memberPromote(s: EtcdServer, req: { id: number }, ctx: RequestContext, done: Callback<Member[]>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  if (s.isLeader) return promoteOnLeader(s, req, ctx, done);
  const deadline = Math.min(s.kernel.now + s.reqTimeoutMs, ctx.deadline ?? Infinity);
  const attempt = () => {
    if (!s.isRunning) return done(serverError('ErrStopped'));
    const remaining = deadline - s.kernel.now;
    if (remaining <= 0) return done(serverError('ErrTimeout'));
    const retry = () => s.kernel.schedule(Math.min(promoteRetryMs, remaining), attempt, `${s.name} promote forward retry`);
    if (s.lead === None || s.lead === s.id) return void retry();
    s.node.transport.request(s.lead, '/members/promote', { id: req.id, deadline }, remaining, (answer) => {
      const a = answer as PromoteAnswer | undefined;
      if (a === undefined || a.error === 'ErrNotLeader') return void retry();
      if (a.error !== undefined) return done(serverError(a.error));
      done(undefined, a.members);
    });
  };
  attempt();
}

type PromoteAnswer = { error?: ServerErrorName; members?: Member[] };

/** The leader's peer handler for a forwarded promote. */
export function servePeerPromote(s: EtcdServer, body: unknown, reply: (answer: PromoteAnswer) => void): void {
  const req = body as { id: number; deadline: number };
  if (!s.isLeader) return reply({ error: 'ErrNotLeader' });
  promoteOnLeader(s, { id: req.id }, { deadline: req.deadline }, (err, members) =>
    reply(err === undefined ? { members } : { error: isServerError(err) ? err.name : 'ErrUnknownMethod' }),
  );
}

function promoteOnLeader(s: EtcdServer, req: { id: number }, ctx: RequestContext, done: Callback<Member[]>): void {
  const progress = s.node.rawNode.raft.trk.progress;
  const pr = progress.get(req.id);
  if (pr === undefined) return done(serverError('ErrIDNotFound'));
  if (!pr.isLearner) return done(serverError('ErrMemberNotLearner'));
  const leaderMatch = progress.get(s.id)?.match ?? 0;
  if (pr.match < readyPercentThreshold * leaderMatch) return done(serverError('ErrLearnerNotReady'));
  if (s.config.strictReconfigCheck) {
    const voters = s.cluster.voters();
    const started = voters.filter((m) => m.name !== '').length;
    if (started + 1 < quorum(voters.length + 1)) return done(serverError('ErrNotEnoughStartedMembers'));
  }
  const member = s.cluster.member(req.id);
  if (member === undefined) return done(serverError('ErrIDNotFound'));
  configure(s, { id: 0, type: ConfChangeType.ConfChangeAddNode, nodeID: req.id }, { member, isPromote: true }, ctx, done);
}

function quorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** IsReadyToAddVotingMember: started voters must stay a quorum of the grown cluster. */
function readyToAddVotingMember(voters: readonly Member[]): boolean {
  const started = voters.filter((m) => m.name !== '').length;
  if (started === 1 && voters.length === 1) return true; // one started of a future two
  return started >= quorum(voters.length + 1);
}

/** Voters (self counted) connected continuously for the last HealthInterval. */
function connectedVoters(s: EtcdServer, voters: readonly Member[]): number {
  const since = s.kernel.now - healthIntervalMs;
  let n = 0;
  for (const m of voters) {
    if (m.id === s.id) {
      n++;
      continue;
    }
    const t = s.node.transport.activeSince(m.id);
    if (t !== undefined && t <= since) n++;
  }
  return n;
}

/** configure: propose the conf change and wait for its apply (client context only). */
function configure(
  s: EtcdServer,
  cc: ConfChange,
  ctx: ConfigChangeContext | undefined,
  rctx: RequestContext,
  done: Callback<Member[]>,
): void {
  const kernel = s.kernel;
  const id = s.reqIdGen.next();
  const change: ConfChange = { ...cc, id, context: ctx === undefined ? undefined : encodeConfigChangeContext(ctx) };
  const start = kernel.now;
  let finished = false;
  const finish = (err: Error | undefined, members?: Member[]) => {
    if (finished) return;
    finished = true;
    offStopping();
    if (timer !== undefined) kernel.cancel(timer);
    kernel.trace.emit(
      s.name,
      'server.member',
      { op: `${ConfChangeType[cc.type]} request`, member: cc.nodeID.toString(16), ...(err ? { error: err.message } : {}) },
      { reason: err ? 'membership request failed' : 'membership request applied through raft, and raft advanced past it' },
    );
    done(err, members);
  };
  // Applied but waiting for raft to advance, a stopping server still answers (etcd: <-s.stopping).
  const offStopping = s.onStopping(() => finish(serverError('ErrStopped')));
  s.wait.register(id, (result) => {
    // Applied: from here etcd waits for raftAdvancedC only, not the context, so that a
    // conf change sent right after the answer does not find this one still pending in
    // raft and get dropped (etcd issue 15528).
    if (timer !== undefined) kernel.cancel(timer);
    if (result.err !== undefined) return finish(result.err);
    const r = result.resp as ConfChangeResponse;
    r.raftAdvanced(() => finish(r.err, r.err === undefined ? r.members : undefined));
  });
  const timer =
    rctx.deadline === undefined
      ? undefined
      : kernel.at(Math.max(kernel.now, rctx.deadline), () => {
          s.wait.cancel(id);
          blocked.cancel();
          finish(proposed ? parseProposeCtxErr(s, start) : serverError('DeadlineExceeded'));
        });
  let proposed = false;
  const blocked = s.proposeData(
    () => s.node.rawNode.proposeConfChange(change),
    (err) => {
      proposed = true;
      if (err === undefined || finished) return;
      s.wait.cancel(id);
      finish(serverError('ErrProposalDropped'));
    },
  );
}
