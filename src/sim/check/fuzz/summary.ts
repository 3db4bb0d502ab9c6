// Totals over a fuzz session: runs, operations, faults fired by kind, failures.

import type { RunResult } from './run';
import { FAULT_KINDS, type FaultKind } from './schedule';

export interface Summary {
  runs: number;
  failed: number[];
  operations: number;
  okOperations: number;
  watchEvents: number;
  compactions: number;
  lincheckInconclusive: number[];
  virtualMs: number;
  fired: Record<FaultKind, number>;
  /** Runs in which each check failed. */
  failuresByCheck: Record<string, number>;
}

export function emptySummary(): Summary {
  return {
    runs: 0,
    failed: [],
    operations: 0,
    okOperations: 0,
    watchEvents: 0,
    compactions: 0,
    lincheckInconclusive: [],
    virtualMs: 0,
    fired: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    failuresByCheck: {},
  };
}

export function addRun(s: Summary, r: RunResult): void {
  s.runs++;
  if (r.failures.length > 0) s.failed.push(r.schedule.seed);
  s.operations += r.stats.operations;
  s.okOperations += r.stats.okOperations;
  s.watchEvents += r.stats.watchEvents;
  s.compactions += r.stats.compactions;
  s.virtualMs += r.stats.virtualMs;
  if (r.stats.lincheckInconclusive) s.lincheckInconclusive.push(r.schedule.seed);
  for (const [kind, n] of Object.entries(r.stats.fired)) s.fired[kind as FaultKind] += n ?? 0;
  for (const check of new Set(r.failures.map((f) => f.check))) s.failuresByCheck[check] = (s.failuresByCheck[check] ?? 0) + 1;
}
