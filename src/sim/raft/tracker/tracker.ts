// The leader's membership configuration and per-peer Progress, plus vote tallying
// (tracker/tracker.go, spec §8.1, §3.8, §5.8).
import type { ConfState } from '../raftpb';
import type { AckedIndexer } from '../quorum/quorum';
import { VoteResult } from '../quorum/quorum';
import { JointConfig } from '../quorum/joint';
import { MajorityConfig } from '../quorum/majority';
import type { Progress } from './progress';

/** The active configuration. `learners`/`learnersNext` are undefined when empty (Go nil). */
export class TrackerConfig {
  constructor(
    public voters: JointConfig = new JointConfig(),
    /** Leave the joint config automatically once it is applied (§8.6). */
    public autoLeave = false,
    public learners: Set<number> | undefined = undefined,
    /** Voters being demoted: learners once the joint config is left. */
    public learnersNext: Set<number> | undefined = undefined,
  ) {}

  clone(): TrackerConfig {
    return new TrackerConfig(
      this.voters.clone(),
      this.autoLeave,
      this.learners && new Set(this.learners),
      this.learnersNext && new Set(this.learnersNext),
    );
  }

  /** `voters=(1 2 3)&&(1) learners=(4) learners_next=(5) autoleave`. */
  toString(): string {
    let s = `voters=${this.voters.toString()}`;
    if (this.learners !== undefined) s += ` learners=${new MajorityConfig(this.learners).toString()}`;
    if (this.learnersNext !== undefined) s += ` learners_next=${new MajorityConfig(this.learnersNext).toString()}`;
    if (this.autoLeave) s += ' autoleave';
    return s;
  }
}

/** Ids below this are also indexed directly (the Raft-only cluster and etcd's Raft tests number
 * members from 1; a server's member ids are hashes and stay in the map alone). */
const SMALL_IDS = 1024;

/** id -> Progress, with a cached ascending id order for deterministic broadcasts. */
export class ProgressMap implements AckedIndexer {
  private readonly map = new Map<number, Progress>();
  /** The Progress of ids below SMALL_IDS by index too: an array read is cheaper than a hash lookup. */
  private readonly small: (Progress | undefined)[] = [];
  private sorted: number[] | undefined;
  private sortedProgress: Progress[] = [];
  // The last id looked up and its Progress: a response is looked up several times in a row
  // (RawNode.step, stepLeader, the append that follows).
  private lastId = -1;
  private lastProgress: Progress | undefined;

  get(id: number): Progress | undefined {
    if (id === this.lastId) return this.lastProgress;
    const pr = id < SMALL_IDS ? this.small[id] : this.map.get(id);
    this.lastId = id;
    this.lastProgress = pr;
    return pr;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, pr: Progress): void {
    this.map.set(id, pr);
    if (id < SMALL_IDS) this.small[id] = pr;
    this.changed();
  }

  delete(id: number): void {
    this.map.delete(id);
    if (id < SMALL_IDS) this.small[id] = undefined;
    this.changed();
  }

  get size(): number {
    return this.map.size;
  }

  /** Ids ascending (cached; do not mutate). */
  ids(): readonly number[] {
    if (this.sorted === undefined) {
      this.sorted = Array.from(this.map.keys()).sort((a, b) => a - b);
      this.sortedProgress = this.sorted.map((id) => this.map.get(id) as Progress);
    }
    return this.sorted;
  }

  /** The Progress of each of ids(), in that order (cached; do not mutate). */
  progresses(): readonly Progress[] {
    this.ids();
    return this.sortedProgress;
  }

  /** Visits every Progress, ascending ids, without a lookup each. */
  visit(f: (id: number, pr: Progress) => void): void {
    const ids = this.ids();
    const prs = this.sortedProgress;
    for (let i = 0; i < ids.length; i++) f(ids[i], prs[i]);
  }

  /** Forgets the cached order and last lookup (a Progress replaced under its id must show too). */
  private changed(): void {
    this.sorted = undefined;
    this.lastId = -1;
    this.lastProgress = undefined;
  }

  ackedIndex(id: number): number | undefined {
    return this.map.get(id)?.match;
  }

  /** Both id lists are ascending: one merge pass, no hashing. */
  ackedIndexes(ids: readonly number[], out: number[]): void {
    const mine = this.ids();
    const prs = this.sortedProgress;
    let j = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      while (j < mine.length && mine[j] < id) j++;
      out[i] = j < mine.length && mine[j] === id ? prs[j].match : 0;
    }
  }

  /** `<id>: <progress>` per line, ascending ids. */
  toString(): string {
    let s = '';
    for (const id of this.ids()) s += `${id}: ${this.map.get(id)!.toString()}\n`;
    return s;
  }
}

export class ProgressTracker {
  config = new TrackerConfig();
  progress = new ProgressMap();
  votes = new Map<number, boolean>();

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  /** The ConfState describing the active configuration (sorted id lists). */
  confState(): ConfState {
    const c = this.config;
    return {
      voters: [...c.voters.incoming.slice()],
      votersOutgoing: [...c.voters.outgoing.slice()],
      learners: sortedIds(c.learners),
      learnersNext: sortedIds(c.learnersNext),
      autoLeave: c.autoLeave,
    };
  }

  /** Exactly one voter and not joint (ReadIndex is then answered at once, §6.1). */
  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0;
  }

  /** The largest index replicated on a quorum of voters (learners never count). */
  committed(): number {
    return this.config.voters.committedIndex(this.progress);
  }

  /** Calls f for every peer in ascending id order. */
  visit(f: (id: number, pr: Progress) => void): void {
    this.progress.visit(f);
  }

  /** Whether a quorum of voters was recently active (CheckQuorum, §5.8). */
  quorumActive(): boolean {
    const votes = new Map<number, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    });
    return this.config.voters.voteResult(votes) === VoteResult.VoteWon;
  }

  voterNodes(): number[] {
    return this.config.voters.ids();
  }

  learnerNodes(): number[] {
    return sortedIds(this.config.learners);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote unless this peer already voted. */
  recordVote(id: number, v: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, v);
  }

  /** Granted and rejected counts over voters, and the election outcome. */
  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    this.visit((id, pr) => {
      if (pr.isLearner) return;
      const v = this.votes.get(id);
      if (v === undefined) return;
      if (v) granted++;
      else rejected++;
    });
    return { granted, rejected, result: this.config.voters.voteResult(this.votes) };
  }
}

function sortedIds(ids: ReadonlySet<number> | undefined): number[] {
  return ids === undefined ? [] : Array.from(ids).sort((a, b) => a - b);
}
