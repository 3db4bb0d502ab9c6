// Bug re-injection (issue 9): deliberate, realistic mistakes selectable with --inject,
// each of which the fuzz checks must catch within 200 seeds. Bugs in the application
// layer (a client misusing etcd) live here; bugs inside raft, the server and mvcc need a
// hook at a named point in those modules (FaultInjection below), consulted only when a
// test enables the bug. Where the hook does not exist yet, `hook` says where it goes.

/** Where a bug lives, and whether the fuzz harness can turn it on today. */
export interface BugInfo {
  layer: 'client' | 'raft' | 'server' | 'mvcc';
  /** The mistake, in one sentence. */
  description: string;
  /** Which check should catch it. */
  caughtBy: string;
  /** Implemented in src/sim/check/fuzz (true), or waiting for the hook described. */
  available: boolean;
  /** The exact point a module consults `injected.has(name)`. */
  hook: string;
}

export const BUGS = {
  'stale-read': {
    layer: 'client',
    description: 'reads served by the local member (serializable) but trusted as linearizable (etcd 0.4 / quorum=false)',
    caughtBy: 'linearizability',
    available: true,
    hook: 'src/sim/check/fuzz/stale-reader.ts: extra reader processes in each client',
  },
  'watch-resume-at-last-revision': {
    layer: 'client',
    description: 'an application resumes a watch from the last revision it saw instead of the one after it',
    caughtBy: 'watch Unique',
    available: true,
    hook: 'src/sim/check/fuzz/watch-recorder.ts: WatchRecorderOptions.resumeAtLastRevision',
  },
  'raft-commit-old-term': {
    layer: 'raft',
    description: 'a leader commits an entry of an older term by counting replicas (Raft paper Figure 8)',
    caughtBy: 'Raft invariants (State Machine Safety, Committed Prefix Agreement) and linearizability',
    available: false,
    hook: 'src/sim/raft/log.ts RaftLog.maybeCommit: `index > this.committed && (injected.has(bug) || this.matchTerm(index, term))`',
  },
  'raft-vote-without-log-check': {
    layer: 'raft',
    description: 'a vote is granted without the candidate-log-up-to-date check',
    caughtBy: 'Raft invariants (Leader Completeness) and linearizability',
    available: false,
    hook: 'src/sim/raft/raft.ts Raft.handleVoteRequest: `canVote && (injected.has(bug) || this.raftLog.isUpToDate(m.index, m.logTerm))`',
  },
  'raft-vote-before-persist': {
    layer: 'server',
    description: 'a follower sends its vote before the vote is persisted, so a crash forgets it and it votes twice',
    caughtBy: 'Raft invariants (One Vote Per Term, Election Safety)',
    available: false,
    hook: 'src/sim/server/raft-node.ts RaftNode (Ready handling): `if (isLeader || injected.has(bug)) this.send(rd.messages, false)` before storage.save, and skip the release() send',
  },
  'raft-truncate-committed': {
    layer: 'raft',
    description: 'a follower truncates committed entries when a stale append conflicts with them',
    caughtBy: 'Raft invariants (Committed Prefix Agreement, State Machine Safety) and KV hashes',
    available: false,
    hook: 'src/sim/raft/log.ts RaftLog.maybeAppend: `if (ci <= this.committed && !injected.has(bug)) panic`, and in append() lower committed to ci - 1 instead of panicking',
  },
  'raft-lease-read-without-check-quorum': {
    layer: 'raft',
    description: 'a leader answers ReadIndex from its lease without check-quorum, so a deposed leader serves stale reads in a partition',
    caughtBy: 'linearizability',
    available: false,
    hook: 'src/sim/raft/raft.ts newRaft config check (lines ~110-114: allow ReadOnlyLeaseBased with checkQuorum off when injected.has(bug)) and src/sim/raft/raft.ts sendMsgReadIndexResponse: treat the option as ReadOnlyLeaseBased; src/sim/server (raft config): checkQuorum = !injected.has(bug)',
  },
  'mvcc-watch-skip-compacted': {
    layer: 'mvcc',
    description: 'an unsynced watcher whose start revision was compacted is silently moved past the compaction instead of canceled (etcd #18089 family)',
    caughtBy: 'watch Reliable / Resumable',
    available: false,
    hook: 'src/sim/mvcc/watchable-store.ts WatchableStore.syncWatchers: in `if (w.minRev < compactRev)`, when injected.has(bug) set `w.minRev = compactRev + 1` and fall through instead of sending the compaction notice',
  },
} as const satisfies Record<string, BugInfo>;

export type BugName = keyof typeof BUGS;

export const BUG_NAMES = Object.keys(BUGS) as BugName[];

/**
 * The registry modules would consult (FoundationDB's BUGGIFY sites, but named and off by
 * default): the world passes one through its config to each member, the server hands it
 * to raft (raft.Config.injected) and mvcc (StoreOptions.injected); a module asks
 * `injected.has('raft-commit-old-term')` at the points listed in BUGS. Kept structural so
 * raft and mvcc need not import it.
 */
export interface FaultInjection {
  has(bug: BugName): boolean;
}

export class InjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectError';
  }
}

/** Validates a --inject name; throws InjectError listing the choices. */
export function parseBug(name: string): BugName {
  if (name in BUGS) return name as BugName;
  throw new InjectError(`unknown bug "${name}": choose one of ${BUG_NAMES.join(', ')}`);
}

/** Throws when the bug needs a hook the modules do not have yet. */
export function requireAvailable(bug: BugName): void {
  const info: BugInfo = BUGS[bug];
  if (!info.available) throw new InjectError(`bug "${bug}" needs a hook not yet in the code: ${info.hook}`);
}
