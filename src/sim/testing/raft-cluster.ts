// A Raft-only cluster on the simulated network: RawNodes with in-memory storage, ticked
// on virtual time, exchanging messages over the network, with the Raft invariant checker
// fed every persisted entry, hard state, commit and apply. It exercises Raft under
// faults without the etcd server around it, and drives the Raft benchmark.

import { Kernel } from '../kernel/kernel';
import { hashString32 } from '../kernel/hash';
import { Network, type Packet, type Route } from '../net/network';
import { NetworkSettingsSchema, type NetworkSettings } from '../net/faults';
import { RawNode } from '../raft/rawnode';
import { MemoryStorage } from '../raft/storage';
import { StateType } from '../raft/node';
import { EntryType, unmarshalConfChange, unmarshalConfChangeV2, type Entry, type Message } from '../raft/raftpb';
import { entsSize, msgTypeName } from '../raft/util';
import { RaftInvariantChecker } from '../check/raft/checker';
import type { ObservedEntry, RaftObservation, Role } from '../check/raft/observation';
import type { Violation } from '../check/raft/violation';

export interface RaftClusterOptions {
  seed: number;
  members: number;
  tickMs?: number;
  electionTick?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  network?: Partial<NetworkSettings>;
  traceLevel?: 'off' | 'info' | 'debug';
  /** Run the invariant checker on every observation (default true). */
  check?: boolean;
}

const ROLE: Record<StateType, Role> = {
  [StateType.StateFollower]: 'follower',
  [StateType.StatePreCandidate]: 'pre-candidate',
  [StateType.StateCandidate]: 'candidate',
  [StateType.StateLeader]: 'leader',
};

declare module '../trace/trace' {
  interface TraceKinds {
    'raft.violation': { invariant: string; member: number; message: string };
  }
}

class RaftMember {
  node!: RawNode;
  storage = new MemoryStorage();
  up = true;
  applied = 0;
  /** Terms of the entries applied, by index - 1: equal (index, term) is the same entry. */
  readonly appliedTerms: number[] = [];
  /** Normal entries with a payload applied (the leader's empty entries excluded). */
  appliedProposals = 0;
  private readyScheduled = false;
  private tickTimer: ReturnType<Kernel['schedule']> | undefined;
  private last = { term: -1, vote: -1, role: 'follower' as Role, commit: 0 };

  readonly addr: string;
  /** The stream to each peer, by id (looked up on first use). */
  private readonly routes: (Route | undefined)[] = [];

  constructor(
    readonly id: number,
    private readonly cluster: RaftCluster,
  ) {
    this.addr = `m${id}:2380`;
  }

  /** A send refused by the peer (it is down): tell Raft, as etcd's transport does. */
  readonly onRefused = (p: Packet): void => {
    if (this.up) this.node.reportUnreachable((p.payload as Message).to);
  };

  boot(peers: number[]): void {
    this.node = this.newNode(0);
    this.node.bootstrap(peers.map((id) => ({ id })));
    this.startTicking();
    this.scheduleReady();
  }

  crash(): void {
    this.up = false;
    if (this.tickTimer) this.cluster.kernel.cancel(this.tickTimer);
    this.cluster.net.unlisten(this.addr);
    this.cluster.observe({ kind: 'crash', member: this.id });
  }

  restart(): void {
    // Storage is what was durable; the state machine restarts from scratch (no backend).
    this.up = true;
    this.applied = this.storage.snapshot().metadata.index;
    this.appliedTerms.length = this.applied;
    this.appliedProposals = 0;
    this.node = this.newNode(this.applied);
    this.last = { term: -1, vote: -1, role: 'follower', commit: this.storage.initialState().hardState.commit };
    this.cluster.net.listen(this.addr, (p) => this.receive(p as Packet<Message>));
    this.cluster.observe({ kind: 'restart', member: this.id, applied: this.applied });
    this.startTicking();
    this.scheduleReady();
  }

  routeTo(to: RaftMember): Route {
    return (this.routes[to.id] ??= this.cluster.net.route(this.addr, to.addr));
  }

  propose(data: Uint8Array): void {
    if (!this.up) return;
    this.node.propose(data);
    this.scheduleReady();
  }

  isLeader(): boolean {
    return this.up && this.node.raft.state === StateType.StateLeader;
  }

  receive(p: Packet<Message>): void {
    if (!this.up) return;
    this.cluster.stepped++;
    this.node.step(p.payload);
    // The arrival is the last thing its event does. When nothing else is due in this
    // instant, the Ready event would fire next: handling it now gives the same run and
    // spares the event queue an event per message.
    if (!this.readyScheduled && !this.cluster.kernel.dueNow()) this.handleReady();
    else this.scheduleReady();
  }

  private newNode(applied: number): RawNode {
    const rng = this.cluster.kernel.random(`m${this.id}/raft`);
    const o = this.cluster.options;
    return new RawNode({
      id: this.id,
      electionTick: o.electionTick ?? 10,
      heartbeatTick: 1,
      storage: this.storage,
      applied,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 512,
      maxUncommittedEntriesSize: 1 << 30,
      checkQuorum: o.checkQuorum ?? true,
      preVote: o.preVote ?? true,
      randInt: (n) => rng.int(0, n - 1),
    });
  }

  private startTicking(): void {
    const tickMs = this.cluster.options.tickMs ?? 100;
    const tick = () => {
      this.node.tick();
      this.scheduleReady();
      this.tickTimer = this.cluster.kernel.schedule(tickMs, tick, 'tick');
    };
    this.tickTimer = this.cluster.kernel.schedule(tickMs, tick, 'tick');
  }

  /** Like etcd's raftNode loop: everything stepped in one instant goes into one Ready. */
  private scheduleReady(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    this.cluster.kernel.atWith(this.cluster.kernel.now, this.readyFn, this);
  }

  private readonly readyFn = (m: RaftMember): void => {
    m.readyScheduled = false;
    if (m.up) m.handleReady();
  };

  private handleReady(): void {
    const c = this.cluster;
    if (c.checking) this.observeState();
    if (!this.node.hasReady()) return;
    const rd = this.node.ready();
    if (rd.snapshot !== undefined && rd.snapshot.metadata.index > 0) {
      this.storage.applySnapshot(rd.snapshot);
      const cs = rd.snapshot.metadata.confState;
      c.observe({ kind: 'snapshot', member: this.id, index: rd.snapshot.metadata.index, term: rd.snapshot.metadata.term, voters: cs.voters, outgoing: cs.votersOutgoing });
    }
    if (rd.entries.length > 0) {
      this.storage.append(rd.entries);
      if (c.checking) c.observe({ kind: 'entries', member: this.id, entries: rd.entries.map(observed) });
    }
    const hs = rd.hardState;
    if (hs.term !== 0 || hs.vote !== 0 || hs.commit !== 0) {
      this.storage.setHardState(hs);
      if (c.checking) c.observe({ kind: 'hard-state', member: this.id, term: hs.term, vote: hs.vote, commit: hs.commit });
      if (hs.commit !== this.last.commit) {
        this.last.commit = hs.commit;
        if (c.checking) c.observe({ kind: 'commit', member: this.id, commit: hs.commit });
      }
    }
    for (const m of rd.messages) c.send(this, m);
    for (const e of rd.committedEntries) this.apply(e);
    this.node.advance(rd);
    if (c.checking) this.observeState();
    if (this.node.hasReady()) this.scheduleReady();
  }

  private apply(e: Entry): void {
    // Only the bootstrap's AddNode entries occur here (the cluster never changes members).
    if (e.type === EntryType.EntryConfChange) this.node.applyConfChange(unmarshalConfChange(e.data));
    else if (e.type === EntryType.EntryConfChangeV2) this.node.applyConfChange(unmarshalConfChangeV2(e.data));
    this.applied = e.index;
    this.appliedTerms[e.index - 1] = e.term;
    if (e.type === EntryType.EntryNormal && e.data !== undefined && e.data.length > 0) this.appliedProposals++;
    if (this.cluster.checking) this.cluster.observe({ kind: 'apply', member: this.id, entry: observed(e) });
  }

  private observeState(): void {
    const r = this.node.raft;
    const role = ROLE[r.state];
    if (r.term !== this.last.term || r.vote !== this.last.vote || role !== this.last.role) {
      this.last.term = r.term;
      this.last.vote = r.vote;
      this.last.role = role;
      this.cluster.observe({ kind: 'state', member: this.id, term: r.term, vote: r.vote, role });
    }
  }
}

function digest(e: Entry): string {
  if (e.data === undefined) return `${e.type}:nil`;
  let s = '';
  for (let i = 0; i < e.data.length; i++) s += String.fromCharCode(e.data[i]);
  return `${e.type}:${hashString32(s).toString(16)}`;
}

function observed(e: Entry): ObservedEntry {
  return { index: e.index, term: e.term, digest: digest(e) };
}

export class RaftCluster {
  readonly kernel: Kernel;
  readonly net: Network;
  readonly members: RaftMember[];
  readonly violations: Violation[] = [];
  /** Messages stepped into members (the benchmark's figure). */
  stepped = 0;
  private readonly checker: RaftInvariantChecker | undefined;
  /** Whether observations are built at all (they cost; the benchmark turns them off). */
  readonly checking: boolean;
  /** The entry list last sent and its encoded size (entries are never mutated). */
  private sizedEntries: readonly Entry[] = [];
  private entriesSize = 0;

  constructor(readonly options: RaftClusterOptions) {
    this.kernel = new Kernel(options.seed, options.traceLevel ?? 'info');
    this.net = new Network(this.kernel, NetworkSettingsSchema.parse(options.network ?? {}));
    this.checker = options.check === false ? undefined : new RaftInvariantChecker();
    this.checking = this.checker !== undefined;
    const ids = Array.from({ length: options.members }, (_, i) => i + 1);
    this.members = ids.map((id) => new RaftMember(id, this));
    for (const m of this.members) this.net.listen(m.addr, (p) => m.receive(p as Packet<Message>));
    for (const m of this.members) {
      this.observe({ kind: 'config', member: m.id, voters: ids, outgoing: [] });
      m.boot(ids);
    }
  }

  member(id: number): RaftMember {
    return this.members[id - 1];
  }

  leader(): RaftMember | undefined {
    return this.members.find((m) => m.isLeader());
  }

  send(from: RaftMember, m: Message): void {
    const to = this.member(m.to);
    // A broadcast's messages share one entry list: size it once.
    if (m.entries !== this.sizedEntries) {
      this.sizedEntries = m.entries;
      this.entriesSize = entsSize(m.entries);
    }
    this.net.sendOn(from.routeTo(to), msgTypeName(m.type), m, 32 + this.entriesSize, from.onRefused);
  }

  observe(obs: RaftObservation): void {
    if (this.checker === undefined) return;
    const withTime = { ...obs, t: this.kernel.now };
    for (const v of this.checker.observe(withTime)) {
      this.violations.push(v);
      this.kernel.trace.emit(`m${v.member}`, 'raft.violation', { invariant: v.invariant, member: v.member, message: v.message });
    }
  }

  /** Proposes `data` on the current leader, if any. Returns whether one took it. */
  propose(data: Uint8Array): boolean {
    const leader = this.leader();
    leader?.propose(data);
    return leader !== undefined;
  }
}
