// The file a failing seed leaves behind: enough to replay the failure exactly.
// No scenario schema exists yet (src/scenarios/schema.ts is the scenarios engineer's);
// until it does, the file holds what World.replay(config, inputs, until) accepts, plus
// the fuzz schedule, which runSchedule reruns exactly when the run had traffic beyond
// world inputs (watches, compaction, an injected client bug: `replayableByWorld` false).

import type { RunResult } from './run';
import type { BugName } from './inject';

export const REPRO_FORMAT = 'etcd-sim/fuzz-repro@1';

export interface Repro {
  format: typeof REPRO_FORMAT;
  seed: number;
  inject?: BugName;
  failures: RunResult['failures'];
  /** World.replay(config, inputs, until) replays the cluster, faults and workloads. */
  config: RunResult['config'];
  inputs: RunResult['inputs'];
  until: number;
  replayableByWorld: boolean;
  /** runSchedule(schedule, { inject }) reruns the whole fuzz run. */
  schedule: RunResult['schedule'];
}

export function toRepro(r: RunResult, inject?: BugName): Repro {
  return {
    format: REPRO_FORMAT,
    seed: r.schedule.seed,
    ...(inject === undefined ? {} : { inject }),
    failures: r.failures,
    config: r.config,
    inputs: r.inputs,
    until: r.until,
    replayableByWorld: r.replayableByWorld,
    schedule: r.schedule,
  };
}

export function reproJSON(r: RunResult, inject?: BugName): string {
  return `${JSON.stringify(toRepro(r, inject), null, 1)}\n`;
}
