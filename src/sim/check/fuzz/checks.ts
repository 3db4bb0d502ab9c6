// The checks every fuzz run ends with. Each failure names its check and says what broke.

import type { World } from '../../world/world';
import type { HistoryEvent } from '../linearizability/history';
import { loadSimHistory } from '../linearizability/load';
import { checkWatches } from '../watch/checker';
import type { RecordedWatch, StoreHistory } from '../watch/history';

export type CheckName = 'raft-invariants' | 'linearizability' | 'watch' | 'kv-hash' | 'liveness' | 'exception';

export interface Failure {
  check: CheckName;
  message: string;
}

/** Search steps the linearizability check may take before answering 'unknown'. */
export const LINCHECK_MAX_STEPS = 5_000_000;

/** Raft safety invariants, checked live on every observation by the world's checker. */
export function raftFailures(world: World): Failure[] {
  return world.violations.slice(0, 5).map((v) => ({ check: 'raft-invariants', message: v.message }));
}

/**
 * All clients' histories as one: process ids are per client, so each client's are shifted
 * past the previous ones; a stable sort by time keeps each client's own order.
 */
export function mergedHistory(world: World): HistoryEvent[] {
  const merged: HistoryEvent[] = [];
  let offset = 0;
  for (const wc of world.clients) {
    let max = -1;
    for (const e of wc.history.events) {
      merged.push({ ...e, process: e.process + offset });
      max = Math.max(max, e.process);
    }
    offset += max + 1;
  }
  return merged.sort((a, b) => a.t - b.t);
}

export interface LinearizabilityOutcome {
  failures: Failure[];
  /** The search ran out of steps: neither verdict. */
  inconclusive: boolean;
  operations: number;
}

export function linearizabilityFailures(world: World): LinearizabilityOutcome {
  const events = mergedHistory(world);
  const operations = events.filter((e) => e.type === 'invoke').length;
  const history = loadSimHistory(events);
  const result = history.check({ maxSteps: LINCHECK_MAX_STEPS });
  if (result.verdict !== 'not-linearizable') return { failures: [], inconclusive: result.verdict === 'unknown', operations };
  const bad = result.partitions.find((p) => p.verdict === 'not-linearizable');
  const stuck = bad?.stuck === undefined ? '' : `: cannot linearize ${history.describe(bad.stuck)}`;
  return { failures: [{ check: 'linearizability', message: `the clients' history is not linearizable${stuck}` }], inconclusive: false, operations };
}

export function watchFailures(watches: readonly RecordedWatch[], store: StoreHistory): Failure[] {
  return checkWatches(watches, store)
    .slice(0, 5)
    .map((v) => ({ check: 'watch', message: v.message }));
}

/** HashKV of every member at its current revision: equal once healed and converged. */
export function memberHashes(world: World): { member: string; revision: number; compactRevision: number; hash: number }[] {
  return world.members.map((m) => {
    const { hash, currentRevision } = m.stateMachine.kv.hashByRev(0);
    return { member: m.name, revision: currentRevision, compactRevision: hash.compactRevision, hash: hash.hash };
  });
}

/** Whether every member runs and all agree on revision and hash. */
export function converged(world: World): boolean {
  if (!world.members.every((m) => m.isRunning)) return false;
  const hs = memberHashes(world);
  return hs.every((h) => h.revision === hs[0].revision && h.hash === hs[0].hash && h.compactRevision === hs[0].compactRevision);
}

export function hashFailures(world: World): Failure[] {
  const hs = memberHashes(world);
  const down = world.members.filter((m) => !m.isRunning).map((m) => m.name);
  if (down.length > 0) return [{ check: 'liveness', message: `members not running after healing: ${down.join(', ')}` }];
  const described = hs.map((h) => `${h.member} rev ${h.revision} hash ${h.hash} (compacted ${h.compactRevision})`).join('; ');
  if (hs.some((h) => h.revision !== hs[0].revision)) return [{ check: 'liveness', message: `members did not converge to one revision: ${described}` }];
  if (hs.some((h) => h.hash !== hs[0].hash || h.compactRevision !== hs[0].compactRevision)) {
    return [{ check: 'kv-hash', message: `HashKV differs between members at revision ${hs[0].revision}: ${described}` }];
  }
  return [];
}
