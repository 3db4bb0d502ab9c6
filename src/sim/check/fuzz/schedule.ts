// A fault schedule per seed, in the style of TigerBeetle's swarm testing (verification.md
// §3): one seed expands into the cluster's shape, the clients' traffic and a list of
// timed faults, all printed before the run. The list is plain data, so a failing run
// can be shrunk by removing faults (shrink.ts) and replayed from the same seed.

import { RandomStream } from '../../kernel/random';
import type { NetworkSettings } from '../../net/faults';

/** Who a fault hits: the member leading when it starts, or a member by index (0 = m1). */
export type Target = 'leader' | number;

interface Timed {
  /** Stable id within the schedule (kept while shrinking, so summaries name faults). */
  id: number;
  /** Virtual ms after the run starts. */
  at: number;
}

/** A fault that holds until `until` and is then reverted. */
interface Lasting extends Timed {
  until: number;
}

export type Fault =
  /** Loss, duplication, reordering and long-tailed latency on every link. */
  | (Lasting & { kind: 'network'; settings: NetworkSettings })
  /** The leader alone on one side (clients split between the sides). */
  | (Lasting & { kind: 'partition-leader'; clientsWithLeader: number[] })
  /** A minority of members cut off (it may or may not hold the leader). */
  | (Lasting & { kind: 'partition-minority'; minority: number[]; clientsWithMinority: number[] })
  /** Jepsen's majorities-ring: each member sees a majority, but no two see the same one. */
  | (Lasting & { kind: 'partition-ring' })
  /** One direction of one member-to-member link is down. */
  | (Lasting & { kind: 'one-way'; from: Target; to: number })
  /** The process dies (losing what was not fsynced, tearing the tail) and restarts at `until`. */
  | (Lasting & { kind: 'crash'; target: Target })
  /** A graceful stop, then a restart. */
  | (Lasting & { kind: 'stop'; target: Target })
  /** fsync takes `fsyncMs` on the member's disk. */
  | (Lasting & { kind: 'slow-disk'; member: number; fsyncMs: number })
  /** etcd MoveLeader to the member. */
  | (Timed & { kind: 'transfer-leader'; to: number });

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'network',
  'partition-leader',
  'partition-minority',
  'partition-ring',
  'one-way',
  'crash',
  'stop',
  'slow-disk',
  'transfer-leader',
];

/** The per-seed shape of the run: cluster, traffic and disk (TigerBeetle's options_swarm). */
export interface Swarm {
  members: number;
  clients: number;
  /** Workload per client. */
  rate: number;
  concurrency: number;
  keys: number;
  /** Chance that a crash tears the last unsynced WAL record. */
  tornWriteProbability: number;
  /** etcd --snapshot-count: low values make followers catch up from snapshots. */
  snapshotCount: number;
  /** A compaction every this many ms (0: none), keeping the last few revisions. */
  compactEveryMs: number;
  /** Watches per client, recorded for the watch guarantees. */
  watchesPerClient: number;
  /** Occasional large values (a written value padded to `bytes` with `chance`); absent: small values. */
  largeValues?: { chance: number; bytes: number };
}

export interface Schedule {
  seed: number;
  swarm: Swarm;
  /** Faults in start order. */
  faults: Fault[];
  /** Faults start and end within [0, faultPhaseMs); then everything heals. */
  faultPhaseMs: number;
  /** Bound on the virtual time to elect a leader, make progress and converge once healed. */
  settleMs: number;
  /**
   * Whether network faults also hit client-to-member links. Off: partitions and loss touch
   * only peer links, as etcd's robustness failpoints do.
   */
  clientFaults: boolean;
}

export interface ScheduleOptions {
  /** Length of the fault phase (virtual ms). */
  faultPhaseMs?: number;
  /** Upper bound on the number of faults. */
  maxFaults?: number;
  /** Members; drawn from 3 and 5 when absent. */
  members?: number;
  /** Network faults on client links too (default true). */
  clientFaults?: boolean;
  /** The fault kinds to draw from (default all). */
  kinds?: readonly FaultKind[];
  /**
   * Whether network faults duplicate segments (default true). etcd's links are TCP, which
   * discards duplicates, so this changes no delivery (src/sim/net: the TCP rule); kept so
   * schedules of older runs stay the same.
   */
  duplication?: boolean;
  /**
   * Whether seeds may write large values (default false): a seed then draws, from its own
   * stream (the rest of the schedule stays as without), either small values or occasional
   * objects of 256 KiB to 1 MiB, as Kubernetes stores. Such appends fill raft's 1 MiB
   * messages (MaxSizePerMsg), so a follower catching up acks part of a leader's tail.
   */
  largeValues?: boolean;
  /**
   * Whether one member is down from the start of the fault phase to its end (default
   * false): a failed machine not yet replaced, so the cluster runs without fault
   * tolerance. It takes the process lane: no other crash or stop is drawn.
   */
  memberDown?: boolean;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** The schedule of `seed`: the same seed always gives the same schedule. */
export function generateSchedule(seed: number, options: ScheduleOptions = {}): Schedule {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ScheduleError(`seed must be a whole number >= 0 (got ${seed})`);
  const faultPhaseMs = options.faultPhaseMs ?? 10_000;
  if (!(faultPhaseMs >= 1000)) throw new ScheduleError(`the fault phase must last at least 1000 ms (got ${faultPhaseMs})`);
  const maxFaults = options.maxFaults ?? 8;
  if (!Number.isInteger(maxFaults) || maxFaults < 0) throw new ScheduleError(`maxFaults must be a whole number >= 0 (got ${maxFaults})`);
  const rng = RandomStream.derive(seed, 'fuzz/schedule');
  const swarm = drawSwarm(rng, options.members);
  const kinds = options.kinds ?? FAULT_KINDS;
  const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k));
  if (kinds.length === 0 || unknown.length > 0) throw new ScheduleError(`fault kinds must be some of ${FAULT_KINDS.join(', ')} (got ${JSON.stringify(kinds)})`);
  let faults = drawFaults(rng, swarm, kinds, faultPhaseMs, maxFaults, options.duplication ?? true);
  if (options.memberDown === true) {
    const down = RandomStream.derive(seed, 'fuzz/down');
    const id = faults.reduce((max, f) => Math.max(max, f.id), -1) + 1;
    const crash: Fault = { id, at: Math.round(down.uniform(0, 1000)), until: faultPhaseMs, kind: 'crash', target: down.int(0, swarm.members - 1) };
    faults = [crash, ...faults.filter((f) => laneOf(f.kind) !== 'process')].sort((a, b) => a.at - b.at || a.id - b.id);
  }
  if (options.largeValues === true) {
    const large = drawLargeValues(RandomStream.derive(seed, 'fuzz/values'));
    if (large !== undefined) swarm.largeValues = large;
  }
  return { seed, swarm, faults, faultPhaseMs, settleMs: 20_000, clientFaults: options.clientFaults ?? true };
}

function drawSwarm(rng: RandomStream, members: number | undefined): Swarm {
  return {
    members: members ?? rng.pick([3, 5]),
    clients: rng.int(2, 3),
    rate: rng.pick([10, 20, 40]),
    concurrency: rng.int(1, 3),
    keys: rng.int(1, 4),
    tornWriteProbability: rng.chance(0.5) ? 0 : rng.uniform(0.5, 1),
    snapshotCount: rng.pick([20, 100, 10_000]),
    compactEveryMs: rng.pick([0, 1000, 2500]),
    watchesPerClient: rng.int(1, 2),
  };
}

/** A quarter of the seeds keep small values; the others write some objects of 256 KiB to 1 MiB. */
function drawLargeValues(rng: RandomStream): Swarm['largeValues'] {
  if (rng.chance(0.25)) return undefined;
  return { chance: rng.pick([0.1, 0.3]), bytes: rng.pick([256, 512, 1024]) * 1024 };
}

/**
 * Faults on lanes so their reverts never undo each other: partitions and one-way links
 * (which a heal clears together), processes (crash, stop), network weather (loss and
 * latency), and a free lane (slow disks, leadership transfers).
 */
function drawFaults(rng: RandomStream, swarm: Swarm, kinds: readonly FaultKind[], phaseMs: number, maxFaults: number, duplication: boolean): Fault[] {
  const count = rng.int(Math.min(1, maxFaults), maxFaults);
  const laneFree = { net: 0, process: 0, weather: 0 };
  const faults: Fault[] = [];
  for (let id = 0; id < count; id++) {
    const kind = rng.pick(kinds);
    const lane = laneOf(kind);
    const earliest = lane === undefined ? 0 : laneFree[lane];
    if (earliest >= phaseMs - 500) continue;
    const at = Math.round(rng.uniform(earliest, phaseMs - 500));
    const until = Math.min(phaseMs, at + Math.round(rng.uniform(300, Math.max(301, phaseMs / 2))));
    if (lane !== undefined) laneFree[lane] = until + 100;
    faults.push(drawFault(rng, swarm, kind, id, at, until, duplication));
  }
  return faults.sort((a, b) => a.at - b.at || a.id - b.id);
}

function laneOf(kind: FaultKind): 'net' | 'process' | 'weather' | undefined {
  switch (kind) {
    case 'network':
      return 'weather';
    case 'partition-leader':
    case 'partition-minority':
    case 'partition-ring':
    case 'one-way':
      return 'net';
    case 'crash':
    case 'stop':
      return 'process';
    default:
      return undefined;
  }
}

function drawFault(rng: RandomStream, swarm: Swarm, kind: FaultKind, id: number, at: number, until: number, duplication: boolean): Fault {
  const n = swarm.members;
  const clients = Array.from({ length: swarm.clients }, (_, i) => i);
  const someClients = () => clients.filter(() => rng.chance(0.5));
  const target = (): Target => (rng.chance(0.5) ? 'leader' : rng.int(0, n - 1));
  switch (kind) {
    case 'network':
      return { id, at, until, kind, settings: drawNetwork(rng, duplication) };
    case 'partition-leader':
      return { id, at, until, kind, clientsWithLeader: someClients() };
    case 'partition-minority': {
      const size = rng.int(1, Math.max(1, Math.floor((n - 1) / 2)));
      const minority = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, size).sort((a, b) => a - b);
      return { id, at, until, kind, minority, clientsWithMinority: someClients() };
    }
    case 'partition-ring':
      return { id, at, until, kind };
    case 'one-way':
      return { id, at, until, kind, from: target(), to: rng.int(0, n - 1) };
    case 'crash':
    case 'stop':
      return { id, at, until, kind, target: target() };
    case 'slow-disk':
      return { id, at, until, kind, member: rng.int(0, n - 1), fsyncMs: rng.pick([20, 100, 400]) };
    case 'transfer-leader':
      return { id, at, kind, to: rng.int(0, n - 1) };
  }
}

/** Loss 0-30 %, duplication and reordering, latency 1-200 ms with a long tail. */
function drawNetwork(rng: RandomStream, duplication: boolean): NetworkSettings {
  const min = rng.int(1, 10);
  const median = min + rng.int(0, 40);
  const max = Math.max(median, rng.int(50, 200));
  // Drawn either way, so turning duplication off changes nothing else in the schedule.
  const duplicate = round2(rng.uniform(0, 0.1));
  return {
    latency: { kind: 'longtail', min, median, sigma: 1, max },
    drop: round2(rng.uniform(0, 0.3)),
    duplicate: duplication ? duplicate : 0,
    reorder: round2(rng.uniform(0, 0.3)),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** One line per fault, for printing at the start of a run. */
export function describeFault(f: Fault): string {
  const span = 'until' in f ? `${f.at}-${f.until} ms` : `${f.at} ms`;
  const who = (t: Target) => (t === 'leader' ? 'the leader' : `m${t + 1}`);
  switch (f.kind) {
    case 'network': {
      const l = f.settings.latency;
      const latency = l.kind === 'longtail' ? `${l.min}-${l.max} ms (median ${l.median})` : JSON.stringify(l);
      return `#${f.id} ${span} network: loss ${pct(f.settings.drop)}, duplicate ${pct(f.settings.duplicate)}, reorder ${pct(f.settings.reorder)}, latency ${latency}`;
    }
    case 'partition-leader':
      return `#${f.id} ${span} partition: the leader alone${clientList(f.clientsWithLeader, 'with')}`;
    case 'partition-minority':
      return `#${f.id} ${span} partition: minority ${f.minority.map((i) => `m${i + 1}`).join(',')} cut off${clientList(f.clientsWithMinority, 'with')}`;
    case 'partition-ring':
      return `#${f.id} ${span} partition: majorities ring`;
    case 'one-way':
      return `#${f.id} ${span} one-way: ${who(f.from)} cannot reach m${f.to + 1}`;
    case 'crash':
    case 'stop':
      return `#${f.id} ${span} ${f.kind} ${who(f.target)}, then restart`;
    case 'slow-disk':
      return `#${f.id} ${span} slow disk: m${f.member + 1} fsync ${f.fsyncMs} ms`;
    case 'transfer-leader':
      return `#${f.id} ${span} transfer leadership to m${f.to + 1}`;
  }
}

function pct(p: number): string {
  return `${Math.round(p * 100)} %`;
}

function clientList(clients: readonly number[], word: string): string {
  return clients.length === 0 ? '' : ` (${word} ${clients.map((c) => `c${c + 1}`).join(',')})`;
}

export function describeSwarm(s: Swarm): string {
  return (
    `${s.members} members, ${s.clients} clients x ${s.rate} ops/s (${s.concurrency} processes, ${s.keys} keys), ` +
    `${s.watchesPerClient} watch(es) per client, torn writes ${pct(s.tornWriteProbability)}, snapshot-count ${s.snapshotCount}, ` +
    `compaction ${s.compactEveryMs === 0 ? 'off' : `every ${s.compactEveryMs} ms`}` +
    (s.largeValues === undefined ? '' : `, ${pct(s.largeValues.chance)} of values ${s.largeValues.bytes / 1024} KiB`)
  );
}
