// Raft safety invariant checker (raft.md §11; TLA+ invariants of verification.md §5).
//
// It reads RaftObservations (observation.ts) one at a time and keeps, per member, the
// volatile state, the durable HardState and the durable log (terms only), plus three
// cluster-wide records: the leader of each term, the committed prefix, and one fact
// per (index, term) ever held. An observation costs O(entries it carries), O(voters)
// for a leader's commit advance, and O(leaders) per entry it adds to the committed
// prefix (each member's committed entries are noted once); nothing is rescanned.
//
// Invariants and their exact rules ("log" is a member's durable log):
//
//   Election Safety       At most one member ever becomes leader in a given term.
//   Leader Append-Only    While a member is leader, persisting entries never replaces
//                         or removes an entry of its log.
//   Log Matching          All holders of the entry (i, t) hold the same term at i - 1
//                         and the same payload digest at i.
//   Leader Completeness   A leader of term T holds every entry committed in a term
//                         below T (Raft §5.4; committed-prefix.ts): checked when it
//                         becomes leader and whenever such an entry is newly committed
//                         while it leads. An entry is taken as committed in the term of
//                         the member that first shows it committed (exact for the
//                         committing leader, an upper bound otherwise). If the entry lies
//                         beyond its durable log (a candidate can win while its last
//                         Ready is still being written), the check waits until its log
//                         reaches that index or shows an entry of term T.
//   State Machine Safety  An applied entry, or an installed snapshot's (index, term),
//                         equals the committed entry at that index; applied entries
//                         with equal (index, term) have equal digests; a member applies
//                         index applied + 1 next, skipping nothing.
//   Committed Prefix      Entries up to a member's commit index (and present in its
//   Agreement             log) equal the cluster's committed prefix; a member never
//                         replaces or removes an entry at or below its commit index.
//   Monotonicity          Per member, between restarts: term and commit never decrease
//                         and applied only moves forward (a snapshot must move it);
//                         applied <= commit. Durable term and commit never decrease,
//                         even across restarts, and durable commit <= durable last index.
//   One Vote Per Term     Within one term a member's vote, once cast, never changes
//                         (volatile between restarts; durable always).
//   Quorum Log            When a leader's commit advances to c, the entry (c, t) is in
//                         the durable logs of a quorum of its voters (a majority of each
//                         half while joint), as acks follow persistence (raft.md §2.6,
//                         §11 #9-10; TLA+ QuorumLogInv). t is the leader's term at c,
//                         its current term if c is beyond its durable log: etcd's leader
//                         writes in parallel with sending (§10.4), so followers' acks can
//                         commit its newest entries first, and it commits only entries
//                         of its term (§4.6). For that reason TLA+ CommittedIsDurableInv
//                         (leader commit <= own durable log) is not checked. And so a
//                         leader's commit lands only on an entry of its current term:
//                         counting replicas of an older term's entry is the Raft paper's
//                         Figure 8 mistake, unsafe even when a quorum holds it.
//
// What a restart legitimately resets (raft.md §15.2): role (follower), term and vote
// (back to the durable HardState, which may be lower than the lost volatile values),
// commit (back to the durable commit) and applied (to the restart's `applied`). None
// of these is reported.
//
// Force New Cluster (a rule, not an invariant). A restart with `forceNewCluster` (etcd
// --force-new-cluster, server.md §4.3 case 4) rewrites history on purpose: the member
// drops its uncommitted entries, commits conf changes removing every other member and
// goes on as a new one-member cluster with the same member IDs, while the old members
// may still run their own. So the member leaves its cluster's history (leaders of each
// term, committed prefix, entry facts) for a new one that starts with the old committed
// prefix up to its durable commit. The other members stay in the old history; a member
// first observed later belongs to the newest history (only MemberAdd on the new cluster
// brings one). Every invariant above is checked within each history, never across two.

import { None } from '../../raft/raftpb';
import { CommittedPrefix } from './committed-prefix';
import { EntryRegistry } from './entry-registry';
import type {
  ApplyObservation,
  EntriesObservation,
  HardStateObservation,
  MemberId,
  ObservedConfig,
  RaftObservation,
  Role,
  SnapshotObservation,
  StateObservation,
} from './observation';
import { isQuorum } from './quorum';
import { TermLog } from './term-log';
import { InvalidObservationError, type InvariantName, type Violation } from './violation';

/** The cluster-wide records of one cluster history (see Force New Cluster above). */
class History {
  readonly leaderOfTerm = new Map<number, MemberId>();
  /** Members whose role is leader now, in the order they became leader. */
  readonly leaders = new Set<MemberState>();
  readonly registry = new EntryRegistry();

  constructor(readonly committed: CommittedPrefix) {}
}

interface MemberState {
  readonly id: MemberId;
  /** The cluster history the member belongs to. */
  history: History;
  up: boolean;
  term: number;
  vote: MemberId;
  role: Role;
  commit: number;
  applied: number;
  durableTerm: number;
  durableVote: MemberId;
  durableCommit: number;
  readonly log: TermLog;
  config: ObservedConfig;
  /** Entries of the log up to here were noted in the committed prefix. */
  recorded: number;
  /** A Leader Completeness violation was reported for the current leadership. */
  incompleteReported: boolean;
  /** While leader: a committed entry to find once its durable log reaches it. */
  awaited: { index: number; term: number } | undefined;
}

const NO_VIOLATIONS: readonly Violation[] = [];

export class RaftInvariantChecker {
  private readonly members = new Map<MemberId, MemberState>();
  /** The newest cluster history: members first observed now join it. */
  private history = new History(new CommittedPrefix());
  private readonly found: Violation[] = [];
  private seq = 0;
  /** The observation being checked, for the violations it causes. */
  private current: Pick<RaftObservation, 'member' | 't'> = { member: None };

  /** Every violation found so far, in order. */
  get violations(): readonly Violation[] {
    return this.found;
  }

  /**
   * Checks one observation against everything observed before it and returns the
   * violations it caused. Throws InvalidObservationError when the observation
   * cannot describe any run (a gap in a log, a step by a crashed member).
   */
  observe(obs: RaftObservation): readonly Violation[] {
    this.current = obs;
    const before = this.found.length;
    // A restart as a member's first observation: the checker joins a run already under
    // way (a page reloaded over persisted members), so the member counts as crashed.
    const first = !this.members.has(obs.member);
    const m = this.member(obs.member);
    if (first && obs.kind === 'restart') m.up = false;
    if (!m.up && obs.kind !== 'restart') {
      this.invalid(`member ${m.id} is crashed: only a restart can follow, not '${obs.kind}'`);
    }
    switch (obs.kind) {
      case 'state':
        this.onState(m, obs);
        break;
      case 'entries':
        this.onEntries(m, obs);
        break;
      case 'hard-state':
        this.onHardState(m, obs);
        break;
      case 'commit':
        this.onCommit(m, obs.commit);
        break;
      case 'apply':
        this.onApply(m, obs);
        break;
      case 'snapshot':
        this.onSnapshot(m, obs);
        break;
      case 'config':
        m.config = copyConfig(obs);
        break;
      case 'crash':
        m.up = false;
        this.setRole(m, 'follower');
        break;
      case 'restart':
        if (m.up) this.invalid(`member ${m.id} restarted without crashing first`);
        m.up = true;
        m.term = m.durableTerm;
        m.vote = m.durableVote;
        m.commit = m.durableCommit;
        m.applied = obs.applied;
        if (obs.forceNewCluster === true) this.forkHistory(m);
        break;
      default:
        this.invalid(`unknown observation kind '${(obs as { kind: unknown }).kind}'`);
    }
    this.seq++;
    return this.found.length === before ? NO_VIOLATIONS : this.found.slice(before);
  }

  private onState(m: MemberState, o: StateObservation): void {
    if (o.term < m.term) {
      this.report('Monotonicity', `member ${m.id}'s term went down from ${m.term} to ${o.term}`, {
        from: m.term,
        to: o.term,
      });
    } else if (o.term === m.term && m.vote !== None && o.vote !== m.vote) {
      this.report('One Vote Per Term', `member ${m.id} voted for ${m.vote}, then for ${o.vote}, in term ${o.term}`, {
        term: o.term,
        first: m.vote,
        second: o.vote,
      });
    }
    const newLeadership = o.role === 'leader' && (m.role !== 'leader' || o.term !== m.term);
    m.term = o.term;
    m.vote = o.vote;
    this.setRole(m, o.role);
    if (newLeadership) this.onBecomeLeader(m);
  }

  private setRole(m: MemberState, role: Role): void {
    m.role = role;
    if (role === 'leader') {
      m.history.leaders.add(m);
    } else {
      m.history.leaders.delete(m);
      m.awaited = undefined;
    }
  }

  private onBecomeLeader(m: MemberState): void {
    const holder = m.history.leaderOfTerm.get(m.term);
    if (holder !== undefined && holder !== m.id) {
      this.report('Election Safety', `member ${m.id} became leader of term ${m.term}, which member ${holder} leads`, {
        term: m.term,
        leader: holder,
      });
    } else {
      m.history.leaderOfTerm.set(m.term, m.id);
    }
    m.incompleteReported = false;
    m.awaited = undefined;
    // By Log Matching, holding the last such entry means holding all below it.
    const committed = m.history.committed;
    const index = committed.lastIndexCommittedBefore(m.term);
    if (index > 0) this.checkLeaderHolds(m, index, committed.termAt(index) ?? 0);
  }

  private checkLeaderHolds(leader: MemberState, index: number, term: number): void {
    if (index > leader.log.lastIndex && leader.log.lastTerm < leader.term) {
      // Its log may still be on its way to disk; holding the highest such entry suffices.
      if (leader.awaited === undefined || index > leader.awaited.index) leader.awaited = { index, term };
      return;
    }
    if (leader.incompleteReported || leader.log.holds(index, term)) return;
    leader.incompleteReported = true;
    const has = leader.log.termAt(index);
    this.report(
      'Leader Completeness',
      `leader ${leader.id} of term ${leader.term} lacks committed entry ${index} of term ${term} ` +
        (has === undefined ? `(its log ends at ${leader.log.lastIndex})` : `(it holds term ${has} there)`),
      { leader: leader.id, term: leader.term, index, committedTerm: term, lastIndex: leader.log.lastIndex },
    );
  }

  private onEntries(m: MemberState, o: EntriesObservation): void {
    const entries = o.entries;
    if (entries.length === 0) this.invalid('an entries observation holds no entries');
    const log = m.log;
    const first = entries[0].index;
    if (first > log.lastIndex + 1) {
      this.invalid(`member ${m.id} persisted entry ${first} after its last entry ${log.lastIndex}: a gap`);
    }
    for (let k = 1; k < entries.length; k++) {
      if (entries[k].index !== first + k) this.invalid(`entries are not contiguous at position ${k}`);
    }
    if (first <= log.lastIndex) this.checkOverwrite(m, o);
    log.truncateFrom(first);
    for (const entry of entries) {
      // Entries already compacted into the snapshot are ignored, as etcd's storage does.
      if (entry.index <= log.snapshotIndex) continue;
      const prevTerm = log.termAt(entry.index - 1);
      const fact = m.history.registry.learn(entry, prevTerm, m.id);
      if (fact !== undefined) this.reportMismatch(m, entry.index, entry.term, prevTerm, entry.digest, fact);
      log.push(entry.term);
    }
    const awaited = m.awaited;
    if (awaited !== undefined && (log.lastIndex >= awaited.index || log.lastTerm >= m.term)) {
      m.awaited = undefined;
      this.checkLeaderHolds(m, awaited.index, awaited.term);
    }
    this.recordCommitted(m);
  }

  /** Entries at or above the batch's first index are replaced or, past its end, removed. */
  private checkOverwrite(m: MemberState, o: EntriesObservation): void {
    const first = o.entries[0].index;
    for (let index = Math.max(first, m.log.snapshotIndex + 1); index <= m.log.lastIndex; index++) {
      const old = m.log.termAt(index);
      const replacement = o.entries[index - first]?.term;
      if (replacement === old) continue;
      const what =
        replacement === undefined
          ? `removed entry ${index} of term ${old}`
          : `replaced entry ${index} of term ${old} with term ${replacement}`;
      const details = { index, oldTerm: old ?? 0, newTerm: replacement ?? 0 };
      if (m.role === 'leader') this.report('Leader Append-Only', `leader ${m.id} ${what}`, details);
      if (index <= m.commit) {
        this.report('Committed Prefix Agreement', `member ${m.id} ${what}, at or below its commit ${m.commit}`, details);
      }
      return;
    }
  }

  private reportMismatch(
    m: MemberState,
    index: number,
    term: number,
    prevTerm: number | undefined,
    digest: string | undefined,
    fact: { prevTerm: number | undefined; digest: string | undefined; member: MemberId },
  ): void {
    const where = `entry ${index} of term ${term}`;
    if (prevTerm !== undefined && fact.prevTerm !== undefined && prevTerm !== fact.prevTerm) {
      this.report(
        'Log Matching',
        `members ${fact.member} and ${m.id} both hold ${where} but differ before it: term ${fact.prevTerm} vs ${prevTerm} at ${index - 1}`,
        { index, term, otherMember: fact.member, otherPrevTerm: fact.prevTerm, prevTerm },
      );
    } else {
      this.report(
        'Log Matching',
        `members ${fact.member} and ${m.id} both hold ${where} with different payloads`,
        { index, term, otherMember: fact.member, otherDigest: fact.digest ?? '', digest: digest ?? '' },
      );
    }
  }

  private onHardState(m: MemberState, o: HardStateObservation): void {
    if (o.term < m.durableTerm) {
      this.report('Monotonicity', `member ${m.id}'s durable term went down from ${m.durableTerm} to ${o.term}`, {
        from: m.durableTerm,
        to: o.term,
      });
    } else if (o.term === m.durableTerm && m.durableVote !== None && o.vote !== m.durableVote) {
      this.report(
        'One Vote Per Term',
        `member ${m.id} durably voted for ${m.durableVote}, then for ${o.vote}, in term ${o.term}`,
        { term: o.term, first: m.durableVote, second: o.vote },
      );
    }
    if (o.commit < m.durableCommit) {
      this.report('Monotonicity', `member ${m.id}'s durable commit went down from ${m.durableCommit} to ${o.commit}`, {
        from: m.durableCommit,
        to: o.commit,
      });
    }
    // etcd refuses to start from such a HardState (raft.md §2.8 loadState).
    if (o.commit > m.log.lastIndex) {
      this.report(
        'Monotonicity',
        `member ${m.id}'s durable commit ${o.commit} is beyond its durable last index ${m.log.lastIndex}`,
        { commit: o.commit, lastIndex: m.log.lastIndex },
      );
    }
    m.durableTerm = o.term;
    m.durableVote = o.vote;
    m.durableCommit = o.commit;
    // The volatile state is never behind what was persisted from it.
    if (o.term > m.term) {
      m.term = o.term;
      m.vote = o.vote;
    }
    if (o.commit > m.commit) this.advanceCommit(m, o.commit);
  }

  private onCommit(m: MemberState, commit: number): void {
    if (commit < m.commit) {
      this.report('Monotonicity', `member ${m.id}'s commit went down from ${m.commit} to ${commit}`, {
        from: m.commit,
        to: commit,
      });
      m.commit = commit;
    } else if (commit > m.commit) {
      this.advanceCommit(m, commit);
    }
  }

  private advanceCommit(m: MemberState, commit: number): void {
    m.commit = commit;
    if (m.role === 'leader') this.checkLeaderCommit(m, commit);
    this.recordCommitted(m);
  }

  private checkLeaderCommit(m: MemberState, commit: number): void {
    const term = commit > m.log.lastIndex ? m.term : m.log.termAt(commit);
    if (term === undefined) return; // compacted: committed long ago
    if (term !== m.term) {
      this.report('Quorum Log', `leader ${m.id} of term ${m.term} committed entry ${commit} of term ${term} by counting replicas (raft.md §4.6, Figure 8)`, {
        commit,
        term,
        leaderTerm: m.term,
      });
      return;
    }
    const holds = (id: MemberId): boolean => {
      const voter = this.members.get(id);
      return voter !== undefined && voter.history === m.history && voter.log.holds(commit, term);
    };
    if (isQuorum(m.config, holds)) return;
    const { voters, outgoing } = m.config;
    const holders = [...new Set([...voters, ...outgoing])].filter(holds);
    const config = `(${voters.join(' ')})${outgoing.length > 0 ? `&&(${outgoing.join(' ')})` : ''}`;
    this.report(
      'Quorum Log',
      `leader ${m.id} committed entry ${commit} of term ${term}, but only voters (${holders.join(' ')}) of ${config} hold it durably`,
      { commit, term, holders, voters, outgoing },
    );
  }

  /** Notes the member's committed entries that its durable log now shows. */
  private recordCommitted(m: MemberState): void {
    const upTo = Math.min(m.commit, m.log.lastIndex);
    for (let index = Math.max(m.recorded, m.log.snapshotIndex) + 1; index <= upTo; index++) {
      const term = m.log.termAt(index) ?? 0;
      if (!this.commitEntry(m, index, term, 'Committed Prefix Agreement', 'committed entry')) break;
    }
    if (upTo > m.recorded) m.recorded = upTo;
  }

  /**
   * Adds (index, term), which `m` treats as committed (`what` says how), to the committed
   * prefix; false, after reporting `invariant`, when it contradicts the prefix.
   */
  private commitEntry(m: MemberState, index: number, term: number, invariant: InvariantName, what: string): boolean {
    const { committed, leaders } = m.history;
    const grows = index === committed.lastIndex + 1;
    // Committed in m's term at the latest: the leader commits in its own term, and others
    // learn commits from leaders of their term or an earlier one.
    const prior = committed.note(index, term, m.term);
    if (prior !== undefined) {
      this.report(invariant, `member ${m.id} ${what} ${index} of term ${term}, but term ${prior} is committed there`, {
        index,
        term,
        committedTerm: prior,
      });
      return false;
    }
    if (grows) {
      for (const leader of leaders) if (m.term < leader.term) this.checkLeaderHolds(leader, index, term);
    }
    return true;
  }

  private onApply(m: MemberState, o: ApplyObservation): void {
    const { index, term } = o.entry;
    if (index <= m.applied) {
      this.report('Monotonicity', `member ${m.id} applied entry ${index} after entry ${m.applied}`, {
        index,
        applied: m.applied,
      });
    } else if (index > m.applied + 1) {
      this.report('State Machine Safety', `member ${m.id} applied entry ${index}, skipping from ${m.applied}`, {
        index,
        applied: m.applied,
      });
    }
    if (index > m.commit) {
      this.report('Monotonicity', `member ${m.id} applied entry ${index} beyond its commit index ${m.commit}`, {
        index,
        commit: m.commit,
      });
    } else {
      this.commitEntry(m, index, term, 'State Machine Safety', 'applied entry');
    }
    const fact = m.history.registry.learn(o.entry, undefined, m.id);
    if (fact !== undefined) {
      this.report(
        'State Machine Safety',
        `member ${m.id} applied entry ${index} of term ${term} with a payload other than member ${fact.member}'s`,
        { index, term, otherMember: fact.member, otherDigest: fact.digest ?? '', digest: o.entry.digest ?? '' },
      );
    }
    m.applied = index;
  }

  private onSnapshot(m: MemberState, o: SnapshotObservation): void {
    // etcd's applySnapshot panics on a snapshot that does not move applied forward.
    if (o.index <= m.applied) {
      this.report('Monotonicity', `member ${m.id} installed snapshot ${o.index}, not past its applied ${m.applied}`, {
        index: o.index,
        applied: m.applied,
      });
    }
    this.commitEntry(m, o.index, o.term, 'State Machine Safety', 'installed a snapshot at');
    m.log.restore(o.index, o.term);
    m.recorded = o.index;
    m.applied = o.index;
    if (o.index > m.commit) m.commit = o.index;
    m.config = copyConfig(o);
  }

  /** Force New Cluster: `m` leaves its history for a new one, the newest. */
  private forkHistory(m: MemberState): void {
    const cut = Math.min(m.durableCommit, m.history.committed.lastIndex);
    m.history = new History(m.history.committed.truncated(cut));
    this.history = m.history;
    m.recorded = Math.min(m.recorded, cut);
  }

  private member(id: MemberId): MemberState {
    let m = this.members.get(id);
    if (m === undefined) {
      m = {
        id,
        history: this.history,
        up: true,
        term: 0,
        vote: None,
        role: 'follower',
        commit: 0,
        applied: 0,
        durableTerm: 0,
        durableVote: None,
        durableCommit: 0,
        log: new TermLog(),
        config: { voters: [], outgoing: [] },
        recorded: 0,
        incompleteReported: false,
        awaited: undefined,
      };
      this.members.set(id, m);
    }
    return m;
  }

  private report(invariant: InvariantName, message: string, details: Violation['details']): void {
    const { member, t } = this.current;
    this.found.push({ invariant, member, t, seq: this.seq, message: `${invariant}: ${message}`, details });
  }

  private invalid(reason: string): never {
    throw new InvalidObservationError(this.seq, reason);
  }
}

function copyConfig(c: ObservedConfig): ObservedConfig {
  return { voters: [...c.voters], outgoing: [...c.outgoing] };
}

/** Checks a whole sequence of observations; returns every violation, in order. */
export function checkRaftObservations(observations: Iterable<RaftObservation>): readonly Violation[] {
  const checker = new RaftInvariantChecker();
  for (const obs of observations) checker.observe(obs);
  return checker.violations;
}
