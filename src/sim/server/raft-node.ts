// etcd's raftNode (server/etcdserver/raft.go): the loop around the raft state machine.
// It ticks raft every TickMs, steps messages from the transport, and handles each Ready
// in etcd's order (spec server.md §3.2, raft.md §10.4):
//   soft state -> read states -> committed entries to the applier -> leader sends ->
//   snapshot saved -> WAL save (fsync when MustSync) -> snapshot installed ->
//   MemoryStorage append -> follower sends (after its fsync) -> Advance.
// Between taking a Ready and Advance, raft keeps stepping messages and ticks (etcd's
// node goroutine does), but hands out no new Ready.

import type { Kernel, Timer } from '../kernel/kernel';
import type { RaftObservation, Role } from '../check/raft/observation';
import type { Entry, HardState, Message, Snapshot } from '../raft/raftpb';
import { EntryType, MessageType, None } from '../raft/raftpb';
import type { MemoryStorage } from '../raft/storage';
import { ProgressType, type RawNode } from '../raft/rawnode';
import { progressStateName } from '../raft/tracker/state';
import type { ReadState, SoftState } from '../raft/node';
import { StateType, isEmptyHardState, isEmptySnap } from '../raft/node';
import { msgTypeName } from '../raft/util';
import type { Storage } from '../storage/storage';
import type { Transport } from './transport/transport';
import { entryDigest } from './digest';
import { formatMemberId } from './membership/member';

/** Fires once, like closing a Go channel: what waits on it runs then, or at once if it has fired. */
export class Signal {
  private fired = false;
  private waiting: (() => void)[] = [];

  wait(fn: () => void): void {
    if (this.fired) fn();
    else this.waiting.push(fn);
  }

  fire(): void {
    this.fired = true;
    const fns = this.waiting;
    this.waiting = [];
    for (const fn of fns) fn();
  }
}

/** One Ready's work for the applier (etcd toApply), with its notifyc and raftAdvancedC. */
export class ApplyJob {
  /** Raft has finished this Ready's disk writes (etcd notifyc). */
  readonly persisted = new Signal();
  /** The applier has applied its entries. */
  readonly applied = new Signal();
  /** Raft has advanced past this Ready (etcd raftAdvancedC); never fires if the node stops first. */
  readonly advanced = new Signal();

  constructor(
    readonly entries: readonly Entry[],
    readonly snapshot: Snapshot | undefined,
  ) {}
}

/** What the raft node needs from its server. */
export interface RaftNodeHost {
  onSoftState(ss: SoftState, newLeader: boolean): void;
  onReadState(rs: ReadState): void;
  /** Takes the committed entries (and snapshot) of a Ready; applies them in FIFO order. */
  scheduleApply(job: ApplyJob): void;
  /** A MsgSnap raft wants sent: the server merges it with its db and sends it. */
  onMsgSnap(m: Message): void;
  isRemoved(id: number): boolean;
  /** A persistence error is fatal for the member, as in etcd. */
  fatal(err: Error): void;
  observe?: (o: RaftObservation) => void;
}

export class RaftNode {
  /** Leader this node knows (0 = none) and whether it is the leader, from the last soft state. */
  lead = None;
  isLeader = false;
  role: Role = 'follower';
  /** Time this member last became leader itself (etcd leadElectedTime). */
  leadElectedTime = -Infinity;
  private busy = false;
  private kicked = false;
  private stopped = false;
  private ticker: Timer | undefined;
  private lastTerm = 0;
  private lastVote = 0;
  private lastCommit = 0;
  private lastSavedHardState: HardState | undefined;
  /** The leader's view of each peer as last traced (empty when not leading). */
  private readonly lastProgress = new Map<number, string>();
  /**
   * Injected bug raft-vote-before-persist (check/fuzz/inject.ts), set once by the server:
   * a follower sends its messages (votes, acks) before its fsync, as the leader does.
   */
  bugSendBeforePersist = false;

  constructor(
    private readonly kernel: Kernel,
    readonly source: string,
    readonly rawNode: RawNode,
    readonly memStorage: MemoryStorage,
    readonly storage: Storage,
    readonly transport: Transport,
    private readonly tickMs: number,
    private readonly host: RaftNodeHost,
  ) {
    // The durable state: what the checker knows of this member at (re)start.
    const hs = memStorage.initialState().hardState;
    this.lastTerm = hs.term;
    this.lastVote = hs.vote;
    this.lastCommit = hs.commit;
  }

  start(): void {
    this.ticker = this.kernel.schedule(this.tickMs, () => this.tick(), `${this.source} tick`);
    this.kick();
  }

  /** Stops the loop; pending fsync continuations and messages are dropped. */
  stop(): void {
    this.stopped = true;
    if (this.ticker !== undefined) this.kernel.cancel(this.ticker);
    this.ticker = undefined;
  }

  /** Ticks raft `n` times at once (etcd adjustTicks' advance). */
  advanceTicks(n: number): void {
    for (let i = 0; i < n; i++) this.rawNode.tick();
    this.kick();
  }

  step(m: Message): void {
    if (this.stopped) return;
    const err = this.rawNode.step(m);
    if (err !== undefined && this.kernel.trace.enabled('debug')) {
      this.kernel.trace.emit(
        this.source,
        'raft.log',
        { member: this.source, level: 'DEBUG', text: `step ${msgTypeName(m.type)} from ${m.from}: ${err.message}` },
        undefined,
        'debug',
      );
    }
    this.kick();
  }

  /** Processes the next Ready later in this instant, after the other events due now. */
  kick(): void {
    if (this.kicked || this.busy || this.stopped) return;
    this.kicked = true;
    this.kernel.schedule(0, () => this.processReady(), `${this.source} ready`);
  }

  private tick(): void {
    this.rawNode.tick();
    this.kick();
    this.ticker = this.kernel.schedule(this.tickMs, () => this.tick(), `${this.source} tick`);
  }

  private processReady(): void {
    this.kicked = false;
    if (this.stopped || this.busy || !this.rawNode.hasReady()) return;
    const rd = this.rawNode.ready();
    this.busy = true;
    const host = this.host;

    if (rd.softState !== undefined) this.softState(rd.softState);
    if (this.kernel.trace.enabled('info')) this.traceProgress();
    this.observeState(rd.hardState, rd.softState !== undefined);
    if (rd.readStates.length > 0) host.onReadState(rd.readStates[rd.readStates.length - 1]);

    const snap = isEmptySnap(rd.snapshot) ? undefined : rd.snapshot;
    const job = new ApplyJob(rd.committedEntries, snap);
    // Committed entries that overlap this Ready's own new entries are applied only after
    // the WAL write (3.5 shouldWaitWALSync): the entries they replace must not be what a
    // crash leaves under an applied index.
    const waitWAL = shouldWaitWALSync(rd.entries, rd.committedEntries);
    // A commit that comes with a snapshot is justified only by that snapshot: raft moves
    // commit to the snapshot's index as it restores it (raft.md §9.2-9.3), over a log the
    // snapshot replaces. Report it once the snapshot is durable, not over the stale log.
    const commitAfterSync = waitWAL || snap !== undefined;
    if (!commitAfterSync) this.observeCommit(rd.hardState);
    if (!waitWAL) host.scheduleApply(job);

    const isLeader = this.isLeader;
    const sendFirst = isLeader || this.bugSendBeforePersist;
    // The leader replicates while it writes (raft thesis 10.2.1); followers wait.
    if (sendFirst) this.send(rd.messages, false);

    if (snap !== undefined) this.storage.saveSnap(snap);
    const mustSync = this.storage.save(rd.hardState, rd.entries) || snap !== undefined;
    if (!isEmptyHardState(rd.hardState)) this.lastSavedHardState = rd.hardState;
    if (this.kernel.trace.enabled('info') && (rd.entries.length > 0 || snap !== undefined || !isEmptyHardState(rd.hardState))) {
      this.kernel.trace.emit(
        this.source,
        'server.ready',
        {
          entries: rd.entries.length,
          committed: rd.committedEntries.length,
          messages: rd.messages.length,
          snapshot: snap?.metadata.index ?? 0,
          hardState: describeHardState(rd.hardState),
          mustSync,
          leaderSendsFirst: isLeader,
        },
        {
          reason: mustSync
            ? 'new entries or term/vote change must be fsynced before they are acknowledged'
            : 'commit-only change: written without fsync',
        },
      );
    }

    const finish = (): void => {
      if (this.stopped) return;
      if (snap !== undefined) {
        host.observe?.({
          kind: 'snapshot',
          member: this.rawNode.raft.id,
          t: this.kernel.now,
          index: snap.metadata.index,
          term: snap.metadata.term,
          voters: snap.metadata.confState.voters,
          outgoing: snap.metadata.confState.votersOutgoing,
        });
      }
      this.observeDurable(rd.entries, mustSync);
      if (commitAfterSync) this.observeCommit(rd.hardState);
      if (waitWAL) host.scheduleApply(job);
      if (snap !== undefined) {
        // etcd: WAL synced, notifyc, then MemoryStorage.ApplySnapshot and Release.
        job.persisted.fire();
        this.memStorage.applySnapshot(snap);
        this.storage.release(snap);
      }
      this.memStorage.append(rd.entries);
      if (isLeader) {
        job.persisted.fire();
        this.advance(job);
        return;
      }
      job.persisted.fire();
      const release = () => {
        if (this.stopped) return;
        if (!sendFirst) this.send(rd.messages, true);
        this.advance(job);
      };
      // A follower applying a conf change waits for it before going on (etcd's second notifyc).
      if (rd.committedEntries.some((e) => e.type === EntryType.EntryConfChange)) job.applied.wait(release);
      else release();
    };
    if (!mustSync) {
      finish();
      return;
    }
    this.storage.sync((err) => {
      if (this.stopped) return;
      if (err !== undefined) {
        host.fatal(err);
        return;
      }
      finish();
    });
  }

  private advance(job: ApplyJob): void {
    this.rawNode.advance();
    this.busy = false;
    job.advanced.fire();
    this.kick();
  }

  private softState(ss: SoftState): void {
    const newLeader = ss.lead !== None && ss.lead !== this.lead;
    this.lead = ss.lead;
    this.isLeader = ss.raftState === StateType.StateLeader;
    this.role = roleOf(ss.raftState);
    if (newLeader && this.isLeader) this.leadElectedTime = this.kernel.now;
    this.host.onSoftState(ss, newLeader);
  }

  /** processMessages (§3.3): drop to removed members, keep the last MsgAppResp, divert MsgSnap. */
  private send(ms: readonly Message[], afterPersist: boolean): void {
    if (ms.length === 0) return;
    const out: Message[] = [];
    let appResp = false;
    for (let i = ms.length - 1; i >= 0; i--) {
      const m = ms[i];
      if (this.host.isRemoved(m.to)) continue;
      if (m.type === MessageType.MsgAppResp) {
        if (appResp) continue;
        appResp = true;
      }
      if (m.type === MessageType.MsgSnap) {
        this.host.onMsgSnap(m);
        continue;
      }
      out.push(m);
    }
    out.reverse();
    if (this.kernel.trace.enabled('debug')) {
      this.kernel.trace.emit(
        this.source,
        'server.messages',
        { to: 'peers', count: out.length, types: [...new Set(out.map((m) => msgTypeName(m.type)))].join(','), afterPersist },
        { reason: afterPersist ? 'follower sends only after its fsync' : 'leader sends before its own fsync' },
        'debug',
      );
    }
    this.transport.send(out);
  }

  /**
   * Traces the leader's Progress of each peer (raft.md §5.1) whose state or match moved
   * since the last Ready, one row of scalars per peer. Next and inflights go with it as
   * they are then: each send moves them, and tracing every send would double the rows.
   */
  private traceProgress(): void {
    if (!this.isLeader) {
      this.lastProgress.clear();
      return;
    }
    const self = this.rawNode.raft.id;
    let peers = 0;
    this.rawNode.withProgress((id, typ, pr) => {
      if (id === self) return;
      peers++;
      const learner = typ === ProgressType.ProgressTypeLearner;
      const seen = `${pr.state} ${pr.match} ${learner} ${pr.msgAppFlowPaused}`;
      if (this.lastProgress.get(id) === seen) return;
      this.lastProgress.set(id, seen);
      this.kernel.trace.emit(
        this.source,
        'server.progress',
        { peer: formatMemberId(id), state: progressStateName(pr.state), match: pr.match, next: pr.next, inflights: pr.inflights.count(), learner, paused: pr.msgAppFlowPaused },
        { reason: "the leader's view of this follower changed" },
      );
    });
    // Every peer visited has a row: more rows means a peer left the configuration.
    if (this.lastProgress.size === peers) return;
    const progress = this.rawNode.raft.trk.progress;
    for (const id of this.lastProgress.keys()) {
      if (progress.has(id)) continue;
      this.lastProgress.delete(id);
      this.kernel.trace.emit(this.source, 'server.progress.remove', { peer: formatMemberId(id) }, { reason: "the peer left the configuration: the leader's tracker dropped its Progress" });
    }
  }

  private observeState(ready: HardState, roleChanged: boolean): void {
    const hs = isEmptyHardState(ready) ? { term: this.lastTerm, vote: this.lastVote } : ready;
    if (this.host.observe !== undefined && (roleChanged || hs.term !== this.lastTerm || hs.vote !== this.lastVote)) {
      this.host.observe({ kind: 'state', member: this.rawNode.raft.id, t: this.kernel.now, term: hs.term, vote: hs.vote, role: this.role });
    }
    this.lastTerm = hs.term;
    this.lastVote = hs.vote;
  }

  private observeCommit(hs: HardState): void {
    if (isEmptyHardState(hs) || hs.commit === this.lastCommit) return;
    this.lastCommit = hs.commit;
    this.host.observe?.({ kind: 'commit', member: this.rawNode.raft.id, t: this.kernel.now, commit: hs.commit });
  }

  private observeDurable(entries: readonly Entry[], synced: boolean): void {
    const last = entries.length > 0 ? entries[entries.length - 1].index : this.storage.wal.lastIndex();
    if (this.kernel.trace.enabled('info') && (entries.length > 0 || synced)) {
      this.kernel.trace.emit(
        this.source,
        'server.persisted',
        { entries: entries.length, lastIndex: last, terms: termRuns(entries), hardState: describeHardState(this.lastSavedHardState), synced },
        { reason: synced ? 'WAL fsync completed' : 'WAL written (no fsync needed)' },
      );
    }
    const observe = this.host.observe;
    if (observe === undefined || !synced) return;
    const member = this.rawNode.raft.id;
    const t = this.kernel.now;
    if (entries.length > 0) {
      observe({ kind: 'entries', member, t, entries: entries.map((e) => ({ index: e.index, term: e.term, digest: entryDigest(e) })) });
    }
    const hs = this.lastSavedHardState;
    if (hs !== undefined) observe({ kind: 'hard-state', member, t, term: hs.term, vote: hs.vote, commit: hs.commit });
  }
}

function roleOf(s: StateType): Role {
  switch (s) {
    case StateType.StateLeader:
      return 'leader';
    case StateType.StateCandidate:
      return 'candidate';
    case StateType.StatePreCandidate:
      return 'pre-candidate';
    default:
      return 'follower';
  }
}

function describeHardState(hs: HardState | undefined): string {
  if (hs === undefined || isEmptyHardState(hs)) return '';
  return `term=${hs.term} vote=${hs.vote.toString(16)} commit=${hs.commit}`;
}

/** The entries' terms as runs "term:count,term:count" (one run unless the entries span terms). */
function termRuns(entries: readonly Entry[]): string {
  let out = '';
  for (let i = 0; i < entries.length; ) {
    let j = i + 1;
    while (j < entries.length && entries[j].term === entries[i].term) j++;
    out += `${out === '' ? '' : ','}${entries[i].term}:${j - i}`;
    i = j;
  }
  return out;
}

/** Whether the last committed entry lies at or after the first new entry (etcd 3.5 raft.go). */
function shouldWaitWALSync(entries: readonly Entry[], committed: readonly Entry[]): boolean {
  if (entries.length === 0 || committed.length === 0) return false;
  const last = committed[committed.length - 1];
  const first = entries[0];
  return last.term > first.term || (last.term === first.term && last.index >= first.index);
}
