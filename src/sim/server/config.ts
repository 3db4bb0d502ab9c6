// A member's configuration (etcd server/config/config.go, embed/config.go) with etcd's
// defaults (spec server.md §1) and its validation: bad values are reported by name.

export interface InitialMember {
  name: string;
  peerURL: string;
}

export interface ServerConfig {
  /** --name */
  name: string;
  /** --initial-advertise-peer-urls, e.g. "http://m1:2380". */
  peerURL: string;
  /** --advertise-client-urls, e.g. "http://m1:2379". */
  clientURL: string;
  /** --initial-cluster */
  initialCluster: InitialMember[];
  /** --initial-cluster-state */
  initialClusterState: 'new' | 'existing';
  /** --initial-cluster-token */
  initialClusterToken: string;
  /** --force-new-cluster */
  forceNewCluster: boolean;
  /** --heartbeat-interval */
  tickMs: number;
  /** --election-timeout */
  electionMs: number;
  /** --snapshot-count (3.6 default 10,000; configurable low for teaching). */
  snapshotCount: number;
  /** --snapshot-catchup-entries */
  snapshotCatchUpEntries: number;
  /** --max-txn-ops */
  maxTxnOps: number;
  /** --max-request-bytes */
  maxRequestBytes: number;
  /** --quota-backend-bytes: 0 = 2 GiB, negative = no quota. */
  quotaBackendBytes: number;
  /** --max-learners */
  maxLearners: number;
  /** --pre-vote */
  preVote: boolean;
  /** --strict-reconfig-check */
  strictReconfigCheck: boolean;
  /** --initial-election-tick-advance */
  initialElectionTickAdvance: boolean;
  /**
   * Backend batch commit interval (etcd --backend-batch-interval, 100 ms). [SIM] The
   * default 0 commits only where etcd forces a commit (disk snapshot, snapshot send, clean
   * stop): the simulator encodes the whole db image per commit, which at 100 ms dominated
   * the cost of a busy cluster. Set 100 for etcd's exact timing (restart replays less,
   * --force-new-cluster keeps more).
   */
  backendBatchIntervalMs: number;
  /**
   * [SIM] Virtual ms the backend takes to apply one entry: a slow disk under the apply
   * loop. 0 applies at once. Used to grow the commit/apply gap (ErrTooManyRequests).
   */
  applyDelayPerEntryMs: number;
}

export const DefaultSnapshotCount = 10_000;
export const DefaultSnapshotCatchUpEntries = 5_000;
/** 3.6 takes an in-memory raft snapshot every 100 applied entries (spec server.md §3.6). */
export const memorySnapshotCount = 100;
export const maxGapBetweenApplyAndCommitIndex = 5_000;
export const readIndexRetryTimeMs = 500;
export const applyTimeoutMs = 1_000;
export const DefaultQuotaBytes = 2 * 1024 ** 3;
export const maxInflightMsgs = 4096 / 8;
export const maxSizePerMsg = 1024 * 1024;
/** rafthttp: a stream reader gives up after this long without bytes; its writer heartbeats a third of it. */
export const ConnReadTimeoutMs = 5_000;
/** Removing self stops the server after this long (server.go applyEntries). */
export const removedSelfStopDelayMs = 1_000;

export function defaultServerConfig(name: string, initialCluster: InitialMember[]): ServerConfig {
  const self = initialCluster.find((m) => m.name === name);
  return {
    name,
    peerURL: self?.peerURL ?? `http://${name}:2380`,
    clientURL: `http://${name}:2379`,
    initialCluster,
    initialClusterState: 'new',
    initialClusterToken: 'etcd-cluster',
    forceNewCluster: false,
    tickMs: 100,
    electionMs: 1000,
    snapshotCount: DefaultSnapshotCount,
    snapshotCatchUpEntries: DefaultSnapshotCatchUpEntries,
    maxTxnOps: 128,
    maxRequestBytes: 1.5 * 1024 * 1024,
    quotaBackendBytes: 0,
    maxLearners: 1,
    preVote: true,
    strictReconfigCheck: true,
    initialElectionTickAdvance: true,
    backendBatchIntervalMs: 0,
    applyDelayPerEntryMs: 0,
  };
}

export function electionTicks(c: ServerConfig): number {
  return Math.floor(c.electionMs / c.tickMs);
}

/** ReqTimeout = 5 s + 2 × election timeout (config.go). */
export function reqTimeoutMs(c: ServerConfig): number {
  return 5_000 + 2 * electionTicks(c) * c.tickMs;
}

export function quotaBytes(c: ServerConfig): number {
  return c.quotaBackendBytes === 0 ? DefaultQuotaBytes : c.quotaBackendBytes;
}

/** embed.Config.Validate's rules for what the simulator takes; throws naming each problem. */
export function validateServerConfig(c: ServerConfig): void {
  const problems: string[] = [];
  const posInt = (v: number, field: string) => {
    if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${field} must be a positive integer (got ${v})`);
  };
  if (c.name === '') problems.push('name must not be empty');
  posInt(c.tickMs, 'tickMs');
  posInt(c.electionMs, 'electionMs');
  if (c.electionMs < 5 * c.tickMs) {
    problems.push(`electionMs ${c.electionMs} should be at least 5 times tickMs ${c.tickMs}`);
  }
  if (c.electionMs > 50_000) problems.push(`electionMs ${c.electionMs} is too long, and should be set less than 50000 ms`);
  posInt(c.snapshotCount, 'snapshotCount');
  posInt(c.snapshotCatchUpEntries, 'snapshotCatchUpEntries');
  posInt(c.maxTxnOps, 'maxTxnOps');
  posInt(c.maxRequestBytes, 'maxRequestBytes');
  if (!Number.isSafeInteger(c.maxLearners) || c.maxLearners < 0) problems.push('maxLearners must be >= 0');
  if (!(c.backendBatchIntervalMs >= 0)) problems.push('backendBatchIntervalMs must be >= 0');
  if (!(c.applyDelayPerEntryMs >= 0)) problems.push('applyDelayPerEntryMs must be >= 0');
  if (c.initialClusterState === 'new' && !c.forceNewCluster && !c.initialCluster.some((m) => m.name === c.name)) {
    problems.push(`couldn't find local name "${c.name}" in the initial cluster configuration`);
  }
  const urls = new Set<string>();
  for (const m of c.initialCluster) {
    if (urls.has(m.peerURL)) problems.push(`duplicate peer URL ${m.peerURL} in the initial cluster`);
    urls.add(m.peerURL);
  }
  if (problems.length > 0) throw new Error(`invalid member config for ${c.name}:\n  - ${problems.join('\n  - ')}`);
}
