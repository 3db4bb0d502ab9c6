// The Raft state machine: term handling, elections, replication, ReadIndex, leadership
// transfer, membership and snapshots, with one step function per role (raft.go).
// It does no I/O and reads no clock: tick() and step() drive it, and its output is queued
// in msgs / msgsAfterAppend and the log for the RawNode to hand out as a Ready.
import type { ConfChangeV2, ConfState, Entry, HardState, Message, Snapshot } from './raftpb';
import {
  EntryType,
  MessageType,
  None,
  confChangeAsV2,
  enterJoint,
  isLocalMsgTarget,
  leaveJoint,
  marshalConfChangeEntry,
  newMessage,
  noEntries,
  unmarshalConfChange,
  unmarshalConfChangeV2,
} from './raftpb';
import type { Logger } from './logger';
import { LogLevel, discardLogger } from './logger';
import type { Storage } from './storage';
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable } from './storage';
import { RaftLog } from './log';
import type { TraceLogger } from './state-trace';
import { traceApplyConfChange, traceChangeConf, traceEvent, traceReceiveMessage, traceSendMessage } from './state-trace';
import type { ReadState, SoftState } from './node';
import { StateType, isEmptyHardState, isEmptySnap, stateTypeName } from './node';
import { ReadOnly, ReadOnlyOption } from './read-only';
import { ProgressTracker } from './tracker/tracker';
import type { Progress } from './tracker/progress';
import { ProgressStateType } from './tracker/state';
import { VoteResult } from './quorum/quorum';
import { Changer } from './confchange/confchange';
import type { ConfChangeResult } from './confchange/confchange';
import { restore as restoreConfState } from './confchange/restore';
import { entsSize, goConfChange, goConfState, hex, msgTypeName, noLimit, payloadsSize, voteRespMsgType } from './util';

/** Returned when a proposal is dropped (no leader, transfer in progress, size limit...). */
export const ErrProposalDropped = new Error('raft proposal dropped');

export interface Config {
  /** This node's id; not 0. */
  id: number;
  /** Ticks without leader contact before campaigning (randomized into [ET, 2ET)). */
  electionTick: number;
  /** Ticks between leader heartbeats. */
  heartbeatTick: number;
  storage: Storage;
  /** Last applied index when restarting; 0 = none. */
  applied?: number;
  /** Max encoded bytes of entries per MsgApp; 0 = one entry; Infinity = unlimited. */
  maxSizePerMsg?: number;
  /** Max encoded bytes of committed entries being applied; 0 = maxSizePerMsg. */
  maxCommittedSizePerReady?: number;
  /** Leader's cap on the payload bytes of its uncommitted tail; 0 = unlimited. */
  maxUncommittedEntriesSize?: number;
  /** Max in-flight MsgApps per follower in StateReplicate; must be > 0. */
  maxInflightMsgs: number;
  /** Max in-flight payload bytes per follower; 0 = unlimited. */
  maxInflightBytes?: number;
  checkQuorum?: boolean;
  preVote?: boolean;
  readOnlyOption?: ReadOnlyOption;
  disableProposalForwarding?: boolean;
  disableConfChangeValidation?: boolean;
  stepDownOnRemoval?: boolean;
  asyncStorageWrites?: boolean;
  logger?: Logger;
  /** Receives etcd's protocol trace events (state_trace.go); off when undefined. */
  traceLogger?: TraceLogger;
  /**
   * Uniform integer in [0, n): the source of the randomized election timeout. The host
   * passes a seeded stream; the default is a small deterministic generator seeded by id.
   */
  randInt?: (n: number) => number;
  /**
   * Deliberate bugs for the fault search's bug re-injection (check/fuzz/inject.ts), read
   * once here; undefined in every real configuration.
   */
  injected?: InjectedBugs;
}

/** Which deliberate bugs are on (structural, so raft does not import the fuzz harness). */
export interface InjectedBugs {
  has(bug: string): boolean;
}

/** Why an election is started (CampaignType); the transfer value travels as vote context. */
export enum CampaignType {
  PreElection = 'CampaignPreElection',
  Election = 'CampaignElection',
  Transfer = 'CampaignTransfer',
}

const campaignTransferCtx = new TextEncoder().encode(CampaignType.Transfer);

function isCampaignTransfer(ctx: Uint8Array | undefined): boolean {
  if (ctx === undefined || ctx.length !== campaignTransferCtx.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== campaignTransferCtx[i]) return false;
  return true;
}

/** Config validation with etcd's error texts; fills defaults. Throws on bad input. */
function validate(c: Config): Required<Omit<Config, 'randInt' | 'traceLogger' | 'injected'>> & Pick<Config, 'traceLogger'> & { randInt: (n: number) => number } {
  if (!Number.isSafeInteger(c.id) || c.id <= 0) throw new Error('cannot use none as id');
  if (isLocalMsgTarget(c.id)) throw new Error('cannot use local target as id');
  if (!(c.heartbeatTick > 0)) throw new Error('heartbeat tick must be greater than 0');
  if (!(c.electionTick > c.heartbeatTick)) throw new Error('election tick must be greater than heartbeat tick');
  if (c.storage === undefined || c.storage === null) throw new Error('storage cannot be nil');
  if (!(c.maxInflightMsgs > 0)) throw new Error('max inflight messages must be greater than 0');
  const maxSizePerMsg = c.maxSizePerMsg ?? 0;
  let maxInflightBytes = c.maxInflightBytes ?? 0;
  if (maxInflightBytes === 0) maxInflightBytes = noLimit;
  else if (maxInflightBytes < maxSizePerMsg) throw new Error('max inflight bytes must be >= max message size');
  const maxCommittedSizePerReady = c.maxCommittedSizePerReady || maxSizePerMsg;
  // etcd accepts 0 here and then panics on the first committed entry; say so up front.
  if (!(maxCommittedSizePerReady > 0)) {
    throw new Error('max committed size per ready must be greater than 0 (set MaxSizePerMsg or MaxCommittedSizePerReady)');
  }
  const checkQuorum = c.checkQuorum ?? false;
  const readOnlyOption = c.readOnlyOption ?? ReadOnlyOption.ReadOnlySafe;
  // Injected bug: lease reads without check-quorum, so a deposed leader keeps its lease.
  if (readOnlyOption === ReadOnlyOption.ReadOnlyLeaseBased && !checkQuorum && c.injected?.has('raft-lease-read-without-check-quorum') !== true) {
    throw new Error('CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased');
  }
  return {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    storage: c.storage,
    applied: c.applied ?? 0,
    maxSizePerMsg,
    maxCommittedSizePerReady,
    maxUncommittedEntriesSize: c.maxUncommittedEntriesSize || noLimit,
    maxInflightMsgs: c.maxInflightMsgs,
    maxInflightBytes,
    checkQuorum,
    preVote: c.preVote ?? false,
    readOnlyOption,
    disableProposalForwarding: c.disableProposalForwarding ?? false,
    disableConfChangeValidation: c.disableConfChangeValidation ?? false,
    stepDownOnRemoval: c.stepDownOnRemoval ?? false,
    asyncStorageWrites: c.asyncStorageWrites ?? false,
    logger: c.logger ?? discardLogger,
    traceLogger: c.traceLogger,
    randInt: c.randInt ?? seededRandInt(c.id),
  };
}

/** A tiny deterministic generator (mulberry32) for hosts that pass no randInt. */
function seededRandInt(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export class Raft {
  readonly id: number;
  term = 0;
  vote = None;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  readonly maxUncommittedSize: number;
  trk: ProgressTracker;
  state = StateType.StateFollower;
  /** Whether this node is a learner in its own view of the config. */
  isLearner = false;
  /** Messages that may be sent right away. */
  msgs: Message[] = [];
  /** Messages that may be sent only once the current unstable state is durable (§1.6). */
  msgsAfterAppend: Message[] = [];
  lead = None;
  /** The transfer target while a leadership transfer is in progress (§7). */
  leadTransferee = None;
  /** Index of the latest conf change in the leader's log; only one may be unapplied. */
  pendingConfIndex = 0;
  readonly disableConfChangeValidation: boolean;
  /** Payload bytes of the leader's uncommitted tail (§5.9). */
  uncommittedSize = 0;
  readOnly: ReadOnly;
  /** Ticks since the last election timeout (or leader contact); lease measure on a leader. */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** In [electionTimeout, 2*electionTimeout); redrawn on every reset. */
  randomizedElectionTimeout = 0;
  readonly disableProposalForwarding: boolean;
  readonly stepDownOnRemoval: boolean;
  readonly logger: Logger;
  readonly traceLogger: TraceLogger | undefined;
  /** ReadIndex requests a new leader holds until it commits an entry of its term (§6.3). */
  pendingReadIndexMessages: Message[] = [];
  private readonly randInt: (n: number) => number;
  /** Injected bugs (Config.injected), as booleans so the hot path pays one field read. */
  private readonly bugCommitOldTerm: boolean;
  private readonly bugVoteWithoutLogCheck: boolean;
  private readonly tickElectionFn = (): void => this.tickElection();
  private readonly tickHeartbeatFn = (): void => this.tickHeartbeat();
  private tickFn: () => void = this.tickElectionFn;
  /** bcastAppend in progress, and the entry list its followers share (from bcastNext). */
  private inBcast = false;
  private bcastEnts: readonly Entry[] | undefined = undefined;
  private bcastNext = 0;

  constructor(config: Config) {
    const c = validate(config);
    this.id = c.id;
    this.logger = c.logger;
    this.raftLog = new RaftLog(c.storage, c.logger, c.maxCommittedSizePerReady);
    this.bugCommitOldTerm = config.injected?.has('raft-commit-old-term') === true;
    this.bugVoteWithoutLogCheck = config.injected?.has('raft-vote-without-log-check') === true;
    this.raftLog.bugTruncateCommitted = config.injected?.has('raft-truncate-committed') === true;
    const { hardState, confState } = c.storage.initialState();
    this.maxMsgSize = c.maxSizePerMsg;
    this.maxUncommittedSize = c.maxUncommittedEntriesSize;
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes);
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.readOnly = new ReadOnly(c.readOnlyOption);
    this.disableProposalForwarding = c.disableProposalForwarding;
    this.disableConfChangeValidation = c.disableConfChangeValidation;
    this.stepDownOnRemoval = c.stepDownOnRemoval;
    this.randInt = c.randInt;
    this.traceLogger = c.traceLogger;
    if (this.traceLogger !== undefined) traceEvent(this.traceLogger, 'InitState', this);

    const restored = this.restoreConfig(confState);
    assertConfStatesEquivalent(this.logger, confState, this.switchToConfig(restored));
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied > 0) this.raftLog.appliedTo(c.applied, 0);
    this.becomeFollower(this.term, None);

    if (this.logger.enabled(LogLevel.Info)) {
      const peers = this.trk.voterNodes().map(hex).join(',');
      this.logger.info(
        `newRaft ${hex(this.id)} [peers: [${peers}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
        {
          event: 'new-raft',
          id: this.id,
          term: this.term,
          commit: this.raftLog.committed,
          applied: this.raftLog.applied,
          lastIndex: this.raftLog.lastIndex(),
          lastTerm: this.raftLog.lastTerm(),
        },
      );
    }
  }

  private restoreConfig(cs: ConfState): ConfChangeResult {
    return restoreConfState(new Changer(this.trk, this.raftLog.lastIndex()), cs);
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  /** Queues m: From/Term filled as etcd's send (§1.6). */
  send(m: Message): void {
    if (m.from === None) m.from = this.id;
    if (
      m.type === MessageType.MsgVote ||
      m.type === MessageType.MsgVoteResp ||
      m.type === MessageType.MsgPreVote ||
      m.type === MessageType.MsgPreVoteResp
    ) {
      // Vote messages carry the term they are about, which may differ from ours.
      if (m.term === 0) this.logger.panic(`term should be set when sending ${msgTypeName(m.type)}`);
    } else {
      if (m.term !== 0) this.logger.panic(`term should not be set when sending ${msgTypeName(m.type)} (was ${m.term})`);
      // Proposals and read requests travel with term 0, like local messages.
      if (m.type !== MessageType.MsgProp && m.type !== MessageType.MsgReadIndex) m.term = this.term;
    }
    if (m.type === MessageType.MsgAppResp || m.type === MessageType.MsgVoteResp || m.type === MessageType.MsgPreVoteResp) {
      // These acknowledge local state, so they wait until that state is durable.
      this.msgsAfterAppend.push(m);
    } else {
      if (m.to === this.id) this.logger.panic(`message should not be self-addressed when sending ${msgTypeName(m.type)}`);
      this.msgs.push(m);
    }
    if (this.traceLogger !== undefined) traceSendMessage(this.traceLogger, this, m);
  }

  /** Sends an append (or a snapshot) to `to`; see maybeSendAppend. */
  sendAppend(to: number): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends the next MsgApp to `to` if its flow is not paused (§5.4). With sendIfEmpty false
   * nothing goes out when there are no new entries. Returns whether a message was sent.
   */
  maybeSendAppend(to: number, sendIfEmpty: boolean): boolean {
    return this.maybeSendAppendTo(to, this.trk.progress.get(to)!, sendIfEmpty);
  }

  /** maybeSendAppend with the peer's Progress at hand (a broadcast walks them in order). */
  private maybeSendAppendTo(to: number, pr: Progress, sendIfEmpty: boolean): boolean {
    if (pr.isPaused()) return false;
    // A caught-up peer gets no entries, so only an empty MsgApp could go: the usual end of
    // an ack's refill loop, decided without looking up terms and entries.
    if (!sendIfEmpty && pr.next > this.raftLog.lastIndex()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.termOrNegative(prevIndex);
    if (prevTerm < 0) return this.maybeSendSnapshot(to, pr);
    let ents: readonly Entry[] = noEntries;
    let compacted = false;
    // A full window in Replicate sends no entries, but may still send an empty MsgApp.
    if (pr.state !== ProgressStateType.StateReplicate || !pr.inflights.full()) {
      try {
        ents = this.entriesToSend(pr.next);
      } catch (err) {
        if (err !== ErrCompacted) throw err;
        compacted = true;
      }
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    if (compacted) return this.maybeSendSnapshot(to, pr);
    const m = newMessage(MessageType.MsgApp, to);
    m.index = prevIndex;
    m.logTerm = prevTerm;
    m.entries = ents;
    m.commit = this.raftLog.committed;
    this.send(m);
    pr.sentEntries(ents.length, payloadsSize(ents));
    pr.sentCommitTo(this.raftLog.committed);
    return true;
  }

  /** Sends the latest snapshot to a follower whose next entries were compacted (§9.1). */
  private maybeSendSnapshot(to: number, pr: Progress): boolean {
    if (!pr.recentActive) {
      if (this.logger.enabled(LogLevel.Debug)) {
        this.logger.debug(`ignore sending snapshot to ${hex(to)} since it is not recently active`, {
          event: 'snapshot-skipped-inactive',
          to,
        });
      }
      return false;
    }
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      if (err === ErrSnapshotTemporarilyUnavailable) {
        if (this.logger.enabled(LogLevel.Debug)) {
          this.logger.debug(`${hex(this.id)} failed to send snapshot to ${hex(to)} because snapshot is temporarily unavailable`, {
            event: 'snapshot-unavailable',
            to,
          });
        }
        return false;
      }
      throw err;
    }
    if (isEmptySnap(snapshot)) this.logger.panic('need non-empty snapshot');
    const sindex = snapshot.metadata.index;
    const sterm = snapshot.metadata.term;
    if (this.logger.enabled(LogLevel.Debug)) {
      this.logger.debug(
        `${hex(this.id)} [firstindex: ${this.raftLog.firstIndex()}, commit: ${this.raftLog.committed}] sent snapshot[index: ${sindex}, term: ${sterm}] to ${hex(to)} [${pr.toString()}]`,
        { event: 'snapshot-sent', to, index: sindex, term: sterm },
      );
    }
    pr.becomeSnapshot(sindex);
    if (this.logger.enabled(LogLevel.Debug)) {
      this.logger.debug(`${hex(this.id)} paused sending replication messages to ${hex(to)} [${pr.toString()}]`, {
        event: 'replication-paused',
        to,
      });
    }
    const m = newMessage(MessageType.MsgSnap, to);
    m.snapshot = snapshot;
    this.send(m);
    return true;
  }

  /** Heartbeat to `to`; the commit is capped at its match so it never exceeds its log. */
  private sendHeartbeat(to: number, pr: Progress, ctx: Uint8Array | undefined): void {
    const commit = Math.min(pr.match, this.raftLog.committed);
    const m = newMessage(MessageType.MsgHeartbeat, to);
    m.commit = commit;
    m.context = ctx;
    this.send(m);
    pr.sentCommitTo(commit);
  }

  /** The entries a MsgApp from `next` carries; in a broadcast, followers at the same next share one list. */
  private entriesToSend(next: number): readonly Entry[] {
    if (this.bcastEnts !== undefined && this.bcastNext === next) return this.bcastEnts;
    const ents = this.raftLog.entries(next, this.maxMsgSize);
    if (this.inBcast) {
      this.bcastEnts = ents;
      this.bcastNext = next;
    }
    return ents;
  }

  /** sendAppend to every peer but self, ascending ids. */
  bcastAppend(): void {
    const ids = this.trk.progress.ids();
    const prs = this.trk.progress.progresses();
    // The log does not change during the broadcast, so entry lists can be shared.
    this.inBcast = true;
    try {
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== this.id) this.maybeSendAppendTo(ids[i], prs[i], true);
      }
    } finally {
      this.inBcast = false;
      this.bcastEnts = undefined;
    }
  }

  /** Heartbeats carry the newest pending ReadIndex context, so lost acks are retried. */
  bcastHeartbeat(): void {
    const ctx = this.readOnly.lastPendingRequestCtx();
    this.bcastHeartbeatWithCtx(ctx !== undefined && ctx.length > 0 ? ctx : undefined);
  }

  bcastHeartbeatWithCtx(ctx: Uint8Array | undefined): void {
    const ids = this.trk.progress.ids();
    const prs = this.trk.progress.progresses();
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== this.id) this.sendHeartbeat(ids[i], prs[i], ctx);
    }
  }

  /** Advances commit to the quorum index if it is in the current term (§4.6). */
  maybeCommit(): boolean {
    const index = this.trk.committed();
    // Injected bug (Raft paper Figure 8): commit whatever a quorum holds, of any term.
    const committed = this.raftLog.maybeCommit(index, this.bugCommitOldTerm ? this.raftLog.zeroTermOnOutOfBounds(index) : this.term);
    if (this.traceLogger !== undefined) traceEvent(this.traceLogger, 'Commit', this);
    return committed;
  }

  /** Common part of every role change (§3.2). */
  reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = None;
    }
    this.lead = None;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      pr.resetFresh(lastIndex + 1);
      if (id === this.id) pr.match = lastIndex;
    });
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
  }

  /**
   * Stamps and appends the leader's entries; refuses (returns false) past the
   * uncommitted-size limit. The self-ack is counted when it is stepped at Advance.
   */
  appendEntry(es: readonly Entry[]): boolean {
    let li = this.raftLog.lastIndex();
    // Fresh objects: the proposal's entries may be shared (e.g. a duplicated message).
    const ents: Entry[] = new Array<Entry>(es.length);
    for (let i = 0; i < es.length; i++) {
      ents[i] = { term: this.term, index: li + 1 + i, type: es[i].type, data: es[i].data };
    }
    if (!this.increaseUncommittedSize(ents)) {
      if (this.logger.enabled(LogLevel.Warn)) {
        this.logger.warning(`${hex(this.id)} appending new entries to log would exceed uncommitted entry size limit; dropping proposal`, {
          event: 'proposal-dropped',
          reason: 'uncommitted-size-limit',
        });
      }
      return false;
    }
    if (this.traceLogger !== undefined) {
      for (const e of ents) if (e.type === EntryType.EntryNormal) traceEvent(this.traceLogger, 'Replicate', this);
    }
    li = this.raftLog.append(ents);
    const m = newMessage(MessageType.MsgAppResp, this.id);
    m.index = li;
    this.send(m);
    return true;
  }

  tick(): void {
    this.tickFn();
  }

  /** Followers and candidates: campaign once the randomized timeout passed. */
  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(newMessage(MessageType.MsgHup, None, this.id));
    }
  }

  /** Leaders: heartbeat every HT ticks; CheckQuorum and transfer timeout every ET ticks. */
  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(newMessage(MessageType.MsgCheckQuorum, None, this.id));
      // A transfer that did not finish within an election timeout is aborted (§7.2).
      if (this.state === StateType.StateLeader && this.leadTransferee !== None) this.abortLeaderTransfer();
    }
    if (this.state !== StateType.StateLeader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(newMessage(MessageType.MsgBeat, None, this.id));
    }
  }

  becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.tickFn = this.tickElectionFn;
    this.lead = lead;
    this.state = StateType.StateFollower;
    if (this.traceLogger !== undefined) traceEvent(this.traceLogger, 'BecomeFollower', this);
    this.logRoleChange('became follower', 'became-follower');
  }

  becomeCandidate(): void {
    if (this.state === StateType.StateLeader) this.logger.panic('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.tickFn = this.tickElectionFn;
    this.vote = this.id;
    this.state = StateType.StateCandidate;
    if (this.traceLogger !== undefined) traceEvent(this.traceLogger, 'BecomeCandidate', this);
    this.logRoleChange('became candidate', 'became-candidate');
  }

  /** Pre-candidates keep term, vote and timers: a lost pre-election changes nothing (§3.3). */
  becomePreCandidate(): void {
    if (this.state === StateType.StateLeader) this.logger.panic('invalid transition [leader -> pre-candidate]');
    this.trk.resetVotes();
    this.tickFn = this.tickElectionFn;
    this.lead = None;
    this.state = StateType.StatePreCandidate;
    this.logRoleChange('became pre-candidate', 'became-pre-candidate');
  }

  becomeLeader(): void {
    if (this.state === StateType.StateFollower) this.logger.panic('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.tickFn = this.tickHeartbeatFn;
    this.lead = this.id;
    this.state = StateType.StateLeader;
    // The leader's own progress is always Replicate and active.
    const pr = this.trk.progress.get(this.id)!;
    pr.becomeReplicate();
    pr.recentActive = true;
    // No conf change may be proposed until everything in the log at election is applied
    // (§4.8): it may contain one we do not know about yet.
    this.pendingConfIndex = this.raftLog.lastIndex();
    if (this.traceLogger !== undefined) traceEvent(this.traceLogger, 'BecomeLeader', this);
    if (!this.appendEntry([{ term: 0, index: 0, type: EntryType.EntryNormal, data: undefined }])) {
      this.logger.panic('empty entry was dropped');
    }
    this.logRoleChange('became leader', 'became-leader');
  }

  private logRoleChange(what: string, event: string): void {
    if (this.logger.enabled(LogLevel.Info)) {
      // The timeout this role counts down (drawn anew by reset(); kept by a pre-candidate).
      this.logger.info(`${hex(this.id)} ${what} at term ${this.term}`, {
        event,
        id: this.id,
        term: this.term,
        lead: this.lead,
        randomizedElectionTimeout: this.randomizedElectionTimeout,
      });
    }
  }

  /** Starts an election unless leader, unpromotable or holding unapplied conf changes (§3.5). */
  hup(t: CampaignType): void {
    if (this.state === StateType.StateLeader) {
      if (this.logger.enabled(LogLevel.Debug)) {
        this.logger.debug(`${hex(this.id)} ignoring MsgHup because already leader`, { event: 'hup-ignored', reason: 'leader' });
      }
      return;
    }
    if (!this.promotable()) {
      if (this.logger.enabled(LogLevel.Warn)) {
        this.logger.warning(`${hex(this.id)} is unpromotable and can not campaign`, { event: 'hup-ignored', reason: 'unpromotable' });
      }
      return;
    }
    if (this.hasUnappliedConfChanges()) {
      if (this.logger.enabled(LogLevel.Warn)) {
        this.logger.warning(
          `${hex(this.id)} cannot campaign at term ${this.term} since there are still pending configuration changes to apply`,
          { event: 'hup-ignored', reason: 'pending-conf-change', term: this.term },
        );
      }
      return;
    }
    if (this.logger.enabled(LogLevel.Info)) {
      this.logger.info(`${hex(this.id)} is starting a new election at term ${this.term}`, {
        event: 'election-start',
        term: this.term,
        campaign: t,
      });
    }
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    const ents = log.slice(log.applied + 1, log.committed + 1, noLimit);
    for (const e of ents) {
      if (e.type === EntryType.EntryConfChange || e.type === EntryType.EntryConfChangeV2) return true;
    }
    return false;
  }

  /** Becomes (pre-)candidate and asks every voter; the self-vote counts at Advance. */
  campaign(t: CampaignType): void {
    if (!this.promotable()) {
      this.logger.warning(`${hex(this.id)} is unpromotable; campaign() should have been called`);
    }
    let term: number;
    let voteMsg: MessageType;
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteMsg = MessageType.MsgPreVote;
      // Pre-votes ask for the next term without incrementing ours.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = MessageType.MsgVote;
      term = this.term;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.config.voters.ids()) {
      if (id === this.id) {
        this.send(newMessage(voteRespMsgType(voteMsg), id, None, term));
        continue;
      }
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(
          `${hex(this.id)} [logterm: ${lastTerm}, index: ${lastIndex}] sent ${msgTypeName(voteMsg)} request to ${hex(id)} at term ${this.term}`,
          { event: 'vote-request', type: msgTypeName(voteMsg), to: id, term: this.term, logTerm: lastTerm, index: lastIndex },
        );
      }
      const m = newMessage(voteMsg, id, None, term);
      m.index = lastIndex;
      m.logTerm = lastTerm;
      if (t === CampaignType.Transfer) m.context = campaignTransferCtx;
      this.send(m);
    }
  }

  /** Records a (pre-)vote and returns the tally (§3.8). */
  poll(id: number, t: MessageType, v: boolean): { granted: number; rejected: number; result: VoteResult } {
    if (this.logger.enabled(LogLevel.Info)) {
      const what = v ? msgTypeName(t) : `${msgTypeName(t)} rejection`;
      this.logger.info(`${hex(this.id)} received ${what} from ${hex(id)} at term ${this.term}`, {
        event: 'vote-received',
        type: msgTypeName(t),
        from: id,
        granted: v,
        term: this.term,
      });
    }
    this.trk.recordVote(id, v);
    return this.trk.tallyVotes();
  }

  /**
   * The entry point for every message: the term phase (§3.6), then messages handled in
   * every role, then the role's step function. Returns an error (never throws) for a
   * dropped proposal.
   */
  step(m: Message): Error | undefined {
    if (this.traceLogger !== undefined) traceReceiveMessage(this.traceLogger, this, m);
    if (m.term === 0) {
      // Local message, or a proposal/read request forwarded with term 0.
    } else if (m.term > this.term) {
      if (m.type === MessageType.MsgVote || m.type === MessageType.MsgPreVote) {
        const force = isCampaignTransfer(m.context);
        const inLease = this.checkQuorum && this.lead !== None && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // We heard from a leader within the minimum election timeout: ignore the vote
          // request without changing term (the CheckQuorum lease, §3.6 2a).
          if (this.logger.enabled(LogLevel.Info)) {
            this.logVoteDecision(m, 'ignored', `: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`);
          }
          return undefined;
        }
      }
      if (m.type === MessageType.MsgPreVote) {
        // Never change our term in response to a pre-vote.
      } else if (m.type === MessageType.MsgPreVoteResp && !m.reject) {
        // A granted pre-vote carries the future term; the real election bumps ours.
      } else {
        if (this.logger.enabled(LogLevel.Info)) {
          this.logger.info(
            `${hex(this.id)} [term: ${this.term}] received a ${msgTypeName(m.type)} message with higher term from ${hex(m.from)} [term: ${m.term}]`,
            { event: 'higher-term', type: msgTypeName(m.type), from: m.from, term: this.term, msgTerm: m.term },
          );
        }
        if (m.type === MessageType.MsgApp || m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgSnap) {
          this.becomeFollower(m.term, m.from);
        } else {
          this.becomeFollower(m.term, None);
        }
      }
    } else if (m.term < this.term) {
      this.stepLowerTerm(m);
      return undefined;
    }

    switch (m.type) {
      case MessageType.MsgHup:
        this.hup(this.preVote ? CampaignType.PreElection : CampaignType.Election);
        break;
      case MessageType.MsgStorageAppendResp:
        if (m.index !== 0) this.raftLog.stableTo(m.index, m.logTerm);
        if (m.snapshot !== undefined) this.appliedSnap(m.snapshot);
        break;
      case MessageType.MsgStorageApplyResp:
        if (m.entries.length > 0) {
          const index = m.entries[m.entries.length - 1].index;
          this.appliedTo(index, entsSize(m.entries));
          this.reduceUncommittedSize(payloadsSize(m.entries));
        }
        break;
      case MessageType.MsgVote:
      case MessageType.MsgPreVote:
        this.handleVoteRequest(m);
        break;
      default:
        // The role's step function (etcd's r.step, set with the state).
        if (this.state === StateType.StateLeader) return stepLeader(this, m);
        if (this.state === StateType.StateFollower) return stepFollower(this, m);
        return stepCandidate(this, m);
    }
    return undefined;
  }

  private stepLowerTerm(m: Message): void {
    if ((this.checkQuorum || this.preVote) && (m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgApp)) {
      // A stale leader (e.g. one partitioned away while we moved on) learns the higher term
      // from this response and steps down; without it a node whose term ran ahead during a
      // partition could never rejoin (§3.6 3a).
      this.send(newMessage(MessageType.MsgAppResp, m.from));
    } else if (m.type === MessageType.MsgPreVote) {
      // Reject so a pre-candidate with a stale term learns ours and can move on.
      if (this.logger.enabled(LogLevel.Info)) this.logVoteDecision(m, 'rejected', '');
      const resp = newMessage(MessageType.MsgPreVoteResp, m.from, None, this.term);
      resp.reject = true;
      this.send(resp);
    } else if (m.type === MessageType.MsgStorageAppendResp) {
      if (m.index !== 0) {
        // The term changed since the write was issued: its entries may have been replaced.
        if (this.logger.enabled(LogLevel.Info)) {
          this.logger.info(
            `${hex(this.id)} [term: ${this.term}] ignored entry appends from a ${msgTypeName(m.type)} message with lower term [term: ${m.term}]`,
            { event: 'lower-term-ignored', type: msgTypeName(m.type), term: this.term, msgTerm: m.term },
          );
        }
      }
      if (m.snapshot !== undefined) this.appliedSnap(m.snapshot);
    } else if (this.logger.enabled(LogLevel.Info)) {
      this.logger.info(
        `${hex(this.id)} [term: ${this.term}] ignored a ${msgTypeName(m.type)} message with lower term from ${hex(m.from)} [term: ${m.term}]`,
        { event: 'lower-term-ignored', type: msgTypeName(m.type), from: m.from, term: this.term, msgTerm: m.term },
      );
    }
  }

  /** Grants or rejects a (pre-)vote in any role (§3.7). */
  private handleVoteRequest(m: Message): void {
    const canVote =
      // A repeat of a vote we already cast.
      this.vote === m.from ||
      // We have not voted and know of no leader this term.
      (this.vote === None && this.lead === None) ||
      // A pre-vote for a future term.
      (m.type === MessageType.MsgPreVote && m.term > this.term);
    // Injected bug: grant without the candidate's-log-is-up-to-date check.
    if (canVote && (this.bugVoteWithoutLogCheck || this.raftLog.isUpToDate(m.index, m.logTerm))) {
      if (this.logger.enabled(LogLevel.Info)) this.logVoteDecision(m, 'cast', '');
      // Granted responses carry the request's term (the future term for pre-votes).
      this.send(newMessage(voteRespMsgType(m.type), m.from, None, m.term));
      if (m.type === MessageType.MsgVote) {
        // Only real votes are recorded; a granted pre-vote changes nothing locally.
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      if (this.logger.enabled(LogLevel.Info)) this.logVoteDecision(m, 'rejected', '');
      const resp = newMessage(voteRespMsgType(m.type), m.from, None, this.term);
      resp.reject = true;
      this.send(resp);
    }
  }

  private logVoteDecision(m: Message, decision: 'cast' | 'rejected' | 'ignored', suffix: string): void {
    const verb = decision === 'cast' ? `cast ${msgTypeName(m.type)} for` : `${decision} ${msgTypeName(m.type)} from`;
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    this.logger.info(
      `${hex(this.id)} [logterm: ${lastTerm}, index: ${lastIndex}, vote: ${hex(this.vote)}] ${verb} ${hex(m.from)} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}${suffix}`,
      {
        event: 'vote-' + decision,
        type: msgTypeName(m.type),
        from: m.from,
        term: this.term,
        logTerm: lastTerm,
        index: lastIndex,
        vote: this.vote,
        candLogTerm: m.logTerm,
        candIndex: m.index,
      },
    );
  }

  /** The follower side of MsgApp: append, or reject with a hint for fast backtracking (§4.3). */
  handleAppendEntries(m: Message): void {
    // Injected bug raft-truncate-committed: a stale append below the commit index is applied too.
    if (m.index < this.raftLog.committed && !this.raftLog.bugTruncateCommitted) {
      // Everything up to our commit index already matches: just report it.
      const resp = newMessage(MessageType.MsgAppResp, m.from);
      resp.index = this.raftLog.committed;
      this.send(resp);
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew >= 0) {
      const resp = newMessage(MessageType.MsgAppResp, m.from);
      resp.index = lastNew;
      this.send(resp);
      return;
    }
    if (this.logger.enabled(LogLevel.Debug)) {
      this.logger.debug(
        `${hex(this.id)} [logterm: ${this.raftLog.zeroTermOnOutOfBounds(m.index)}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${hex(m.from)}`,
        { event: 'append-rejected', from: m.from, index: m.index, logTerm: m.logTerm },
      );
    }
    // Hint the largest index at which our log may match the leader's: at most our last
    // index, and skipping our entries with terms above the leader's prevTerm (§4.4).
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    const resp = newMessage(MessageType.MsgAppResp, m.from);
    resp.index = m.index;
    resp.reject = true;
    resp.rejectHint = hintIndex;
    resp.logTerm = hintTerm;
    this.send(resp);
  }

  handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    const resp = newMessage(MessageType.MsgHeartbeatResp, m.from);
    resp.context = m.context;
    this.send(resp);
  }

  handleSnapshot(m: Message): void {
    const s = m.snapshot;
    const sindex = s?.metadata.index ?? 0;
    const sterm = s?.metadata.term ?? 0;
    const installed = s !== undefined && this.restore(s);
    const resp = newMessage(MessageType.MsgAppResp, m.from);
    if (installed) {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`${hex(this.id)} [commit: ${this.raftLog.committed}] restored snapshot [index: ${sindex}, term: ${sterm}]`, {
          event: 'snapshot-restored',
          index: sindex,
          term: sterm,
          commit: this.raftLog.committed,
        });
      }
      resp.index = this.raftLog.lastIndex();
    } else {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`${hex(this.id)} [commit: ${this.raftLog.committed}] ignored snapshot [index: ${sindex}, term: ${sterm}]`, {
          event: 'snapshot-ignored',
          index: sindex,
          term: sterm,
          commit: this.raftLog.committed,
        });
      }
      resp.index = this.raftLog.committed;
    }
    this.send(resp);
  }

  /** Installs a snapshot's log position and configuration; false if not applicable (§9.2). */
  restore(s: Snapshot): boolean {
    const sindex = s.metadata.index;
    const sterm = s.metadata.term;
    if (sindex <= this.raftLog.committed) return false;
    if (this.state !== StateType.StateFollower) {
      // Defensive: a leader or candidate must never install a snapshot. Bump the term so a
      // new leader gets elected instead.
      this.logger.warning(`${hex(this.id)} attempted to restore snapshot as leader; should never happen`, {
        event: 'snapshot-refused',
        reason: 'not-follower',
      });
      this.becomeFollower(this.term + 1, None);
      return false;
    }
    const cs = s.metadata.confState;
    if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id) && !cs.votersOutgoing.includes(this.id)) {
      this.logger.warning(
        `${hex(this.id)} attempted to restore snapshot but it is not in the ConfState ${goConfState(cs)}; should never happen`,
        { event: 'snapshot-refused', reason: 'not-in-conf-state' },
      );
      return false;
    }
    if (this.raftLog.matchTerm(sindex, sterm)) {
      // We already have the snapshot's last entry: only fast-forward the commit index.
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(
          `${hex(this.id)} [commit: ${this.raftLog.committed}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}] fast-forwarded commit to snapshot [index: ${sindex}, term: ${sterm}]`,
          { event: 'snapshot-fast-forward', index: sindex, term: sterm },
        );
      }
      this.raftLog.commitTo(sindex);
      return false;
    }
    this.raftLog.restore(s);
    this.trk = new ProgressTracker(this.trk.maxInflight, this.trk.maxInflightBytes);
    let restored: ConfChangeResult;
    try {
      restored = this.restoreConfig(cs);
    } catch (err) {
      this.logger.panic(`unable to restore config ${goConfState(cs)}: ${(err as Error).message}`);
    }
    assertConfStatesEquivalent(this.logger, cs, this.switchToConfig(restored));
    if (this.logger.enabled(LogLevel.Info)) {
      this.logger.info(
        `${hex(this.id)} [commit: ${this.raftLog.committed}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}] restored snapshot [index: ${sindex}, term: ${sterm}]`,
        { event: 'log-restored', index: sindex, term: sterm },
      );
    }
    return true;
  }

  /** Whether this node may campaign: a voter in its own config with no pending snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot();
  }

  /** Applies a committed conf change to the tracker and returns the new ConfState (§8.4). */
  applyConfChange(cc: ConfChangeV2): ConfState {
    const changer = new Changer(this.trk, this.raftLog.lastIndex());
    let result: ConfChangeResult;
    try {
      if (leaveJoint(cc)) {
        result = changer.leaveJoint();
      } else {
        const { autoLeave, ok } = enterJoint(cc);
        result = ok ? changer.enterJoint(autoLeave, cc.changes) : changer.simple(cc.changes);
      }
    } catch (err) {
      this.logger.panic((err as Error).message);
    }
    return this.switchToConfig(result);
  }

  /** Installs a configuration and reacts to it as leader (§8.5). */
  switchToConfig({ config, progress }: ConfChangeResult): ConfState {
    if (this.traceLogger !== undefined) traceApplyConfChange(this.traceLogger, config.voters.incoming.slice(), this);
    this.trk.config = config;
    this.trk.progress = progress;
    if (this.logger.enabled(LogLevel.Info)) {
      this.logger.info(`${hex(this.id)} switched to configuration ${config.toString()}`, {
        event: 'config-switched',
        config: config.toString(),
      });
    }
    const cs = this.trk.confState();
    const pr = this.trk.progress.get(this.id);
    this.isLearner = pr !== undefined && pr.isLearner;
    if ((pr === undefined || this.isLearner) && this.state === StateType.StateLeader) {
      // A removed or demoted leader keeps leading unless StepDownOnRemoval (§8.5 step 3):
      // it can still commit with the new quorum, which no longer counts itself.
      if (this.stepDownOnRemoval) this.becomeFollower(this.term, None);
      return cs;
    }
    if (this.state !== StateType.StateLeader || cs.voters.length === 0) return cs;
    if (this.maybeCommit()) {
      // The quorum may have shrunk: commit what it now covers and tell everyone.
      this.bcastAppend();
    } else {
      // Otherwise probe new peers right away.
      const ids = this.trk.progress.ids();
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== this.id) this.maybeSendAppend(ids[i], false);
      }
    }
    if (this.leadTransferee !== None && !this.trk.config.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  loadState(state: HardState): void {
    if (state.commit < this.raftLog.committed || state.commit > this.raftLog.lastIndex()) {
      this.logger.panic(
        `${hex(this.id)} state.commit ${state.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = state.commit;
    this.term = state.term;
    this.vote = state.vote;
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.randInt(this.electionTimeout);
  }

  sendTimeoutNow(to: number): void {
    this.send(newMessage(MessageType.MsgTimeoutNow, to));
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = None;
  }

  /** Whether the leader committed an entry of its own term (ReadIndex precondition, §6.1). */
  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.zeroTermOnOutOfBounds(this.raftLog.committed) === this.term;
  }

  /** A local request becomes a ReadState; a forwarded one becomes a MsgReadIndexResp. */
  responseToReadIndexReq(req: Message, readIndex: number): Message | undefined {
    if (req.from === None || req.from === this.id) {
      this.readStates.push({ index: readIndex, requestCtx: req.entries[0].data });
      return undefined;
    }
    const m = newMessage(MessageType.MsgReadIndexResp, req.from);
    m.index = readIndex;
    m.entries = req.entries;
    return m;
  }

  /** Reduces the uncommitted size by applied payload bytes, saturating at 0. */
  reduceUncommittedSize(s: number): void {
    this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s;
  }

  private increaseUncommittedSize(ents: readonly Entry[]): boolean {
    const s = payloadsSize(ents);
    // Empty payloads (leader no-op, auto-leave) and the first entry are never refused.
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) return false;
    this.uncommittedSize += s;
    return true;
  }

  private appliedTo(index: number, size: number): void {
    const newApplied = Math.max(index, this.raftLog.applied);
    this.raftLog.appliedTo(newApplied, size);
    if (this.trk.config.autoLeave && newApplied >= this.pendingConfIndex && this.state === StateType.StateLeader) {
      // The joint config is applied: propose leaving it (an empty V2 change, §8.6).
      const { type, data } = marshalConfChangeEntry(undefined);
      const m = newMessage(MessageType.MsgProp, None);
      m.entries = [{ term: 0, index: 0, type, data }];
      const cfg = this.trk.config.toString();
      const err = this.step(m);
      if (err !== undefined) {
        if (this.logger.enabled(LogLevel.Debug)) {
          this.logger.debug(`not initiating automatic transition out of joint configuration ${cfg}: ${err.message}`, {
            event: 'auto-leave-deferred',
            config: cfg,
          });
        }
      } else if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`initiating automatic transition out of joint configuration ${cfg}`, { event: 'auto-leave', config: cfg });
      }
    }
  }

  private appliedSnap(snap: Snapshot): void {
    const index = snap.metadata.index;
    this.raftLog.stableSnapTo(index);
    this.appliedTo(index, 0);
  }
}

// ---- Step functions, one per role ----

function stepLeader(r: Raft, m: Message): Error | undefined {
  // Messages that need no Progress for the sender.
  switch (m.type) {
    case MessageType.MsgBeat:
      r.bcastHeartbeat();
      return undefined;
    case MessageType.MsgCheckQuorum:
      if (!r.trk.quorumActive()) {
        r.logger.warning(`${hex(r.id)} stepped down to follower since quorum is not active`, { event: 'check-quorum-lost', term: r.term });
        r.becomeFollower(r.term, None);
      }
      // Mark everyone but ourselves inactive in preparation for the next round.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return undefined;
    case MessageType.MsgProp:
      return stepLeaderProposal(r, m);
    case MessageType.MsgReadIndex:
      // A single voter is always up to date: answer at once.
      if (r.trk.isSingleton()) {
        const resp = r.responseToReadIndexReq(m, r.raftLog.committed);
        if (resp !== undefined) r.send(resp);
        return undefined;
      }
      // Until it commits an entry of its term, a new leader does not know the commit index
      // (Raft thesis §6.4): hold the request (§6.1 step 2).
      if (!r.committedEntryInCurrentTerm()) {
        r.pendingReadIndexMessages.push(m);
        return undefined;
      }
      sendMsgReadIndexResponse(r, m);
      return undefined;
    case MessageType.MsgForgetLeader:
      return undefined;
  }

  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) {
    if (r.logger.enabled(LogLevel.Debug)) {
      r.logger.debug(`${hex(r.id)} no progress available for ${hex(m.from)}`, { event: 'no-progress', from: m.from });
    }
    return undefined;
  }
  switch (m.type) {
    case MessageType.MsgAppResp:
      pr.recentActive = true;
      if (m.reject) handleAppendRejection(r, m, pr);
      else handleAppendAck(r, m, pr);
      break;
    case MessageType.MsgHeartbeatResp:
      handleHeartbeatResponse(r, m, pr);
      break;
    case MessageType.MsgSnapStatus:
      if (pr.state !== ProgressStateType.StateSnapshot) return undefined;
      if (!m.reject) {
        pr.becomeProbe();
      } else {
        // The snapshot failed: forget it so probing restarts from match.
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
      }
      if (r.logger.enabled(LogLevel.Debug)) {
        const outcome = m.reject ? 'failed' : 'succeeded';
        r.logger.debug(`${hex(r.id)} snapshot ${outcome}, resumed sending replication messages to ${hex(m.from)} [${pr.toString()}]`, {
          event: 'snapshot-status',
          from: m.from,
          success: !m.reject,
        });
      }
      // Wait for a MsgAppResp or heartbeat response before sending again: the snapshot
      // may still be in transit.
      pr.msgAppFlowPaused = true;
      break;
    case MessageType.MsgUnreachable:
      // Optimistic Replicate sends were probably lost: fall back to probing.
      if (pr.state === ProgressStateType.StateReplicate) pr.becomeProbe();
      if (r.logger.enabled(LogLevel.Debug)) {
        r.logger.debug(`${hex(r.id)} failed to send message to ${hex(m.from)} because it is unreachable [${pr.toString()}]`, {
          event: 'peer-unreachable',
          peer: m.from,
        });
      }
      break;
    case MessageType.MsgTransferLeader:
      stepLeaderTransfer(r, m, pr);
      break;
  }
  return undefined;
}

function stepLeaderProposal(r: Raft, m: Message): Error | undefined {
  if (m.entries.length === 0) r.logger.panic(`${hex(r.id)} stepped empty MsgProp`);
  if (!r.trk.progress.has(r.id)) {
    // Removed from the config (with StepDownOnRemoval off): we cannot accept proposals.
    return ErrProposalDropped;
  }
  if (r.leadTransferee !== None) {
    if (r.logger.enabled(LogLevel.Debug)) {
      r.logger.debug(
        `${hex(r.id)} [term ${r.term}] transfer leadership to ${hex(r.leadTransferee)} is in progress; dropping proposal`,
        { event: 'proposal-dropped', reason: 'transfer-in-progress', transferee: r.leadTransferee },
      );
    }
    return ErrProposalDropped;
  }
  let entries = m.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let cc: ConfChangeV2 | undefined;
    let ccText = '';
    if (e.type === EntryType.EntryConfChange) {
      const v1 = unmarshalConfChange(e.data);
      cc = confChangeAsV2(v1);
      ccText = goConfChange(v1);
    } else if (e.type === EntryType.EntryConfChangeV2) {
      cc = unmarshalConfChangeV2(e.data);
      ccText = goConfChange(cc);
    }
    if (cc === undefined) continue;
    const alreadyPending = r.pendingConfIndex > r.raftLog.applied;
    const alreadyJoint = r.trk.config.voters.outgoing.size > 0;
    const wantsLeaveJoint = cc.changes.length === 0;
    let failedCheck = '';
    if (alreadyPending) {
      failedCheck = `possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`;
    } else if (alreadyJoint && !wantsLeaveJoint) {
      failedCheck = 'must transition out of joint config first';
    } else if (!alreadyJoint && wantsLeaveJoint) {
      failedCheck = 'not in joint state; refusing empty conf change';
    }
    if (failedCheck !== '' && !r.disableConfChangeValidation) {
      if (r.logger.enabled(LogLevel.Info)) {
        r.logger.info(`${hex(r.id)} ignoring conf change ${ccText} at config ${r.trk.config.toString()}: ${failedCheck}`, {
          event: 'conf-change-refused',
          reason: failedCheck,
        });
      }
      // The refused change still takes its log index, as an empty normal entry (§5.10).
      if (entries === m.entries) entries = entries.slice();
      (entries as Entry[])[i] = { term: 0, index: 0, type: EntryType.EntryNormal, data: undefined };
    } else {
      r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
      if (r.traceLogger !== undefined) traceChangeConf(r.traceLogger, cc, r);
    }
  }
  if (!r.appendEntry(entries)) return ErrProposalDropped;
  r.bcastAppend();
  return undefined;
}

function handleAppendRejection(r: Raft, m: Message, pr: Progress): void {
  if (r.logger.enabled(LogLevel.Debug)) {
    r.logger.debug(
      `${hex(r.id)} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${hex(m.from)} for index ${m.index}`,
      { event: 'append-rejection', from: m.from, index: m.index, rejectHint: m.rejectHint, logTerm: m.logTerm },
    );
  }
  // The follower's hint (index, term) is where its log may match; skip every leader entry
  // above it whose term exceeds the follower's term there (§4.4).
  let nextProbeIdx = m.rejectHint;
  if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
  if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
    if (r.logger.enabled(LogLevel.Debug)) {
      r.logger.debug(`${hex(r.id)} decreased progress of ${hex(m.from)} to [${pr.toString()}]`, {
        event: 'progress-decreased',
        peer: m.from,
        next: pr.next,
      });
    }
    if (pr.state === ProgressStateType.StateReplicate) pr.becomeProbe();
    r.sendAppend(m.from);
  }
}

function handleAppendAck(r: Raft, m: Message, pr: Progress): void {
  // An ack in Probe at the current match still confirms the match point.
  if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === ProgressStateType.StateProbe))) return;
  switch (pr.state) {
    case ProgressStateType.StateProbe:
      pr.becomeReplicate();
      break;
    case ProgressStateType.StateSnapshot:
      // The follower caught up past our first index (possibly via an older snapshot than
      // the pending one): it can be replicated to again.
      if (pr.match + 1 >= r.raftLog.firstIndex()) {
        if (r.logger.enabled(LogLevel.Debug)) {
          r.logger.debug(
            `${hex(r.id)} recovered from needing snapshot, resumed sending replication messages to ${hex(m.from)} [${pr.toString()}]`,
            { event: 'snapshot-recovered', peer: m.from },
          );
        }
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      break;
    case ProgressStateType.StateReplicate:
      pr.inflights.freeLE(m.index);
      break;
  }
  if (r.maybeCommit()) {
    // Committing an entry of our term lets held ReadIndex requests through (§6.3).
    releasePendingReadIndexMessages(r);
    r.bcastAppend();
  } else if (r.id !== m.from && pr.canBumpCommit(r.raftLog.committed)) {
    // The follower does not know our latest commit index yet.
    r.sendAppend(m.from);
  }
  if (r.id !== m.from) {
    // Fill the window (after Probe -> Replicate, or once inflights were freed).
    while (r.maybeSendAppend(m.from, false)) {
      // keep sending
    }
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    if (r.logger.enabled(LogLevel.Info)) {
      r.logger.info(`${hex(r.id)} sent MsgTimeoutNow to ${hex(m.from)} after received MsgAppResp`, {
        event: 'timeout-now-sent',
        to: m.from,
      });
    }
    r.sendTimeoutNow(m.from);
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  // A lagging or probing follower gets an append; with a full window this is an empty
  // MsgApp that restarts the flow (§5.6).
  if (pr.match < r.raftLog.lastIndex() || pr.state === ProgressStateType.StateProbe) r.sendAppend(m.from);
  if (r.readOnly.option !== ReadOnlyOption.ReadOnlySafe || m.context === undefined || m.context.length === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined || r.trk.config.voters.voteResult(acks) !== VoteResult.VoteWon) return;
  for (const rs of r.readOnly.advance(m)) {
    const resp = r.responseToReadIndexReq(rs.req, rs.index);
    if (resp !== undefined) r.send(resp);
  }
}

function stepLeaderTransfer(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) {
    if (r.logger.enabled(LogLevel.Debug)) {
      r.logger.debug(`${hex(r.id)} is learner. Ignored transferring leadership`, { event: 'transfer-ignored', reason: 'learner' });
    }
    return;
  }
  const leadTransferee = m.from;
  const lastLeadTransferee = r.leadTransferee;
  if (lastLeadTransferee !== None) {
    if (lastLeadTransferee === leadTransferee) {
      // The deadline of the running transfer is deliberately not extended.
      if (r.logger.enabled(LogLevel.Info)) {
        r.logger.info(
          `${hex(r.id)} [term ${r.term}] transfer leadership to ${hex(leadTransferee)} is in progress, ignores request to same node ${hex(leadTransferee)}`,
          { event: 'transfer-ignored', reason: 'in-progress', transferee: leadTransferee },
        );
      }
      return;
    }
    r.abortLeaderTransfer();
    if (r.logger.enabled(LogLevel.Info)) {
      r.logger.info(`${hex(r.id)} [term ${r.term}] abort previous transferring leadership to ${hex(lastLeadTransferee)}`, {
        event: 'transfer-aborted',
        transferee: lastLeadTransferee,
      });
    }
  }
  if (leadTransferee === r.id) {
    if (r.logger.enabled(LogLevel.Debug)) {
      r.logger.debug(`${hex(r.id)} is already leader. Ignored transferring leadership to self`, {
        event: 'transfer-ignored',
        reason: 'self',
      });
    }
    return;
  }
  if (r.logger.enabled(LogLevel.Info)) {
    r.logger.info(`${hex(r.id)} [term ${r.term}] starts to transfer leadership to ${hex(leadTransferee)}`, {
      event: 'transfer-started',
      transferee: leadTransferee,
    });
  }
  // The transfer must finish within one election timeout.
  r.electionElapsed = 0;
  r.leadTransferee = leadTransferee;
  if (pr.match === r.raftLog.lastIndex()) {
    r.sendTimeoutNow(leadTransferee);
    if (r.logger.enabled(LogLevel.Info)) {
      r.logger.info(
        `${hex(r.id)} sends MsgTimeoutNow to ${hex(leadTransferee)} immediately as ${hex(leadTransferee)} already has up-to-date log`,
        { event: 'timeout-now-sent', to: leadTransferee },
      );
    }
  } else {
    r.sendAppend(leadTransferee);
  }
}

/** Answers a ReadIndex request: via a heartbeat round (safe) or the lease (§6.1 step 3). */
function sendMsgReadIndexResponse(r: Raft, m: Message): void {
  if (r.readOnly.option === ReadOnlyOption.ReadOnlySafe) {
    r.readOnly.addRequest(r.raftLog.committed, m);
    // The leader acknowledges its own request.
    r.readOnly.recvAck(r.id, m.entries[0].data);
    const ctx = m.entries[0].data;
    r.bcastHeartbeatWithCtx(ctx);
    return;
  }
  const resp = r.responseToReadIndexReq(m, r.raftLog.committed);
  if (resp !== undefined) r.send(resp);
}

function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0) return;
  if (!r.committedEntryInCurrentTerm()) {
    r.logger.error('pending MsgReadIndex should be released only after first commit in current term', {
      event: 'read-index-release-error',
    });
    return;
  }
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) sendMsgReadIndexResponse(r, m);
}

function stepCandidate(r: Raft, m: Message): Error | undefined {
  // Only responses to our own kind of request count: a late self pre-vote that arrives
  // after we became candidate is ignored.
  const myVoteRespType = r.state === StateType.StatePreCandidate ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
  switch (m.type) {
    case MessageType.MsgProp:
      if (r.logger.enabled(LogLevel.Info)) {
        r.logger.info(`${hex(r.id)} no leader at term ${r.term}; dropping proposal`, { event: 'proposal-dropped', reason: 'no-leader' });
      }
      return ErrProposalDropped;
    case MessageType.MsgApp:
      r.becomeFollower(m.term, m.from); // always m.term == r.term
      r.handleAppendEntries(m);
      break;
    case MessageType.MsgHeartbeat:
      r.becomeFollower(m.term, m.from);
      r.handleHeartbeat(m);
      break;
    case MessageType.MsgSnap:
      r.becomeFollower(m.term, m.from);
      r.handleSnapshot(m);
      break;
    case myVoteRespType: {
      const { granted, rejected, result } = r.poll(m.from, m.type, !m.reject);
      if (r.logger.enabled(LogLevel.Info)) {
        r.logger.info(`${hex(r.id)} has received ${granted} ${msgTypeName(m.type)} votes and ${rejected} vote rejections`, {
          event: 'vote-tally',
          type: msgTypeName(m.type),
          granted,
          rejected,
        });
      }
      if (result === VoteResult.VoteWon) {
        if (r.state === StateType.StatePreCandidate) {
          r.campaign(CampaignType.Election);
        } else {
          r.becomeLeader();
          r.bcastAppend();
        }
      } else if (result === VoteResult.VoteLost) {
        // Back to follower at the same term; the vote is kept (§3.10).
        r.becomeFollower(r.term, None);
      }
      break;
    }
    case MessageType.MsgTimeoutNow:
      if (r.logger.enabled(LogLevel.Debug)) {
        r.logger.debug(`${hex(r.id)} [term ${r.term} state ${stateTypeName(r.state)}] ignored MsgTimeoutNow from ${hex(m.from)}`, {
          event: 'timeout-now-ignored',
          from: m.from,
        });
      }
      break;
  }
  return undefined;
}

function stepFollower(r: Raft, m: Message): Error | undefined {
  switch (m.type) {
    case MessageType.MsgProp:
      if (r.lead === None) {
        if (r.logger.enabled(LogLevel.Info)) {
          r.logger.info(`${hex(r.id)} no leader at term ${r.term}; dropping proposal`, { event: 'proposal-dropped', reason: 'no-leader' });
        }
        return ErrProposalDropped;
      }
      if (r.disableProposalForwarding) {
        if (r.logger.enabled(LogLevel.Info)) {
          r.logger.info(`${hex(r.id)} not forwarding to leader ${hex(r.lead)} at term ${r.term}; dropping proposal`, {
            event: 'proposal-dropped',
            reason: 'forwarding-disabled',
          });
        }
        return ErrProposalDropped;
      }
      r.send(forward(m, r.lead));
      break;
    case MessageType.MsgApp:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleAppendEntries(m);
      break;
    case MessageType.MsgHeartbeat:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleHeartbeat(m);
      break;
    case MessageType.MsgSnap:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleSnapshot(m);
      break;
    case MessageType.MsgTransferLeader:
      if (r.lead === None) {
        if (r.logger.enabled(LogLevel.Info)) {
          r.logger.info(`${hex(r.id)} no leader at term ${r.term}; dropping leader transfer msg`, {
            event: 'transfer-dropped',
            reason: 'no-leader',
          });
        }
        return undefined;
      }
      r.send(forward(m, r.lead));
      break;
    case MessageType.MsgForgetLeader:
      // Under lease-based reads forgetting the leader could serve stale reads.
      if (r.readOnly.option === ReadOnlyOption.ReadOnlyLeaseBased) {
        r.logger.error('ignoring MsgForgetLeader due to ReadOnlyLeaseBased', { event: 'forget-leader-ignored' });
        return undefined;
      }
      if (r.lead !== None) {
        if (r.logger.enabled(LogLevel.Info)) {
          r.logger.info(`${hex(r.id)} forgetting leader ${hex(r.lead)} at term ${r.term}`, { event: 'forget-leader', lead: r.lead });
        }
        r.lead = None;
      }
      break;
    case MessageType.MsgTimeoutNow:
      if (r.logger.enabled(LogLevel.Info)) {
        r.logger.info(
          `${hex(r.id)} [term ${r.term}] received MsgTimeoutNow from ${hex(m.from)} and starts an election to get leadership.`,
          { event: 'timeout-now-received', from: m.from },
        );
      }
      // A transfer campaign never pre-votes: the leader asked for it (§7.3).
      r.hup(CampaignType.Transfer);
      break;
    case MessageType.MsgReadIndex:
      if (r.lead === None) {
        if (r.logger.enabled(LogLevel.Info)) {
          r.logger.info(`${hex(r.id)} no leader at term ${r.term}; dropping index reading msg`, {
            event: 'read-index-dropped',
            reason: 'no-leader',
          });
        }
        return undefined;
      }
      r.send(forward(m, r.lead));
      break;
    case MessageType.MsgReadIndexResp:
      if (m.entries.length !== 1) {
        r.logger.error(`${hex(r.id)} invalid format of MsgReadIndexResp from ${hex(m.from)}, entries count: ${m.entries.length}`, {
          event: 'read-index-resp-invalid',
        });
        return undefined;
      }
      r.readStates.push({ index: m.index, requestCtx: m.entries[0].data });
      break;
  }
  return undefined;
}

/** A copy of m addressed to `to` (the received message itself is never mutated). */
function forward(m: Message, to: number): Message {
  return { ...m, to };
}

/** Panics unless the two ConfStates hold the same sets (order-insensitive). */
function assertConfStatesEquivalent(logger: Logger, want: ConfState, got: ConfState): void {
  const same = (a: number[], b: number[]) => {
    const x = [...a].sort((p, q) => p - q);
    const y = [...b].sort((p, q) => p - q);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  };
  if (
    same(want.voters, got.voters) &&
    same(want.learners, got.learners) &&
    same(want.votersOutgoing, got.votersOutgoing) &&
    same(want.learnersNext, got.learnersNext) &&
    want.autoLeave === got.autoLeave
  ) {
    return;
  }
  logger.panic(`ConfStates not equivalent after sorting:\n${goConfState(want)}\n${goConfState(got)}`);
}
