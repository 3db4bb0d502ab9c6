// The standard workload, as the verification issue defines it: 5 etcd members, one
// client sending 100 puts per virtual second for 600 virtual seconds, links of 10-15 ms,
// the full stack from the etcd client (gRPC, retry interceptor) through Raft and the WAL
// to MVCC; default tracing, Raft invariant checker off. The client's workload runs
// closed-loop processes, each waiting an exponential pause (mean concurrency / rate) after
// its answer; with 1,000 processes the pauses (10 s mean) dwarf a put's latency (about
// 50 ms), so the offered load is a Poisson stream of 100 puts/s within 1%.
// Shared by the Node benches and the Chromium bench page: no Node imports here.

import type { World } from '../src/sim/world/world';
import type { WorldConfigInput } from '../src/sim/world/config';
import type { WorkloadConfig } from '../src/sim/client/workload';
import { rate, speed, type Figure, type Timing } from './figures';

export const STANDARD_VIRTUAL_SECONDS = 600;

/** Puts only, 100 per virtual second, uniformly over `keys` keys named k/0, k/1, ... */
export function standardWorkload(keys = 1000): Partial<WorkloadConfig> {
  return { mix: { put: 1 }, rate: 100, concurrency: 1000, keys, keyPrefix: 'k/', distribution: 'uniform', timeoutMs: 5000 };
}

/**
 * The standard world with `members` members; its client c1 starts the workload once
 * connected, or stays idle when `idle` (the keys bench fills the store first).
 */
export function standardConfig({ members = 5, keys = 1000, idle = false }: { members?: number; keys?: number; idle?: boolean } = {}): WorldConfigInput {
  return {
    seed: 1,
    members,
    check: false,
    network: { latency: { kind: 'uniform', min: 10, max: 15 } },
    clients: [idle ? {} : { workload: standardWorkload(keys) }],
  };
}

/**
 * Figures of a finished standard run, named `<prefix>.<figure>`:
 *   virtual_seconds_per_wall_second;
 *   completed_puts_per_wall_second: puts the client saw succeed;
 *   committed_proposals_per_wall_second: the leader's commit index, every Raft entry
 *     committed (etcd_server_proposals_committed_total), so it also counts the bootstrap
 *     configuration entries, each new leader's empty entry and the members' own
 *     proposals (attributes, cluster version);
 *   applied_proposals_per_wall_second: entries applied on every member (the lowest
 *     applied index, etcd_server_proposals_applied_total of the slowest member).
 */
export function standardFigures(prefix: string, world: World, virtualSeconds: number, t: Timing, extra: Record<string, string | number> = {}): Figure[] {
  const members = world.members.length;
  const puts = world.client('c1').history.events.filter((e) => e.type === 'ok').length;
  const committed = world.leader()?.committedIndex ?? Math.max(...world.members.map((m) => m.committedIndex));
  const applied = Math.min(...world.members.map((m) => m.appliedIndex));
  const common = { members, virtual_s: virtualSeconds, ...extra };
  return [
    speed(`${prefix}.virtual_seconds_per_wall_second`, virtualSeconds, t, common),
    rate(`${prefix}.completed_puts_per_wall_second`, puts, 'puts/s', t, { puts, ...common }),
    rate(`${prefix}.committed_proposals_per_wall_second`, committed, 'proposals/s', t, { committed, ...common }),
    rate(`${prefix}.applied_proposals_per_wall_second`, applied, 'proposals/s', t, { applied, ...common }),
  ];
}
