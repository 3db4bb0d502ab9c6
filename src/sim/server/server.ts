// EtcdServer: one etcd member (etcd server/etcdserver/server.go). It owns the raft node
// loop (raft-node.ts), the peer transport, the apply loop with the consistent index,
// snapshots and raft log compaction (snapshot.ts, spec server.md §3), the lessor loop, and serves the
// request API (v3-server.ts) and the membership API (cluster-api.ts).
//
// Lifecycle: start() bootstraps from the member's disk (new, join, restart or
// force-new-cluster, bootstrap.ts); crash() kills the process (the disk keeps only what
// was fsynced); stop() shuts down cleanly; start() again restarts from the disk. Every
// volatile field is rebuilt by start(); callbacks of a dead run check the epoch.
//
// Host contract: give it the kernel, the network, the member's Disk (disk-host.ts
// openMemberDisk) and a config (config.ts defaultServerConfig); it listens on its peer
// URL's address and schedules all of its own work (ticks, Ready loop, fsync waits,
// lessor loop) on the kernel. The client-facing gRPC services are registered separately
// (v3rpc/grpc.ts registerV3RPC); onStatusChange tells the host when to start or stop them.

import type { RaftObservation } from '../check/raft/observation';
import { AuthStore } from '../auth/store';
import type { Kernel, Timer } from '../kernel/kernel';
import { IDGenerator } from '../lease/idutil';
import { LESSOR_LOOP_INTERVAL_MS, Lessor, minLeaseTTL } from '../lease/lessor';
import type { MvccEvent } from '../mvcc/kv';
import type { TraceKinds } from '../trace/trace';
import { WatchableStore } from '../mvcc/watchable-store';
import type { Network } from '../net/network';
import { ReadOnlyOption } from '../raft/read-only';
import { LogLevel, RecordLogger, logLevelNames } from '../raft/logger';
import type { ReadState, SoftState } from '../raft/node';
import type { ConfState, Entry, Snapshot } from '../raft/raftpb';
import { ConfChangeType, EntryType, None, emptyConfState, unmarshalConfChange } from '../raft/raftpb';
import { RawNode } from '../raft/rawnode';
import type { Disk } from '../storage/disk';
import { backendPath } from '../storage/datadir';
import { decodeBackend, encodeBackend, saveBackend } from '../storage/db';
import type { WALOptions } from '../storage/wal/wal';
import type { ApplyResult, StateMachine } from './apply';
import { applyRequest } from './apply';
import { decodeBackendState, encodeBackendState } from './backend';
import type { BackendState } from './backend';
import { AlarmStore } from './alarm';
import type { AlarmMember, AlarmRequest } from './alarm';
import { quotaAvailable, requestCost } from './quota';
import type { Bootstrapped } from './bootstrap';
import { bootstrapFromWAL, bootstrapJoin, bootstrapNew, decodeConfigChangeContext, hasWAL } from './bootstrap';
import type { ServerConfig } from './config';
import {
  electionTicks,
  maxInflightMsgs,
  maxSizePerMsg,
  removedSelfStopDelayMs,
  reqTimeoutMs,
  validateServerConfig,
} from './config';
import { entryDigest } from './digest';
import type { BootstrapMode } from './events';
import './events';
import { RaftCluster } from './membership/cluster';
import type { ClusterSnapshot } from './membership/cluster';
import { formatMemberId, urlAddress } from './membership/member';
import { isServerError, serverError } from './errors';
import type { Member } from './membership/member';
import { ApplyJob, RaftNode } from './raft-node';
import type { RaftNodeHost } from './raft-node';
import type { InternalRaftRequest } from './raft-request';
import { unmarshalRequest, requestKind } from './raft-request';
import * as clusterApi from './cluster-api';
import * as leaseApi from './lease-api';
import * as v3 from './v3-server';
import type { Callback, RequestContext } from './v3-server';
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
import { ReadIndexLoop } from './read-index';
import { RaftSnapshots } from './snapshot';
import type { SnapshotHost } from './snapshot';
import type { PeerPacket } from './transport/transport';
import { Transport } from './transport/transport';
import { Wait, WaitTime } from './wait';

export type ServerStatus = 'stopped' | 'joining' | 'running' | 'crashed' | 'removed' | 'failed';

export interface EtcdServerOptions {
  kernel: Kernel;
  net: Network;
  /** The member's disk (storage/disk.ts), opened on its backend. */
  disk: Disk;
  config: ServerConfig;
  /** Receives the facts the Raft invariant checker reads (check/raft/observation.ts). */
  observe?: (o: RaftObservation) => void;
  /**
   * Told of every lifecycle change, including the ones the server makes itself (removed
   * from the cluster, a fatal disk error): the host starts and stops the member's gRPC
   * server with it.
   */
  onStatusChange?: (status: ServerStatus) => void;
  walOptions?: WALOptions;
  /**
   * Deliberate bugs for the fault search's bug re-injection (check/fuzz/inject.ts), handed
   * to raft, the RaftNode and mvcc, which read it once; undefined in real use.
   */
  injected?: ReadonlySet<string>;
}

/** What the page shows of a member (read-only copies). */
export interface ServerView {
  name: string;
  id: string;
  status: ServerStatus;
  role: string;
  term: number;
  lead: string;
  commitIndex: number;
  appliedIndex: number;
  consistentIndex: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  /** The newest log entries in memory (index, term, type, what). */
  log: { index: number; term: number; type: string; what: string }[];
  /** Leader only: each follower's replication progress. */
  progress: { id: string; match: number; next: number; state: string; recentActive: boolean; learner: boolean }[];
  revision: number;
  compactRevision: number;
  keys: number;
  members: Member[];
}

const emptyBytes = new Uint8Array(0);

export class EtcdServer {
  readonly name: string;
  readonly kernel: Kernel;
  readonly config: ServerConfig;
  status: ServerStatus = 'stopped';
  /** Member and cluster ID, known once bootstrapped. */
  id = 0;
  clusterId = 0;
  mode: BootstrapMode | undefined;
  private setStatus(status: ServerStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatusChange?.(status);
  }

  /** Why the member failed, when status is 'failed'. */
  failure: Error | undefined;

  // --- state of the current run (rebuilt by start) ---
  node!: RaftNode;
  kv!: WatchableStore;
  lessor!: Lessor;
  auth!: AuthStore;
  alarms!: AlarmStore;
  cluster!: RaftCluster;
  readonly wait = new Wait<ApplyResult>();
  /** Run when the server stops (not when it crashes): requests waiting past the Wait answer ErrStopped. */
  private stopping: (() => void)[] = [];
  readonly applyWait = new WaitTime();
  reqIdGen!: IDGenerator;
  readIndexLoop!: ReadIndexLoop;
  appliedIndex = 0;
  appliedTerm = 0;
  consistentIndex = 0;
  committedIndex = 0;
  /** Bytes in the backend, for the quota (a running estimate; bolt never shrinks without defrag). */
  dbSize = 0;
  private confState: ConfState = emptyConfState();
  /** Consistent index of the last backend commit. */
  private committedConsistentIndex = 0;
  private applyQueue: ApplyJob[] = [];
  /** The Ready whose entries the apply loop is working on. */
  private applying: ApplyJob | undefined;
  /** Raft snapshots and log compaction of the current run (snapshot.ts). */
  private snapshots: RaftSnapshots | undefined;
  private timers: Timer[] = [];
  private epoch = 0;
  /** Set while a graceful stop hands off leadership: who waits for the process to exit. */
  private stopWaiters: (() => void)[] | undefined;
  /** Proposals waiting for a leader (etcd's node blocks Propose while none is known). */
  private blockedProposals: { propose: () => Error | undefined; onLeader: (err: Error | undefined) => void }[] = [];
  private readonly observe: ((o: RaftObservation) => void) | undefined;
  /** The checker was told of a crash or stop and awaits a restart. */
  private crashObserved = false;

  constructor(readonly options: EtcdServerOptions) {
    this.kernel = options.kernel;
    this.config = options.config;
    this.name = options.config.name;
    this.observe = options.observe;
    validateServerConfig(options.config);
  }

  get disk(): Disk {
    return this.options.disk;
  }

  get isRunning(): boolean {
    return this.status === 'running';
  }

  get reqTimeoutMs(): number {
    return reqTimeoutMs(this.config);
  }

  get electionTimeoutMs(): number {
    return electionTicks(this.config) * this.config.tickMs;
  }

  /** Leader ID this member knows (0 = none). */
  get lead(): number {
    return this.isRunning ? this.node.lead : None;
  }

  get isLeader(): boolean {
    return this.isRunning && this.node.isLeader;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts (or restarts) the member from its disk. A join first asks a peer for the
   * membership. `forceNewCluster` is etcd's --force-new-cluster for this start only (the
   * flag is given to one process run); without a WAL it has no effect, as in etcd.
   */
  start(opts: { forceNewCluster?: boolean } = {}): void {
    if (this.status === 'running' || this.status === 'joining') return;
    this.epoch++;
    this.failure = undefined;
    const cfg = opts.forceNewCluster === true ? { ...this.config, forceNewCluster: true } : this.config;
    try {
      if (hasWAL(this.disk)) {
        this.boot(bootstrapFromWAL(this.disk, cfg, this.options.walOptions ?? {}));
      } else if (cfg.initialClusterState === 'new') {
        this.boot(bootstrapNew(this.disk, cfg, this.options.walOptions ?? {}));
      } else {
        this.fetchClusterAndJoin();
      }
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** The process dies: volatile state is gone, the disk keeps what was fsynced. */
  crash(): void {
    if (this.status === 'crashed' || this.status === 'stopped') return;
    const running = this.status === 'running';
    if (this.status === 'joining') this.options.net.unlisten(urlAddress(this.config.peerURL));
    this.teardown(false);
    this.disk.crash();
    this.setStatus('crashed');
    this.kernel.trace.emit(this.name, 'server.stop', { id: formatMemberId(this.id), crash: true }, { reason: 'member crashed' });
    if (running) this.observeCrash();
  }

  /**
   * Graceful stop (etcd Stop, §10.1): a leader with other voters first hands leadership to
   * the longest-connected one (bounded by ReqTimeout), then the member stops; `done` runs
   * once it has.
   */
  stop(done?: () => void): void {
    if (this.stopWaiters !== undefined) {
      // A second stop joins the one under way.
      if (done !== undefined) this.stopWaiters.push(done);
      return;
    }
    const target = this.isLeader ? this.longestConnectedVoter() : undefined;
    if (target === undefined) {
      this.hardStop();
      done?.();
      return;
    }
    const epoch = this.epoch;
    this.stopWaiters = done === undefined ? [] : [done];
    v3.moveLeader(this, target, { deadline: this.kernel.now + this.reqTimeoutMs }, () => {
      const waiters = this.stopWaiters ?? [];
      this.stopWaiters = undefined;
      // A crash during the transfer already ended this process; a later start is another one.
      if (this.epoch === epoch) this.hardStop();
      for (const w of waiters) w();
    });
  }

  /** Runs `fn` when this server stops (not if it crashes); returns the undo. */
  onStopping(fn: () => void): () => void {
    this.stopping.push(fn);
    return () => {
      this.stopping = this.stopping.filter((f) => f !== fn);
    };
  }

  /** A graceful stop is under way: the process has not exited yet (it is handing off leadership). */
  get isStopping(): boolean {
    return this.stopWaiters !== undefined;
  }

  /** Runs `fn` once the graceful stop under way has ended (at once when there is none). */
  afterStop(fn: () => void): void {
    if (this.stopWaiters === undefined) fn();
    else this.stopWaiters.push(fn);
  }

  private longestConnectedVoter(): number | undefined {
    let best: number | undefined;
    let since = Infinity;
    for (const m of this.cluster.voters()) {
      const t = m.id === this.id ? undefined : this.node.transport.activeSince(m.id);
      if (t !== undefined && t < since) {
        since = t;
        best = m.id;
      }
    }
    return best;
  }

  /** Clean shutdown: the backend is committed and the WAL closed, then the process exits. */
  hardStop(): void {
    if (this.status !== 'running') {
      if (this.status === 'joining') {
        this.options.net.unlisten(urlAddress(this.config.peerURL));
        this.teardown(true);
      }
      this.setStatus('stopped');
      return;
    }
    this.commitBackend('clean stop');
    this.node.storage.close();
    this.teardown(true);
    this.setStatus('stopped');
    this.kernel.trace.emit(this.name, 'server.stop', { id: formatMemberId(this.id), crash: false }, { reason: 'stopped by request' });
    // For Raft the process is gone as after a crash: volatile state is lost, the disk stays.
    this.observeCrash();
  }

  /**
   * Ends this process's work. A server that stops (by request, or removed from the cluster)
   * first answers what waits on it with ErrStopped (etcd: close(s.stopping)); a process that
   * dies answers nothing.
   */
  private teardown(answer: boolean): void {
    const stopping = this.stopping;
    this.stopping = [];
    if (answer) {
      this.wait.stop({ err: serverError('ErrStopped') });
      for (const fn of stopping) fn();
    }
    this.epoch++;
    for (const t of this.timers) this.kernel.cancel(t);
    this.timers = [];
    if (this.node !== undefined) {
      this.node.stop();
      this.node.transport.stop();
    }
    this.readIndexLoop?.stop();
    this.wait.clear();
    this.applyWait.clear();
    this.blockedProposals = [];
    this.applyQueue = [];
    this.applying = undefined;
    this.snapshots?.stop();
  }

  /** A fatal error (etcd: the process exits): like a crash, with the cause kept. */
  fatal(err: Error): void {
    this.teardown(false);
    this.fail(err);
  }

  private fail(err: Error): void {
    this.setStatus('failed');
    this.failure = err;
    this.kernel.trace.emit(this.name, 'server.stop', { id: formatMemberId(this.id), crash: true }, { reason: `fatal: ${err.message}` });
  }

  private fetchClusterAndJoin(): void {
    this.setStatus('joining');
    const epoch = this.epoch;
    const selfAddr = urlAddress(this.config.peerURL);
    const peers = this.config.initialCluster.filter((m) => m.peerURL !== this.config.peerURL);
    let attempt = 0;
    this.options.net.listen(selfAddr, (p) => {
      const payload = p.payload as PeerPacket;
      if (epoch !== this.epoch || payload.kind !== 'members-resp') return;
      // A peer that has not applied the MemberAdd yet: ask again.
      if (!payload.cluster.members.some((m) => m.peerURLs.includes(this.config.peerURL))) return;
      this.options.net.unlisten(selfAddr);
      try {
        this.boot(bootstrapJoin(this.disk, this.config, payload.cluster, this.options.walOptions ?? {}));
      } catch (err) {
        this.fail(err as Error);
      }
    });
    // etcd GetClusterFromRemotePeers: ask each initial peer in turn until one answers.
    const ask = () => {
      if (epoch !== this.epoch || this.status !== 'joining') return;
      const peer = peers[attempt++ % Math.max(1, peers.length)];
      if (peer !== undefined) {
        this.options.net.send<PeerPacket>(selfAddr, urlAddress(peer.peerURL), 'GET /members', { kind: 'members-req' }, 64);
      }
      this.timers.push(this.kernel.schedule(1000, ask, `${this.name} join retry`));
    };
    ask();
  }

  private boot(b: Bootstrapped): void {
    const cfg = this.config;
    const kernel = this.kernel;
    this.id = b.id;
    this.clusterId = b.clusterId;
    this.mode = b.mode;
    this.cluster = b.cluster;
    this.reqIdGen = new IDGenerator(b.id, kernel.now);
    this.createStateMachine();
    this.consistentIndex = 0;
    this.committedConsistentIndex = 0;
    this.dbSize = 0;
    if (b.backend !== undefined) {
      const state = decodeBackendState(b.backend.state);
      this.restoreStateMachine(state);
      this.consistentIndex = b.backend.consistentIndex;
      this.committedConsistentIndex = this.consistentIndex;
      this.dbSize = b.backend.state.length;
    }
    const snap = b.memStorage.snapshot();
    this.appliedIndex = snap.metadata.index;
    this.appliedTerm = snap.metadata.term;
    this.confState = snap.metadata.confState;
    this.committedIndex = b.memStorage.initialState().hardState.commit;

    const logger = new RecordLogger(kernel.trace.enabled('debug') ? LogLevel.Debug : kernel.trace.enabled('info') ? LogLevel.Info : LogLevel.None, (rec) => {
      // A role change names the election timeout it drew: the page's election arc counts it down.
      const timeout = rec.fields.randomizedElectionTimeout;
      kernel.trace.emit(
        this.name,
        'raft.log',
        { member: this.name, level: logLevelNames[rec.level], text: rec.text, ...(typeof timeout === 'number' ? { randomizedElectionTimeout: timeout } : {}) },
        undefined,
        rec.level === LogLevel.Debug ? 'debug' : 'info',
      );
    });
    const rng = kernel.random(`${this.name}/raft`);
    const rawNode = new RawNode({
      id: b.id,
      electionTick: electionTicks(cfg),
      heartbeatTick: 1,
      storage: b.memStorage,
      maxSizePerMsg,
      maxInflightMsgs,
      // Injected bug raft-lease-read-without-check-quorum: lease reads, check-quorum off.
      ...(this.options.injected?.has('raft-lease-read-without-check-quorum') === true
        ? { checkQuorum: false, readOnlyOption: ReadOnlyOption.ReadOnlyLeaseBased }
        : { checkQuorum: true }),
      injected: this.options.injected,
      preVote: cfg.preVote,
      logger,
      randInt: (n) => rng.int(0, n - 1),
    });
    if (b.bootstrapPeers !== undefined) {
      const err = rawNode.bootstrap(b.bootstrapPeers);
      if (err !== undefined) throw err;
    }
    const selfAddr = urlAddress(cfg.peerURL);
    const transport = new Transport(kernel, this.options.net, b.id, selfAddr, this.name, {
      process: (m) => this.node.step(m),
      processSnapshot: (m, db, done) => this.snapshots?.receive(m, db, done),
      reportUnreachable: (id) => {
        this.node.rawNode.reportUnreachable(id);
        if (kernel.trace.enabled('debug')) {
          kernel.trace.emit(this.name, 'server.unreachable', { peer: formatMemberId(id) }, { reason: 'message could not reach the peer' }, 'debug');
        }
      },
      reportSnapshot: (id, ok) => this.snapshots?.report(id, ok),
      isRemoved: (id) => this.cluster.isRemoved(id),
      membership: () => this.cluster.snapshot(),
      onRemoved: () => this.stopRemoved(),
      onPeerRequest: (op, body, reply) =>
        op === '/members/promote' ? clusterApi.servePeerPromote(this, body, reply) : leaseApi.servePeerLeaseRequest(this, op, body, reply),
    });
    for (const m of b.peers) transport.addPeer(m.id, m.peerURLs);
    this.node = new RaftNode(kernel, this.name, rawNode, b.memStorage, b.storage, transport, cfg.tickMs, this.nodeHost());
    this.snapshots = new RaftSnapshots(this.snapshotHost(), snap.metadata.index);
    this.node.bugSendBeforePersist = this.options.injected?.has('raft-vote-before-persist') === true;
    this.readIndexLoop = new ReadIndexLoop(
      kernel,
      this.name,
      {
        nextRequestId: () => this.reqIdGen.next(),
        readIndex: (ctx) => {
          this.node.rawNode.readIndex(ctx);
          this.node.kick();
        },
        waitApplied: (index, fn) => this.applyWait.wait(index, fn),
      },
      this.reqTimeoutMs,
    );

    this.setStatus('running');
    transport.start();
    const hs = b.memStorage.initialState().hardState;
    this.kernel.trace.emit(
      this.name,
      'server.start',
      { id: formatMemberId(b.id), mode: b.mode, applied: this.appliedIndex, commit: hs.commit, term: hs.term },
      { reason: bootReason(b) + (this.crashObserved && b.mode === 'new' ? ' (the WAL created before the crash was not durable yet)' : '') },
    );
    if (b.mode === 'restart' || b.mode === 'force-new-cluster') this.observeRecovered(b);
    // Down before its WAL was durable (a crash at t=0): for the checker a restart from empty storage.
    else if (this.crashObserved) this.observe?.({ kind: 'restart', member: b.id, t: kernel.now, applied: 0 });
    this.crashObserved = false;
    this.node.start();
    this.adjustTicks(b.peers.length);
    this.startLoops();
    this.publish();
  }

  /** The checker hears the process is gone; the next boot, whatever its mode, is its restart. */
  private observeCrash(): void {
    if (this.observe === undefined) return;
    this.crashObserved = true;
    this.observe({ kind: 'crash', member: this.id, t: this.kernel.now });
  }

  /**
   * What the restart found on disk. A crash may keep a torn prefix of unsynced writes
   * (whole WAL records among them), so the recovered log and HardState can be newer than
   * the last fsync the checker heard of.
   */
  private observeRecovered(b: Bootstrapped): void {
    const observe = this.observe;
    if (observe === undefined) return;
    const t = this.kernel.now;
    const forced = b.forced;
    observe({ kind: 'restart', member: b.id, t, applied: this.appliedIndex, ...(forced !== undefined ? { forceNewCluster: true } : {}) });
    const ms = b.memStorage;
    const first = ms.firstIndex();
    const last = ms.lastIndex();
    if (last >= first) {
      const entries = ms.entries(first, last + 1, Infinity).map((e) => ({ index: e.index, term: e.term, digest: entryDigest(e) }));
      observe({ kind: 'entries', member: b.id, t, entries });
    }
    const { hardState, confState: cs } = ms.initialState();
    const hs = forced?.durable ?? hardState;
    observe({ kind: 'hard-state', member: b.id, t, term: hs.term, vote: hs.vote, commit: hs.commit });
    // Raft restarts with the snapshot's configuration; later conf changes are re-applied.
    if (cs.voters.length > 0) observe({ kind: 'config', member: b.id, t, voters: cs.voters, outgoing: cs.votersOutgoing });
    // The standalone restart commits its appended conf changes in memory only.
    if (forced !== undefined && hardState.commit > hs.commit) observe({ kind: 'commit', member: b.id, t, commit: hardState.commit });
  }

  private createStateMachine(): void {
    const cfg = this.config;
    const kernel = this.kernel;
    const name = this.name;
    const traceOn = kernel.trace.enabled('info');
    this.lessor = new Lessor({
      now: () => kernel.now,
      minLeaseTTL: minLeaseTTL(electionTicks(cfg), cfg.tickMs),
      rangeDeleter: () => {
        const txn = this.kv.write();
        return { deleteRange: (key, end) => void txn.deleteRange(key, end), end: () => txn.end() };
      },
      expiredLeasesRetryIntervalMs: this.reqTimeoutMs,
      onEvent: traceOn
        ? ({ kind, cause, ...rest }) => kernel.trace.emit(name, 'server.lease', { event: kind, ...rest }, { reason: cause })
        : undefined,
    });
    this.kv = new WatchableStore({
      injected: this.options.injected,
      leases: {
        attach: (id, key) => this.lessor.attach(id, [key]),
        detach: (id, key) => {
          if (this.lessor.lookup(id) !== undefined) this.lessor.detach(id, [key]);
        },
      },
      // Writes, compactions and watcher lifetimes feed the page's key-value view (info);
      // each watch response and group move is detail (debug).
      onEvent: traceOn
        ? (e) => {
            const { cause, ...rest } = e as MvccEvent & { cause?: string };
            const level = e.type === 'watch.sent' || e.type === 'watch.moved' ? 'debug' : 'info';
            kernel.trace.emit(name, 'server.mvcc', rest as TraceKinds['server.mvcc'], cause === undefined ? undefined : { reason: cause }, level);
          }
        : undefined,
    });
    this.alarms = new AlarmStore();
    const rng = kernel.random(`${name}/auth`);
    this.auth = new AuthStore({
      now: () => kernel.now,
      random: () => rng.float(),
      appliedIndex: () => this.appliedIndex,
      onEvent: traceOn
        ? ({ kind, cause, ...rest }) => kernel.trace.emit(name, 'server.auth', { event: kind, ...rest }, { reason: cause })
        : undefined,
    });
  }

  /** Lessor first, then MVCC, so keys re-attach to their leases (§3.4 applySnapshot). */
  private restoreStateMachine(state: BackendState): void {
    this.lessor.restore(state.lease);
    this.kv.restore(state.kv);
    this.auth.restore(state.auth);
    this.alarms.restore(state.alarms);
  }

  private readonly applyHooks = {
    setMemberAttributes: (m: number, n: string, c: string[]) => this.cluster.setAttributes(m, n, c),
    consistentIndex: () => this.consistentIndex,
  };

  get stateMachine(): StateMachine {
    return { kv: this.kv, lessor: this.lessor, auth: this.auth, alarms: this.alarms };
  }

  /** adjustTicks (§3.8): a single member advances to just before its election timeout. */
  private adjustTicks(members: number): void {
    const et = electionTicks(this.config);
    // etcd logs each fast-forward; the page's election arc starts that many ticks down.
    const advance = (ticks: number, active: number, why: string) => {
      this.kernel.trace.emit(this.name, 'server.ticks.advance', { ticks, electionTicks: et, activeRemoteMembers: active }, { reason: `${why}; fast-forwarding election ticks` });
      this.node.advanceTicks(ticks);
    };
    if (members <= 1) {
      advance(et - 1, 0, 'started as single-node');
      return;
    }
    if (!this.config.initialElectionTickAdvance) return;
    const epoch = this.epoch;
    let waited = 0;
    const poll = () => {
      if (epoch !== this.epoch) return;
      let active = 0;
      for (const m of this.cluster.list()) if (m.id !== this.id && this.node.transport.activeSince(m.id) !== undefined) active++;
      if (active >= 1) {
        advance(et - 2, active, 'initialized peer connections');
        return;
      }
      waited += 50;
      if (waited < 5000) this.timers.push(this.kernel.schedule(50, poll, `${this.name} adjust ticks`));
    };
    this.timers.push(this.kernel.schedule(50, poll, `${this.name} adjust ticks`));
  }

  /** Periodic loops: lessor (500 ms), watch sync (100 ms), token sweep (1 s). */
  private startLoops(): void {
    const epoch = this.epoch;
    const every = (ms: number, label: string, fn: () => void) => {
      const run = () => {
        if (epoch !== this.epoch) return;
        fn();
        this.timers.push(this.kernel.schedule(ms, run, label));
      };
      this.timers.push(this.kernel.schedule(ms, run, label));
    };
    every(LESSOR_LOOP_INTERVAL_MS, `${this.name} lessor`, () => this.revokeExpiredLeases(this.lessor.runLoopOnce()));
    every(100, `${this.name} watch sync`, () => {
      if (this.kv.unsyncedCount > 0) this.kv.syncWatchers();
      if (this.kv.hasVictims()) this.kv.syncVictims();
    });
    every(1000, `${this.name} token sweep`, () => this.auth.sweepTokens());
    const batch = this.config.backendBatchIntervalMs;
    if (batch > 0) {
      every(batch, `${this.name} backend commit`, () => {
        if (this.consistentIndex !== this.committedConsistentIndex) this.commitBackend('batch interval');
      });
    }
  }

  /** Expired leases: the leader proposes a LeaseRevoke for each (§8.4). */
  private revokeExpiredLeases(ids: number[]): void {
    for (const id of ids) {
      const leader = this.isLeader;
      this.kernel.trace.emit(
        this.name,
        'server.lease.revoke',
        { id: id.toString(16), outcome: leader ? 'proposed' : 'skipped' },
        { reason: leader ? 'lease expired on the primary lessor' : 'no longer leader: the new leader will revoke' },
      );
      // etcd revokes with an internal root token (WithRoot), so auth never blocks expiry.
      if (leader) v3.processInternalRaftRequest(this, { header: { id: 0 }, leaseRevoke: { id } }, { token: this.auth.withRoot() }, () => {});
    }
  }

  /** publishV3 (§3.8): the member announces its name and client URLs through raft. */
  private publish(): void {
    const epoch = this.epoch;
    const attempt = () => {
      if (epoch !== this.epoch) return;
      const m = this.cluster.member(this.id);
      if (m !== undefined && m.name === this.name && m.clientURLs.includes(this.config.clientURL)) return;
      this.propose(
        {
          header: { id: 0 },
          clusterMemberAttrSet: { memberId: this.id, name: this.name, clientURLs: [this.config.clientURL] },
        },
        (err) => {
          if (err !== undefined && epoch === this.epoch) this.timers.push(this.kernel.schedule(0, attempt, `${this.name} publish`));
        },
      );
    };
    attempt();
  }

  // ---------------------------------------------------------------- raft node host

  private nodeHost(): RaftNodeHost {
    return {
      onSoftState: (ss, newLeader) => this.onSoftState(ss, newLeader),
      onReadState: (rs: ReadState) => this.readIndexLoop.onReadState(rs),
      scheduleApply: (job) => this.scheduleApply(job),
      onMsgSnap: (m) => {
        // Raft wants a snapshot sent: the apply loop merges it with the db (§3.7).
        this.snapshots?.queue(m);
        this.kickApply();
      },
      isRemoved: (id) => this.cluster.isRemoved(id),
      fatal: (err) => this.fatal(err),
      observe: this.observe,
    };
  }

  private onSoftState(ss: SoftState, newLeader: boolean): void {
    const prevLead = this.lastLead;
    this.lastLead = ss.lead;
    if (!this.node.isLeader) this.lessor.demote();
    if (newLeader) this.readIndexLoop.onLeaderChanged();
    this.kernel.trace.emit(
      this.name,
      'server.role',
      { role: this.node.role, term: this.node.rawNode.raft.term, lead: formatMemberId(ss.lead), prevLead: formatMemberId(prevLead) },
      { reason: newLeader ? 'a new leader is known' : ss.lead === None ? 'no leader known' : 'raft state changed' },
    );
    if (ss.lead !== None) this.releaseBlockedProposals();
  }

  private lastLead = None;

  // ---------------------------------------------------------------- proposals

  /**
   * Hands data to raft. While no leader is known the proposal waits (etcd's node does not
   * read its propose channel then); `onProposed` gets raft's answer once proposed.
   */
  proposeData(propose: () => Error | undefined, onProposed: (err: Error | undefined) => void): { cancel: () => void } {
    if (this.node.lead === None) {
      const entry = { propose, onLeader: onProposed };
      this.blockedProposals.push(entry);
      return {
        cancel: () => {
          const i = this.blockedProposals.indexOf(entry);
          if (i >= 0) this.blockedProposals.splice(i, 1);
        },
      };
    }
    onProposed(propose());
    this.node.kick();
    return { cancel: () => {} };
  }

  private releaseBlockedProposals(): void {
    const blocked = this.blockedProposals;
    this.blockedProposals = [];
    for (const p of blocked) p.onLeader(p.propose());
    this.node.kick();
  }

  /** The server's own proposals (publish, lease revoke) with the request path's rules. */
  propose(r: InternalRaftRequest, done: Callback<unknown>): void {
    v3.processInternalRaftRequest(this, r, {}, done);
  }

  // ---------------------------------------------------------------- request API (v3-server.ts)

  range(req: RangeRequest, ctx: RequestContext, done: Callback<RangeResponse>): void {
    v3.range(this, req, ctx, done);
  }

  put(req: PutRequest, ctx: RequestContext, done: Callback<PutResponse>): void {
    v3.put(this, req, ctx, done);
  }

  deleteRange(req: DeleteRangeRequest, ctx: RequestContext, done: Callback<DeleteRangeResponse>): void {
    v3.deleteRange(this, req, ctx, done);
  }

  txn(req: TxnRequest, ctx: RequestContext, done: Callback<TxnResponse>): void {
    v3.txn(this, req, ctx, done);
  }

  compact(req: CompactionRequest, ctx: RequestContext, done: Callback<CompactionResponse>): void {
    v3.compact(this, req, ctx, done);
  }

  leaseGrant(req: { ttl: number; id?: number }, ctx: RequestContext, done: Callback<v3.LeaseGrantResponse>): void {
    v3.leaseGrant(this, req, ctx, done);
  }

  leaseRevoke(req: { id: number }, ctx: RequestContext, done: Callback<v3.LeaseRevokeResponse>): void {
    v3.leaseRevoke(this, req, ctx, done);
  }

  /** Alarm (§10.1) through raft. */
  alarm(req: AlarmRequest, ctx: RequestContext, done: Callback<{ header: ResponseHeader; alarms: AlarmMember[] }>): void {
    v3.alarm(this, req, ctx, done);
  }

  /** Proposes Alarm{ACTIVATE, NOSPACE, self} (result ignored), as the quota check does. */
  raiseNoSpaceAlarm(): void {
    if (this.alarms.has('NOSPACE')) return;
    this.propose({ header: { id: 0 }, alarm: { action: 'ACTIVATE', memberID: this.id, alarm: 'NOSPACE' } }, () => {});
  }

  /** MoveLeader (§10.1): on the leader, to a voting member; waits on the client's context. */
  moveLeader(target: number, ctx: RequestContext, done: Callback<void>): void {
    v3.moveLeader(this, target, ctx, done);
  }

  /** LeaseKeepAlive's renew: the TTL in seconds (forwarded to the leader from other members). */
  leaseRenew(id: number, ctx: RequestContext, done: Callback<number>): void {
    leaseApi.leaseRenew(this, id, ctx, done);
  }

  leaseTimeToLive(id: number, keys: boolean, ctx: RequestContext, done: Callback<leaseApi.TimeToLive>): void {
    leaseApi.leaseTimeToLive(this, id, keys, ctx, done);
  }

  /** LeaseLeases: the local lessor's leases. */
  leaseLeases(): number[] {
    return this.isRunning ? this.lessor.leases().map((l) => l.id) : [];
  }

  /** Authenticate (§9.5): a linearizable read, the password check, then the token through raft. */
  authenticate(name: string, password: string, ctx: RequestContext, done: Callback<{ header: ResponseHeader; token: string }>): void {
    v3.authenticate(this, name, password, ctx, done);
  }

  /** Auth RPCs by etcd's name without "Auth" prefix of the service: "UserAdd", "AuthEnable", ... */
  authRequest(op: string, args: Record<string, unknown>, ctx: RequestContext, done: Callback<unknown>): void {
    v3.authRequest(this, op, args, ctx, done);
  }

  // ---------------------------------------------------------------- membership API (cluster-api.ts)

  memberList(): Member[] {
    return this.isRunning ? this.cluster.list() : [];
  }

  memberAdd(req: { peerURLs: string[]; isLearner?: boolean }, ctx: RequestContext, done: Callback<clusterApi.MemberAddResponse>): void {
    clusterApi.memberAdd(this, req, ctx, done);
  }

  memberRemove(req: { id: number }, ctx: RequestContext, done: Callback<Member[]>): void {
    clusterApi.memberRemove(this, req, ctx, done);
  }

  memberUpdate(req: { id: number; peerURLs: string[] }, ctx: RequestContext, done: Callback<Member[]>): void {
    clusterApi.memberUpdate(this, req, ctx, done);
  }

  memberPromote(req: { id: number }, ctx: RequestContext, done: Callback<Member[]>): void {
    clusterApi.memberPromote(this, req, ctx, done);
  }

  // ---------------------------------------------------------------- apply

  private scheduleApply(job: ApplyJob): void {
    const ents = job.entries;
    let ci = this.committedIndex;
    if (ents.length > 0) ci = Math.max(ci, ents[ents.length - 1].index);
    if (job.snapshot !== undefined) ci = Math.max(ci, job.snapshot.metadata.index);
    this.committedIndex = ci;
    if (ents.length === 0 && job.snapshot === undefined) {
      job.applied.fire();
      return;
    }
    this.applyQueue.push(job);
    this.kickApply();
  }

  private kickApply(): void {
    if (this.applying !== undefined) return;
    const job = this.applyQueue.shift();
    if (job === undefined) {
      if (this.snapshots?.hasPending === true) this.snapshots.sendPending();
      return;
    }
    this.applying = job;
    const epoch = this.epoch;
    const next = () => {
      if (epoch !== this.epoch) return;
      job.applied.fire();
      this.applying = undefined;
      this.kickApply();
    };
    const afterApply = () => {
      this.applyWait.trigger(this.appliedIndex);
      // Snapshots and compaction need this Ready's disk writes done (etcd notifyc).
      job.persisted.wait(() => {
        if (epoch !== this.epoch) return;
        const snapshots = this.snapshots as RaftSnapshots;
        snapshots.snapshotIfNeededAndCompactRaftLog();
        if (snapshots.hasPending) snapshots.sendPending();
        next();
      });
    };
    const applyEntries = () => {
      const delay = this.config.applyDelayPerEntryMs;
      if (delay === 0) {
        this.applyEntries(job.entries);
        if (epoch === this.epoch) afterApply();
        return;
      }
      // A slow backend: one entry per `delay` ms, each acknowledged as it is applied.
      let i = 0;
      const step = () => {
        if (epoch !== this.epoch) return;
        if (i < job.entries.length) {
          this.applyEntries(job.entries.slice(i, ++i));
          this.applyWait.trigger(this.appliedIndex);
          this.kernel.schedule(delay, step, `${this.name} slow apply`);
          return;
        }
        afterApply();
      };
      step();
    };
    if (job.snapshot !== undefined) {
      const snap = job.snapshot;
      job.persisted.wait(() => {
        if (epoch !== this.epoch) return;
        this.applySnapshot(snap);
        applyEntries();
      });
    } else applyEntries();
  }

  /** A raft snapshot from the leader: its db replaces the backend (§3.4 step 1). */
  private applySnapshot(snap: Snapshot): void {
    const index = snap.metadata.index;
    if (index <= this.appliedIndex) {
      this.fatal(new Error(`etcdserver: snapshot index [${index}] should > applied index[${this.appliedIndex}] + 1`));
      return;
    }
    const dbPath = this.node.storage.snapshotter.dbFilePath(index);
    const db = this.disk.readFile(dbPath);
    this.disk.rename(dbPath, backendPath, `applying snapshot at index ${index}: its db becomes the backend`);
    const image = decodeBackend(db);
    const state = decodeBackendState(image.state);
    this.restoreStateMachine(state);
    this.cluster.restore(JSON.parse(new TextDecoder().decode(snap.data ?? emptyBytes)) as ClusterSnapshot);
    this.node.transport.resetPeers(this.cluster.list());
    this.consistentIndex = image.consistentIndex;
    this.dbSize = image.state.length;
    this.appliedIndex = index;
    this.appliedTerm = snap.metadata.term;
    this.snapshots?.restored(index);
    this.confState = snap.metadata.confState;
    this.kernel.trace.emit(
      this.name,
      'server.apply.snapshot',
      { index, term: snap.metadata.term, members: this.cluster.list().length },
      { reason: 'follower was too far behind: state replaced by the leader snapshot' },
    );
  }

  private applyEntries(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    if (first > this.appliedIndex + 1) {
      this.fatal(new Error(`etcdserver: first index of committed entry[${first}] should <= appliedi[${this.appliedIndex}] + 1`));
      return;
    }
    const epoch = this.epoch;
    let n = 0;
    for (const e of entries) {
      if (e.index <= this.appliedIndex) continue;
      this.applyEntry(e);
      if (epoch !== this.epoch) return;
      n++;
    }
    if (n > 0 && this.kernel.trace.enabled('info')) {
      this.kernel.trace.emit(
        this.name,
        'server.apply',
        { first: entries[0].index, last: this.appliedIndex, entries: n, applied: this.appliedIndex, consistentIndex: this.consistentIndex },
        { reason: 'committed entries applied in log order' },
      );
    }
  }

  private applyEntry(e: Entry): void {
    const shouldApplyV3 = e.index > this.consistentIndex;
    if (e.type === EntryType.EntryConfChange) this.applyConfChange(e, shouldApplyV3);
    else this.applyEntryNormal(e, shouldApplyV3);
    this.appliedIndex = e.index;
    this.appliedTerm = e.term;
    this.observe?.({ kind: 'apply', member: this.id, t: this.kernel.now, entry: { index: e.index, term: e.term, digest: entryDigest(e) } });
  }

  private applyEntryNormal(e: Entry, shouldApplyV3: boolean): void {
    // The consistent index moves to the entry once it is applied (§3.4 step 1).
    try {
      this.applyEntryData(e, shouldApplyV3);
    } finally {
      if (shouldApplyV3 && this.consistentIndex < e.index) this.consistentIndex = e.index;
    }
  }

  private applyEntryData(e: Entry, shouldApplyV3: boolean): void {
    if (e.data === undefined || e.data.length === 0) {
      // The new leader's empty entry: its term's first commit (§3.4, §8.5).
      this.readIndexLoop.onFirstCommitInTerm();
      if (this.node.isLeader) this.lessor.promote(this.electionTimeoutMs);
      return;
    }
    const r = unmarshalRequest(e.data);
    const id = r.header.id;
    const needResult = this.wait.isRegistered(id);
    // Membership-internal requests apply even below the consistent index (§3.4 step 5).
    if (!shouldApplyV3 && r.clusterMemberAttrSet === undefined) return;
    // The quota applier (§3.4): judged before, applied anyway, reported as ErrNoSpace.
    const cost = requestCost(r);
    const fits = quotaAvailable(this.config, this.dbSize, cost);
    let result = applyRequest(this.stateMachine, this.applyHooks, r);
    if (result.err === undefined && r.put !== undefined) this.dbSize += cost;
    if (result.err === undefined && !fits) result = { err: serverError('ErrNoSpace') };
    if (result.err !== undefined && isServerError(result.err, 'ErrNoSpace') && !this.alarms.has('NOSPACE')) this.raiseNoSpaceAlarm();
    if (needResult) this.wait.trigger(id, result);
    else if (result.err !== undefined && this.kernel.trace.enabled('debug')) {
      this.kernel.trace.emit(this.name, 'server.request.done', { reqId: id.toString(16), op: requestKind(r), error: result.err.message }, undefined, 'debug');
    }
  }

  private applyConfChange(e: Entry, shouldApplyV3: boolean): void {
    if (shouldApplyV3) this.consistentIndex = e.index;
    const cc = unmarshalConfChange(e.data);
    const ctx = decodeConfigChangeContext(cc.context);
    const err = this.cluster.validate(cc, ctx);
    const rawNode = this.node.rawNode;
    if (err !== undefined) {
      // etcd tells raft to apply a no-op change (node 0) and returns the error (§10.3).
      rawNode.applyConfChange({ ...cc, nodeID: None });
    } else {
      this.confState = rawNode.applyConfChange(cc);
      this.applyMembership(cc.type, cc.nodeID, ctx?.member, ctx?.isPromote ?? false);
    }
    this.kernel.trace.emit(
      this.name,
      'server.member',
      { op: ConfChangeType[cc.type], member: formatMemberId(cc.nodeID), ...(err ? { error: err.message } : {}) },
      { reason: err ? `conf change rejected: ${err.message}` : 'conf change applied' },
    );
    this.observe?.({ kind: 'config', member: this.id, t: this.kernel.now, voters: this.confState.voters, outgoing: this.confState.votersOutgoing });
    if (!this.wait.isRegistered(cc.id)) return;
    // The proposer answers once raft has advanced past this Ready too (3.6 confChangeResponse).
    const job = this.applying as ApplyJob;
    const resp: clusterApi.ConfChangeResponse = { members: this.cluster.list(), err, raftAdvanced: (fn) => job.advanced.wait(fn) };
    this.wait.trigger(cc.id, { resp });
  }

  private applyMembership(type: ConfChangeType, id: number, member: Member | undefined, isPromote: boolean): void {
    const transport = this.node.transport;
    switch (type) {
      case ConfChangeType.ConfChangeAddNode:
      case ConfChangeType.ConfChangeAddLearnerNode:
        if (isPromote) {
          this.cluster.promote(id);
          return;
        }
        if (member === undefined) return;
        this.cluster.add({ ...member, isLearner: type === ConfChangeType.ConfChangeAddLearnerNode });
        if (id !== this.id) transport.addPeer(id, member.peerURLs);
        return;
      case ConfChangeType.ConfChangeRemoveNode:
        this.cluster.remove(id);
        if (id !== this.id) {
          transport.removePeer(id);
          return;
        }
        // Removing self: the server stops after 1 s (server.go applyEntries).
        this.timers.push(this.kernel.schedule(removedSelfStopDelayMs, () => this.stopRemoved(), `${this.name} removed`));
        return;
      case ConfChangeType.ConfChangeUpdateNode:
        if (member === undefined) return;
        this.cluster.updatePeerURLs(id, member.peerURLs);
        if (id !== this.id) transport.updatePeer(id, member.peerURLs);
        return;
    }
  }

  private stopRemoved(): void {
    if (!this.isRunning) return;
    this.teardown(true);
    this.setStatus('removed');
    this.kernel.trace.emit(
      this.name,
      'server.stop',
      { id: formatMemberId(this.id), crash: false, removed: true },
      { reason: 'the member has been permanently removed from the cluster' },
    );
  }

  // ---------------------------------------------------------------- snapshots

  /** The membership as raft snapshot data (etcd: the v2 store JSON). */
  private clusterData(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.cluster.snapshot()));
  }

  private backendImageBytes(): Uint8Array {
    return encodeBackendState({
      kv: this.kv.snapshot(),
      lease: this.lessor.snapshot(),
      auth: this.auth.snapshot(),
      cluster: this.cluster.snapshot(),
      alarms: this.alarms.snapshot(),
    });
  }

  /** Force-commits the backend with the consistent index (bbolt commit). */
  private commitBackend(why: string): Uint8Array {
    this.committedConsistentIndex = this.consistentIndex;
    const state = this.backendImageBytes();
    const bytes = saveBackend(this.disk, { consistentIndex: this.consistentIndex, term: this.appliedTerm, confState: this.confState, state });
    this.dbSize = Math.max(this.dbSize, state.length);
    this.kernel.trace.emit(this.name, 'server.backend.commit', { consistentIndex: this.consistentIndex, bytes: bytes.length }, { reason: why });
    return bytes;
  }

  /** What the snapshot code (snapshot.ts) reads of this run. */
  private snapshotHost(): SnapshotHost {
    const epoch = this.epoch;
    return {
      name: this.name,
      kernel: this.kernel,
      config: this.config,
      node: this.node,
      applied: () => ({ index: this.appliedIndex, term: this.appliedTerm, confState: this.confState }),
      clusterData: () => this.clusterData(),
      commitBackend: (why) => void this.commitBackend(why),
      db: () => encodeBackend({ consistentIndex: this.consistentIndex, term: this.appliedTerm, confState: this.confState, state: this.backendImageBytes() }),
      schedule: (ms, fn, label) => {
        this.timers.push(this.kernel.schedule(ms, () => epoch === this.epoch && fn(), label));
      },
    };
  }

  // ---------------------------------------------------------------- views

  view(logWindow = 20): ServerView {
    const running = this.isRunning;
    const base: ServerView = {
      name: this.name,
      id: formatMemberId(this.id),
      status: this.status,
      role: running ? this.node.role : 'stopped',
      term: 0,
      lead: formatMemberId(0),
      commitIndex: this.committedIndex,
      appliedIndex: this.appliedIndex,
      consistentIndex: this.consistentIndex,
      firstIndex: 0,
      lastIndex: 0,
      snapshotIndex: 0,
      log: [],
      progress: [],
      revision: 0,
      compactRevision: 0,
      keys: 0,
      members: [],
    };
    if (!running) return base;
    const raft = this.node.rawNode.raft;
    const ms = this.node.memStorage;
    const last = raft.raftLog.lastIndex();
    const from = Math.max(raft.raftLog.firstIndex(), last - logWindow + 1);
    const log: ServerView['log'] = [];
    if (last >= from) {
      for (const e of raft.raftLog.slice(from, last + 1, Infinity)) {
        log.push({ index: e.index, term: e.term, type: EntryType[e.type], what: describeEntryData(e) });
      }
    }
    const progress: ServerView['progress'] = [];
    if (this.node.isLeader) {
      this.node.rawNode.withProgress((id, _t, pr) => {
        if (id === this.id) return;
        progress.push({ id: formatMemberId(id), match: pr.match, next: pr.next, state: String(pr.state), recentActive: pr.recentActive, learner: pr.isLearner });
      });
    }
    return {
      ...base,
      term: raft.term,
      lead: formatMemberId(raft.lead),
      commitIndex: raft.raftLog.committed,
      firstIndex: ms.firstIndex(),
      lastIndex: last,
      snapshotIndex: ms.snapshot().metadata.index,
      log,
      progress,
      revision: this.kv.currentRevision,
      compactRevision: this.kv.compactRevision,
      keys: this.kv.liveKeys,
      members: this.cluster.list(),
    };
  }
}

function describeEntryData(e: Entry): string {
  if (e.type === EntryType.EntryConfChange) {
    const cc = unmarshalConfChange(e.data);
    return `${ConfChangeType[cc.type]} ${formatMemberId(cc.nodeID)}`;
  }
  if (e.data === undefined || e.data.length === 0) return '(empty: new leader)';
  try {
    const r = unmarshalRequest(e.data);
    const key = r.put?.key ?? r.deleteRange?.key ?? '';
    return key === '' ? requestKind(r) : `${requestKind(r)} ${key}`;
  } catch {
    return '(unreadable)';
  }
}

function bootReason(b: Bootstrapped): string {
  switch (b.mode) {
    case 'new':
      return `no WAL: new cluster of ${b.peers.length} member(s)`;
    case 'join':
      return 'no WAL, initial-cluster-state=existing: joining with the ID given at MemberAdd';
    case 'restart':
      return `WAL found: restart from snapshot ${b.snapshot?.metadata.index ?? 0} and the WAL; entries above consistent index ${b.backend?.consistentIndex ?? 0} are re-applied`;
    case 'force-new-cluster': {
      const f = b.forced;
      const removed = f === undefined || f.removed.length === 0 ? 'none' : f.removed.map(formatMemberId).join(', ');
      return (
        `WAL found with --force-new-cluster: restart as a single-member cluster; ${f?.discarded ?? 0} uncommitted entries discarded, ` +
        `conf changes appended${f?.addedSelf === true ? ' adding itself and' : ''} removing members ${removed}`
      );
    }
  }
}

/** The network address of a peer (or client) URL: "http://m1:2380" -> "m1:2380". */
export const peerAddr = urlAddress;
