// Bug re-injection (issue 9): deliberate, realistic mistakes selectable with --inject,
// each of which the fuzz checks must catch within 200 seeds. Bugs in the application
// layer (a client misusing etcd) live here; bugs inside raft, the server and mvcc are
// turned on through the world config (`injectBugs`), which the server hands to raft
// (raft.Config.injected), its RaftNode and mvcc (WatchableStoreOptions.injected); each
// module reads it once into a boolean at construction. `hook` names the exact point.

/** Where a bug lives and how it is turned on. */
export interface BugInfo {
  layer: 'client' | 'raft' | 'server' | 'mvcc';
  /** The mistake, in one sentence. */
  description: string;
  /** Which check should catch it. */
  caughtBy: string;
  /** The exact point the bug is made. */
  hook: string;
}

export const BUGS = {
  'stale-read': {
    layer: 'client',
    description: 'reads served by the local member (serializable) but trusted as linearizable (etcd 0.4 / quorum=false)',
    caughtBy: 'linearizability',
    hook: 'src/sim/check/fuzz/stale-reader.ts: extra reader processes in each client',
  },
  'watch-resume-at-last-revision': {
    layer: 'client',
    description: 'an application resumes a watch from the last revision it saw instead of the one after it',
    caughtBy: 'watch Unique',
    hook: 'src/sim/check/fuzz/watch-recorder.ts: WatchRecorderOptions.resumeAtLastRevision',
  },
  'raft-commit-old-term': {
    layer: 'raft',
    description: 'a leader commits an entry of an older term by counting replicas (Raft paper Figure 8)',
    caughtBy: 'Raft invariants (Leader Commits Own Term, then State Machine Safety / Committed Prefix Agreement)',
    hook: 'src/sim/raft/raft.ts Raft.maybeCommit: passes the quorum index\'s own term instead of the leader\'s',
  },
  'raft-vote-without-log-check': {
    layer: 'raft',
    description: 'a (pre-)vote is granted without the candidate-log-up-to-date check',
    caughtBy: 'Raft invariants (Leader Completeness) and linearizability',
    hook: 'src/sim/raft/raft.ts Raft.handleVoteRequest: `canVote && (bug || isUpToDate(...))`',
  },
  'raft-vote-before-persist': {
    layer: 'server',
    description: 'a follower sends its vote (and its append acks) before persisting them, as only the leader may',
    caughtBy: 'Raft invariants (Quorum Log: a commit counted an ack of an entry not yet durable; One Vote Per Term)',
    hook: 'src/sim/server/raft-node.ts RaftNode Ready handling: followers send rd.messages before storage.save',
  },
  'raft-truncate-committed': {
    layer: 'raft',
    description: 'a follower replaces everything after an append\'s previous entry, so a stale append drops later, committed entries',
    caughtBy: 'Raft invariants (Committed Prefix Agreement)',
    hook: 'src/sim/raft/raft.ts Raft.handleAppendEntries (a stale append below the commit index is not turned away) and src/sim/raft/log.ts RaftLog.maybeAppend (truncates after the append\'s last entry instead of skipping what matches)',
  },
  'raft-lease-read-without-check-quorum': {
    layer: 'raft',
    description: 'a leader answers ReadIndex from its lease without check-quorum, so a deposed leader serves stale reads in a partition',
    caughtBy: 'linearizability',
    hook: 'src/sim/raft/raft.ts validate (lease reads allowed with check-quorum off) and src/sim/server/server.ts raft config (ReadOnlyLeaseBased, checkQuorum off)',
  },
  'mvcc-watch-skip-compacted': {
    layer: 'mvcc',
    description: 'an unsynced watcher whose start revision was compacted is silently moved past the compaction instead of canceled (etcd #18089 family)',
    caughtBy: 'watch Reliable / Resumable',
    hook: 'src/sim/mvcc/watchable-store.ts WatchableStore.syncWatchers: `w.minRev = compactRev + 1` instead of the compaction notice',
  },
} as const satisfies Record<string, BugInfo>;

export type BugName = keyof typeof BUGS;

export const BUG_NAMES = Object.keys(BUGS) as BugName[];

/** Whether the bug is made inside the cluster (turned on through the world config). */
export function insideCluster(bug: BugName): boolean {
  return BUGS[bug].layer !== 'client';
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
