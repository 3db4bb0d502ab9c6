// What the Raft invariant checker reads: facts a member's host (the server, or an
// adapter over a recorded trace) can state about one member, never the member's
// internals (DESIGN.md: check reads the trace). One observation is one fact, in the
// order it happened. Ids, terms and indexes are numbers, as in raftpb; 0 is None.
//
// What an emitter must do for the checks to be sound and complete:
//   * emit 'state' whenever term, vote or role changes, before anything it causes
//     (a commit learned from a new leader, a leader's first entry);
//   * emit 'entries', 'hard-state' and 'snapshot' when the write is durable (after the
//     simulated fsync), never earlier; a follower acks only after that (raft.md §2.6);
//   * emit 'commit' whenever the commit index changes, and 'config' whenever the voter
//     configuration changes, before a commit the new configuration causes;
//   * emit 'apply' for every entry applied, in order; after a restart, from the
//     restart's `applied` + 1 on;
//   * emit 'crash' when a member stops, and 'restart' (then 'config', with the
//     configuration it recovered) when it starts again.

export type MemberId = number;

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** One log entry. Equal (index, term) must mean the same entry (raft.md §11 #3). */
export interface ObservedEntry {
  readonly index: number;
  readonly term: number;
  /** Identity of the payload (type and data, e.g. a hash); omit when unknown. */
  readonly digest?: string;
}

/** A voter configuration: incoming voters, and the outgoing ones while joint (§8.1). */
export interface ObservedConfig {
  readonly voters: readonly MemberId[];
  readonly outgoing: readonly MemberId[];
}

interface About {
  readonly member: MemberId;
  /** When: virtual milliseconds in a live run; the line number for a trace file. */
  readonly t?: number;
}

/** The member's volatile Raft state changed (becomeFollower/Candidate/Leader, a vote). */
export interface StateObservation extends About {
  readonly kind: 'state';
  readonly term: number;
  readonly vote: MemberId;
  readonly role: Role;
}

/**
 * Entries became durable (a Ready's Entries after the WAL fsync). As in etcd's
 * storage, writing an entry at index i discards every durable entry at index >= i
 * (raft.md §2.6), so a truncation is an append that starts at or below the last index.
 */
export interface EntriesObservation extends About {
  readonly kind: 'entries';
  /** Contiguous, ascending, non-empty; the first at most one past the last durable entry. */
  readonly entries: readonly ObservedEntry[];
}

/**
 * A HardState became durable (raft.md §1.2). For one Ready, emit the snapshot, then
 * the entries, then the HardState, as etcd writes them (raft.md §10.4 steps 5-6).
 */
export interface HardStateObservation extends About {
  readonly kind: 'hard-state';
  readonly term: number;
  readonly vote: MemberId;
  readonly commit: number;
}

/** The member's (volatile) commit index changed. */
export interface CommitObservation extends About {
  readonly kind: 'commit';
  readonly commit: number;
}

/** The state machine applied one entry; every entry, in order, empty ones included. */
export interface ApplyObservation extends About {
  readonly kind: 'apply';
  readonly entry: ObservedEntry;
}

/**
 * A snapshot was installed: it is durable, the log is replaced by it, and the state
 * machine now stands at its index (raft.md §9.2-9.3). Its ConfState becomes the config.
 */
export interface SnapshotObservation extends About, ObservedConfig {
  readonly kind: 'snapshot';
  readonly index: number;
  readonly term: number;
}

/** The member's voter configuration changed (a conf change applied, or a restart). */
export interface ConfigObservation extends About, ObservedConfig {
  readonly kind: 'config';
}

/** The member crashed: volatile state is lost; durable entries and HardState stay. */
export interface CrashObservation extends About {
  readonly kind: 'crash';
}

/**
 * The member restarted from durable state (raft.md §15.2): follower at the durable
 * term and vote, commit = durable commit. `applied` is where its state machine
 * resumes (etcd: the backend's consistent index, at least the snapshot index).
 */
export interface RestartObservation extends About {
  readonly kind: 'restart';
  readonly applied: number;
  /**
   * etcd --force-new-cluster: the member restarts as a new one-member cluster, its
   * uncommitted entries dropped and conf changes removing the others committed. Then
   * emit the durable HardState and, as a 'commit', the raised (volatile) commit.
   */
  readonly forceNewCluster?: boolean;
}

export type RaftObservation =
  | StateObservation
  | EntriesObservation
  | HardStateObservation
  | CommitObservation
  | ApplyObservation
  | SnapshotObservation
  | ConfigObservation
  | CrashObservation
  | RestartObservation;
