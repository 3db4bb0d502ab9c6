// One fuzz run: a whole cluster and its clients under a seed's fault schedule, then heal
// and settle, then every check (verification.md §7 items 4 and 5):
//
//   safety phase   [0, faultPhaseMs): workloads, watches and compactions under the faults;
//   heal           every fault still on is reverted, workloads stop;
//   liveness       within settleMs: a leader, a write that completes (progress), and
//                  every member at the same revision;
//   checks         Raft invariants (live, every step), linearizability of all clients'
//                  histories, the watch guarantees, equal HashKV on every member.
//
// Faults, workload stops and the progress probe are world inputs, so World.replay replays
// them; the watch recorder, the compactor and injected client bugs are extra traffic that
// only rerunning the schedule reproduces (see repro.ts).

import { World } from '../../world/world';
import type { WorldConfigInput } from '../../world/config';
import type { RecordedInput } from '../../world/inputs';
import type { NetworkSettings } from '../../net/faults';
import type { HistoryEvent } from '../linearizability/history';
import type { RecordedWatch, StoreHistory } from '../watch/history';
import type { Fault, FaultKind, Schedule } from './schedule';
import { FaultDriver } from './fault-driver';
import { WatchRecorder } from './watch-recorder';
import { StoreHistoryRecorder } from './store-history';
import { Compactor } from './compactor';
import { StaleReader } from './stale-reader';
import { insideCluster, type BugName } from './inject';
import { converged, hashFailures, linearizabilityFailures, raftFailures, watchFailures, type Failure, type LinearizabilityOutcome } from './checks';

export const KEY_PREFIX = 'k/';
const BASELINE_NETWORK: NetworkSettings = { latency: { kind: 'uniform', min: 2, max: 6 }, drop: 0, duplicate: 0, reorder: 0 };
/** How often the liveness phase looks at the cluster (virtual ms). */
const POLL_MS = 50;
/** The progress probe's own timeout; it is retried until settleMs runs out. */
const PROBE_TIMEOUT_MS = 2000;

export interface RunOptions {
  inject?: BugName;
  traceLevel?: 'off' | 'info' | 'debug';
  /** Keep the world and the watch records in the result, for investigating a failure. */
  keepRecords?: boolean;
}

export interface RunStats {
  operations: number;
  okOperations: number;
  watches: number;
  watchEvents: number;
  compactions: number;
  fired: Partial<Record<FaultKind, number>>;
  virtualMs: number;
  /** Virtual ms from the end of the faults to a leader and a completed write (undefined: never). */
  recoveryMs: number | undefined;
  /** The linearizability search ran out of steps (neither verdict). */
  lincheckInconclusive: boolean;
}

export interface RunResult {
  schedule: Schedule;
  failures: Failure[];
  stats: RunStats;
  /** What World.replay needs: the config and the inputs recorded in this run. */
  config: WorldConfigInput;
  inputs: readonly RecordedInput[];
  until: number;
  /** Whether World.replay(config, inputs, until) alone reproduces the run (no traffic beyond inputs). */
  replayableByWorld: boolean;
  /** With keepRecords: the world at the end, the recorded watches and the store history. */
  records?: { world: World; watches: readonly RecordedWatch[]; store: StoreHistory };
}

/** The world configuration a schedule describes (with the injected bug, when it is made inside the cluster). */
export function worldConfig(s: Schedule, traceLevel: RunOptions['traceLevel'] = 'off', inject?: BugName): WorldConfigInput {
  const { swarm } = s;
  return {
    ...(inject !== undefined && insideCluster(inject) ? { injectBugs: [inject] } : {}),
    seed: s.seed,
    members: swarm.members,
    snapshotCount: swarm.snapshotCount,
    snapshotCatchUpEntries: Math.max(5, Math.floor(swarm.snapshotCount / 2)),
    network: BASELINE_NETWORK,
    disk: { tornWriteProbability: swarm.tornWriteProbability },
    clients: Array.from({ length: swarm.clients }, () => ({
      workload: {
        mix: { get: 3, put: 3, delete: 1, txn: 2, range: 1 },
        keys: swarm.keys,
        keyPrefix: KEY_PREFIX,
        concurrency: swarm.concurrency,
        rate: swarm.rate,
        timeoutMs: 1000,
        ...(swarm.largeValues === undefined ? {} : { largeValues: swarm.largeValues }),
      },
    })),
    check: true,
    traceLevel,
  };
}

/** Runs one schedule and checks it. Deterministic: the same schedule gives the same result. */
export function runSchedule(schedule: Schedule, options: RunOptions = {}): RunResult {
  const config = worldConfig(schedule, options.traceLevel, options.inject);
  const world = new World(config);
  const driver = new FaultDriver(world, BASELINE_NETWORK, schedule.clientFaults);
  const store = new StoreHistoryRecorder(world);
  const watches = new WatchRecorder(world, {
    prefix: KEY_PREFIX,
    watchesPerClient: schedule.swarm.watchesPerClient,
    resumeAtLastRevision: options.inject === 'watch-resume-at-last-revision',
  });
  const compactor = new Compactor(world, store, schedule.swarm.compactEveryMs);
  const keys = Array.from({ length: schedule.swarm.keys }, (_, i) => `${KEY_PREFIX}${i}`);
  const staleReader = options.inject === 'stale-read' ? new StaleReader(world, keys) : undefined;

  const failures: Failure[] = [];
  let recoveryMs: number | undefined;
  let lin: LinearizabilityOutcome = { failures: [], inconclusive: false, operations: 0 };
  try {
    runFaults(world, driver, schedule.faults, schedule.faultPhaseMs);
    // Heal: revert what is still on, stop the traffic.
    driver.endAll(schedule.faults);
    compactor.stop();
    staleReader?.stop();
    for (const wc of world.clients) if (wc.workload !== undefined) world.input({ type: 'workload-stop', client: wc.name });

    const healedAt = world.now;
    const deadline = healedAt + schedule.settleMs;
    const progressed = awaitProgress(world, deadline);
    recoveryMs = progressed ? world.now - healedAt : undefined;
    if (!progressed) failures.push({ check: 'liveness', message: `no leader with a completed write within ${schedule.settleMs} ms of healing` });
    else {
      waitUntil(world, () => converged(world), deadline);
      failures.push(...hashFailures(world));
    }

    // Let the open watches catch up to the final revision, then close them.
    const finalRevision = store.maxRevision();
    watches.requestProgress();
    waitUntil(world, () => watches.openWatchesSeenUpTo().every((r) => r >= finalRevision), world.now + 3000, () => watches.requestProgress());
    watches.stop();
    const storeComplete = store.captureTo(store.maxRevision());

    failures.unshift(...raftFailures(world));
    lin = linearizabilityFailures(world);
    failures.push(...lin.failures);
    if (storeComplete) failures.push(...watchFailures(watches.watches, store.events));
    else failures.push({ check: 'watch', message: 'the store history could not be captured completely (no member held it)' });
  } catch (err) {
    // A thrown error anywhere in the simulation (an assertion, a checker refusing an
    // impossible observation) fails the run like any check, and is shrunk the same way.
    failures.unshift(...raftFailures(world));
    failures.push({ check: 'exception', message: `at ${Math.round(world.now)} ms: ${(err as Error).message}` });
  }

  const events: HistoryEvent[] = world.clients.flatMap((c) => c.history.events);
  return {
    schedule,
    failures,
    stats: {
      operations: events.filter((e) => e.type === 'invoke').length,
      okOperations: events.filter((e) => e.type === 'ok').length,
      watches: watches.watches.length,
      watchEvents: watches.watches.reduce((n, w) => n + w.responses.reduce((m, r) => m + r.events.length, 0), 0),
      compactions: compactor.compactions,
      fired: Object.fromEntries(driver.fired),
      virtualMs: world.now,
      recoveryMs,
      lincheckInconclusive: lin.inconclusive,
    },
    config,
    inputs: [...world.inputs],
    until: world.now,
    replayableByWorld: schedule.swarm.watchesPerClient === 0 && schedule.swarm.compactEveryMs === 0 && staleReader === undefined,
    ...(options.keepRecords ? { records: { world, watches: watches.watches, store: store.events } } : {}),
  };
}

/** The safety phase: starts and ends faults at their times. */
function runFaults(world: World, driver: FaultDriver, faults: readonly Fault[], phaseMs: number): void {
  const steps: { t: number; end: boolean; fault: Fault }[] = [];
  for (const f of faults) {
    steps.push({ t: f.at, end: false, fault: f });
    if ('until' in f) steps.push({ t: f.until, end: true, fault: f });
  }
  // Ends before starts at one instant, so a lane's next fault starts after the last ended.
  steps.sort((a, b) => a.t - b.t || Number(b.end) - Number(a.end) || a.fault.id - b.fault.id);
  for (const s of steps) {
    world.runUntil(s.t);
    if (s.end) driver.end(s.fault);
    else driver.start(s.fault);
  }
  world.runUntil(phaseMs);
}

/**
 * Liveness: a leader, then a put that completes. The probe is a one-operation workload on
 * the first connected client (a world input, so replays include it), retried until the
 * deadline.
 */
function awaitProgress(world: World, deadline: number): boolean {
  if (!waitUntil(world, () => world.leader() !== undefined, deadline)) return false;
  const wc = world.clients.find((c) => c.client !== undefined);
  if (wc === undefined) return false;
  while (world.now < deadline) {
    const before = wc.history.events.length;
    world.input({ type: 'workload-start', client: wc.name, workload: { mix: { put: 1 }, keys: 1, keyPrefix: `${KEY_PREFIX}probe`, operations: 1, concurrency: 1, rate: 1000, timeoutMs: PROBE_TIMEOUT_MS } });
    const done = () => wc.history.events.slice(before).some((e) => e.type !== 'invoke');
    if (!waitUntil(world, done, Math.min(deadline, world.now + PROBE_TIMEOUT_MS + 100))) continue;
    if (wc.history.events.slice(before).some((e) => e.type === 'ok')) return true;
  }
  return false;
}

/** Runs until `pred` holds, looking every POLL_MS, or until `deadline`; returns whether it held. */
function waitUntil(world: World, pred: () => boolean, deadline: number, everyPoll?: () => void): boolean {
  while (!pred()) {
    if (world.now >= deadline) return false;
    world.runUntil(Math.min(deadline, world.now + POLL_MS));
    everyPoll?.();
  }
  return true;
}
