// The application-facing API: a thread-unsafe node that hands out Ready batches and takes
// Advance (rawnode.go, spec §2.3-§2.9).
import type { ConfChange, ConfChangeV2, ConfState, Entry, Message } from './raftpb';
import {
  EntryType,
  LocalAppendThread,
  LocalApplyThread,
  MessageType,
  None,
  confChangeAsV2,
  isLocalMsgTarget,
  marshalConfChange,
  marshalConfChangeEntry,
  newMessage,
  noEntries,
  noMessages,
} from './raftpb';
import type { Config } from './raft';
import { Raft } from './raft';
import type { Ready, StateType } from './node';
import { SnapshotStatus, emptyHardState, isEmptyHardState, isEmptySnap } from './node';
import type { BasicStatus, Status } from './status';
import { getBasicStatus, getStatus } from './status';
import { traceEvent } from './state-trace';
import type { Progress } from './tracker/progress';
import { checkConfChange, checkMessage, clearList, copyList, entsSize, isLocalMsg, isResponseMsg } from './util';

/** Returned by step() for a local message type from the network. */
export const ErrStepLocalMsg = new Error('raft: cannot step raft local message');
/** Returned by step() for a response from a peer the tracker does not know. */
export const ErrStepPeerNotFound = new Error('raft: cannot step as peer not found');

export interface Peer {
  id: number;
  context?: Uint8Array;
}

export enum ProgressType {
  ProgressTypePeer = 0,
  ProgressTypeLearner = 1,
}

export class RawNode {
  readonly raft: Raft;
  readonly asyncStorageWrites: boolean;
  // The last accepted SoftState and HardState, field by field (compared on every Ready).
  private prevLead: number;
  private prevRaftState: StateType;
  private prevTerm: number;
  private prevVote: number;
  private prevCommit: number;
  // What Advance steps (sync mode, §2.4), in this order: the self-addressed responses,
  // then the storage acknowledgment and the apply acknowledgment when they are due.
  private readonly selfResponses: Message[] = [];
  private appendAckDue = false;
  private applyAckDue = false;
  // Sync mode reuses one storage acknowledgment of each kind: at most one Ready is
  // pending Advance, the acks never leave the node, and stepping them keeps no reference.
  private readonly appendAck: Message;
  private readonly applyAck: Message;

  /** Throws on an invalid Config (etcd's validation texts). */
  constructor(config: Config) {
    this.raft = new Raft(config);
    this.asyncStorageWrites = config.asyncStorageWrites ?? false;
    this.prevLead = this.raft.lead;
    this.prevRaftState = this.raft.state;
    this.prevTerm = this.raft.term;
    this.prevVote = this.raft.vote;
    this.prevCommit = this.raft.raftLog.committed;
    this.appendAck = newMessage(MessageType.MsgStorageAppendResp, this.raft.id, LocalAppendThread);
    this.applyAck = newMessage(MessageType.MsgStorageApplyResp, this.raft.id, LocalApplyThread);
  }

  tick(): void {
    this.raft.tick();
  }

  /** Advances the election clock only (no heartbeats or elections). Deprecated in etcd. */
  tickQuiesced(): void {
    this.raft.electionElapsed++;
  }

  campaign(): Error | undefined {
    return this.raft.step(newMessage(MessageType.MsgHup, None));
  }

  propose(data: Uint8Array): Error | undefined {
    const m = newMessage(MessageType.MsgProp, None, this.raft.id);
    m.entries = [{ term: 0, index: 0, type: EntryType.EntryNormal, data }];
    return this.raft.step(m);
  }

  proposeConfChange(cc: ConfChange | ConfChangeV2): Error | undefined {
    const bad = checkConfChange(cc);
    if (bad !== undefined) return bad;
    const { type, data } = marshalConfChangeEntry(cc);
    const m = newMessage(MessageType.MsgProp, None);
    m.entries = [{ term: 0, index: 0, type, data }];
    return this.raft.step(m);
  }

  /** Applies a committed conf change to the tracker; returns the new ConfState. */
  applyConfChange(cc: ConfChange | ConfChangeV2): ConfState {
    return this.raft.applyConfChange(confChangeAsV2(cc));
  }

  /** Steps a message from the network; a malformed or misdirected one returns an error. */
  step(m: Message): Error | undefined {
    const bad = checkMessage(m);
    if (bad !== undefined) return bad;
    // Local messages must come from the node itself or its storage threads.
    if (isLocalMsg(m.type) && !isLocalMsgTarget(m.from)) return ErrStepLocalMsg;
    if (isResponseMsg(m.type) && !isLocalMsgTarget(m.from) && !this.raft.trk.progress.has(m.from)) {
      return ErrStepPeerNotFound;
    }
    return this.raft.step(m);
  }

  /** The current Ready, which the caller must handle (and, in sync mode, Advance). */
  ready(): Ready {
    const rd = this.readyWithoutAccept();
    this.acceptReady(rd);
    return rd;
  }

  private readyWithoutAccept(): Ready {
    const r = this.raft;
    const rd: Ready = {
      softState: undefined,
      hardState: emptyHardState,
      readStates: r.readStates,
      entries: r.raftLog.nextUnstableEnts() ?? noEntries,
      snapshot: r.raftLog.nextUnstableSnapshot(),
      committedEntries: r.raftLog.nextCommittedEnts(this.applyUnstableEntries()) ?? noEntries,
      messages: this.asyncStorageWrites ? r.msgs : this.syncReadyMessages(),
      mustSync: false,
    };
    // The state objects are built only when they changed (compared field by field).
    if (this.softStateChanged()) rd.softState = r.softState();
    if (this.hardStateChanged()) rd.hardState = r.hardState();
    // etcd's MustSync: new entries, or a changed vote or term.
    rd.mustSync = rd.entries.length !== 0 || r.vote !== this.prevVote || r.term !== this.prevTerm;
    if (this.asyncStorageWrites) {
      // Persistence and application happen on "threads" that reply with messages (§2.9).
      if (this.needStorageAppendMsg(rd)) r.msgs.push(this.newStorageAppendMsg(rd));
      if (rd.committedEntries.length > 0) r.msgs.push(this.newStorageApplyMsg(rd.committedEntries));
    }
    return rd;
  }

  /**
   * Sync mode: msgs, then the msgsAfterAppend not addressed to this node. msgs alone is
   * handed out whole and raft gets a new list (acceptReady): measured cheaper than copying
   * a broadcast. Otherwise the list is a copy, and raft's lists keep their capacity.
   */
  private syncReadyMessages(): readonly Message[] {
    const r = this.raft;
    const after = r.msgsAfterAppend;
    let others = 0;
    for (let i = 0; i < after.length; i++) if (after[i].to !== r.id) others++;
    if (others === 0) return r.msgs.length === 0 ? noMessages : r.msgs;
    if (r.msgs.length === 0 && others === after.length) return copyList(after, 0, after.length);
    const out = r.msgs.slice();
    for (let i = 0; i < after.length; i++) if (after[i].to !== r.id) out.push(after[i]);
    return out;
  }

  private needStorageAppendMsg(rd: Ready): boolean {
    return (
      rd.entries.length > 0 || !isEmptyHardState(rd.hardState) || !isEmptySnap(rd.snapshot) || this.raft.msgsAfterAppend.length > 0
    );
  }

  private needStorageAppendRespMsg(rd: Ready): boolean {
    return this.raft.raftLog.hasNextOrInProgressUnstableEnts() || !isEmptySnap(rd.snapshot);
  }

  private newStorageAppendMsg(rd: Ready): Message {
    const r = this.raft;
    const m = newMessage(MessageType.MsgStorageAppend, LocalAppendThread, r.id);
    m.entries = rd.entries;
    if (!isEmptyHardState(rd.hardState)) {
      m.term = rd.hardState.term;
      m.vote = rd.hardState.vote;
      m.commit = rd.hardState.commit;
    }
    if (!isEmptySnap(rd.snapshot)) m.snapshot = rd.snapshot;
    const responses = r.msgsAfterAppend.slice();
    if (this.needStorageAppendRespMsg(rd)) responses.push(this.newStorageAppendRespMsg(rd));
    m.responses = responses;
    return m;
  }

  /**
   * The storage thread's acknowledgment. It carries the term at creation: if the term has
   * changed by the time it is stepped, the entries it names may have been replaced (the
   * ABA case), and they are not marked stable.
   */
  private newStorageAppendRespMsg(rd: Ready): Message {
    const r = this.raft;
    const m = newMessage(MessageType.MsgStorageAppendResp, r.id, LocalAppendThread, r.term);
    if (r.raftLog.hasNextOrInProgressUnstableEnts()) {
      m.index = r.raftLog.lastIndex();
      m.logTerm = r.raftLog.lastTerm();
    }
    if (!isEmptySnap(rd.snapshot)) m.snapshot = rd.snapshot;
    return m;
  }

  /** newStorageAppendRespMsg's fields, written into the reused sync-mode message. */
  private reuseStorageAppendRespMsg(rd: Ready): void {
    const r = this.raft;
    const m = this.appendAck;
    m.term = r.term;
    const unstable = r.raftLog.hasNextOrInProgressUnstableEnts();
    m.index = unstable ? r.raftLog.lastIndex() : 0;
    m.logTerm = unstable ? r.raftLog.lastTerm() : 0;
    m.snapshot = isEmptySnap(rd.snapshot) ? undefined : rd.snapshot;
  }

  private newStorageApplyMsg(ents: readonly Entry[]): Message {
    const m = newMessage(MessageType.MsgStorageApply, LocalApplyThread, this.raft.id);
    m.entries = ents;
    m.responses = [this.newStorageApplyRespMsg(ents)];
    return m;
  }

  private newStorageApplyRespMsg(ents: readonly Entry[]): Message {
    const m = newMessage(MessageType.MsgStorageApplyResp, this.raft.id, LocalApplyThread);
    m.entries = ents;
    return m;
  }

  private acceptReady(rd: Ready): void {
    const r = this.raft;
    if (rd.softState !== undefined) {
      this.prevLead = rd.softState.lead;
      this.prevRaftState = rd.softState.raftState;
    }
    const hs = rd.hardState;
    if (!isEmptyHardState(hs)) {
      this.prevTerm = hs.term;
      this.prevVote = hs.vote;
      this.prevCommit = hs.commit;
    }
    if (rd.readStates.length !== 0) r.readStates = [];
    if (!this.asyncStorageWrites) {
      if (this.selfResponses.length !== 0 || this.appendAckDue || this.applyAckDue) {
        r.logger.panic('two accepted Ready structs without call to Advance');
      }
      const after = r.msgsAfterAppend;
      for (let i = 0; i < after.length; i++) if (after[i].to === r.id) this.selfResponses.push(after[i]);
      if (this.needStorageAppendRespMsg(rd)) {
        this.reuseStorageAppendRespMsg(rd);
        this.appendAckDue = true;
      }
      if (rd.committedEntries.length > 0) {
        // As newStorageApplyRespMsg, in the reused message.
        this.applyAck.entries = rd.committedEntries;
        this.applyAckDue = true;
      }
    }
    if (this.asyncStorageWrites || rd.messages === r.msgs) r.msgs = []; // handed out as the Ready's messages
    else clearList(r.msgs); // copied: emptied in place
    // Its messages were copied above (or sliced into the storage message).
    clearList(r.msgsAfterAppend);
    r.raftLog.acceptUnstable();
    if (rd.committedEntries.length > 0) {
      const ents = rd.committedEntries;
      r.raftLog.acceptApplying(ents[ents.length - 1].index, entsSize(ents), this.applyUnstableEntries());
    }
    if (r.traceLogger !== undefined) traceEvent(r.traceLogger, 'Ready', r);
  }

  /** Whether raft.softState() differs from the last accepted one, without building it. */
  private softStateChanged(): boolean {
    return this.raft.lead !== this.prevLead || this.raft.state !== this.prevRaftState;
  }

  /** Whether raft.hardState() differs from the last accepted one, without building it. */
  private hardStateChanged(): boolean {
    const r = this.raft;
    return r.term !== this.prevTerm || r.vote !== this.prevVote || r.raftLog.committed !== this.prevCommit;
  }

  /** In sync mode committed entries may be applied before they are durable locally (§2.3). */
  private applyUnstableEntries(): boolean {
    return !this.asyncStorageWrites;
  }

  hasReady(): boolean {
    const r = this.raft;
    // Messages to send, the usual reason, first.
    if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true;
    if (this.softStateChanged()) return true;
    const hardStEmpty = r.term === 0 && r.vote === None && r.raftLog.committed === 0;
    if (!hardStEmpty && this.hardStateChanged()) return true;
    if (r.raftLog.hasNextUnstableSnapshot()) return true;
    if (r.raftLog.hasNextUnstableEnts() || r.raftLog.hasNextCommittedEnts(this.applyUnstableEntries())) return true;
    return r.readStates.length !== 0;
  }

  /**
   * Signals that the last Ready was persisted and applied: steps the self-acks, the
   * storage acknowledgment and the apply acknowledgment, in that order. Sync mode only.
   */
  advance(_rd?: Ready): void {
    if (this.asyncStorageWrites) this.raft.logger.panic('Advance must not be called when using AsyncStorageWrites');
    // Stepping these queues no new ones (only acceptReady does).
    const self = this.selfResponses;
    if (self.length !== 0) {
      for (let i = 0; i < self.length; i++) this.raft.step(self[i]);
      clearList(self);
    }
    if (this.appendAckDue) {
      this.appendAckDue = false;
      this.raft.step(this.appendAck);
      this.appendAck.snapshot = undefined; // let the reused ack drop what it carried
    }
    if (this.applyAckDue) {
      this.applyAckDue = false;
      this.raft.step(this.applyAck);
      this.applyAck.entries = noEntries;
    }
  }

  status(): Status {
    return getStatus(this.raft);
  }

  basicStatus(): BasicStatus {
    return getBasicStatus(this.raft);
  }

  /** Visits every peer's Progress (without copying), ascending ids. */
  withProgress(visitor: (id: number, typ: ProgressType, pr: Progress) => void): void {
    this.raft.trk.visit((id, pr) => {
      visitor(id, pr.isLearner ? ProgressType.ProgressTypeLearner : ProgressType.ProgressTypePeer, pr);
    });
  }

  reportUnreachable(id: number): Error | undefined {
    return this.raft.step(newMessage(MessageType.MsgUnreachable, None, id));
  }

  reportSnapshot(id: number, status: SnapshotStatus): Error | undefined {
    const m = newMessage(MessageType.MsgSnapStatus, None, id);
    m.reject = status === SnapshotStatus.SnapshotFailure;
    return this.raft.step(m);
  }

  /** Asks the leader to transfer leadership to transferee. */
  transferLeader(transferee: number): Error | undefined {
    return this.raft.step(newMessage(MessageType.MsgTransferLeader, None, transferee));
  }

  forgetLeader(): Error | undefined {
    return this.raft.step(newMessage(MessageType.MsgForgetLeader, None));
  }

  /** Requests a read index; the result arrives as a ReadState with the same ctx. */
  readIndex(rctx: Uint8Array): Error | undefined {
    const m = newMessage(MessageType.MsgReadIndex, None);
    m.entries = [{ term: 0, index: 0, type: EntryType.EntryNormal, data: rctx }];
    return this.raft.step(m);
  }

  /**
   * Bootstraps an empty storage with the given peers: one AddNode conf change entry each,
   * committed and applied to the tracker at once (bootstrap.go, §2.8).
   */
  bootstrap(peers: readonly Peer[]): Error | undefined {
    if (peers.length === 0) return new Error('must provide at least one peer to Bootstrap');
    const r = this.raft;
    if (r.raftLog.storage.lastIndex() !== 0) return new Error("can't bootstrap a nonempty Storage");
    // The first Ready must report the HardState even though it equals none seen before.
    this.prevTerm = 0;
    this.prevVote = 0;
    this.prevCommit = 0;
    r.becomeFollower(1, None);
    const ents: Entry[] = peers.map((p, i) => ({
      term: 1,
      index: i + 1,
      type: EntryType.EntryConfChange,
      data: marshalConfChange({ id: 0, type: 0, nodeID: p.id, context: p.context }),
    }));
    r.raftLog.append(ents);
    // Committed, but not applied: the application sees them as CommittedEntries.
    r.raftLog.committed = ents.length;
    for (const p of peers) r.applyConfChange(confChangeAsV2({ id: 0, type: 0, nodeID: p.id }));
    return undefined;
  }
}

