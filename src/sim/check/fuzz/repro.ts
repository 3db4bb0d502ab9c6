// The file a failing seed leaves behind: enough to replay the failure exactly. It holds
// what World.replay(config, inputs, until) accepts, the fuzz schedule (runSchedule reruns
// it exactly even when the run had traffic beyond world inputs: watches, compaction, an
// injected client bug; `replayableByWorld` false), and, when world inputs alone replay
// it, a scenario (src/scenarios/schema.ts, version 1, built structurally because src/sim
// must not import src/scenarios) whose expectations fail the way the run did, so the
// page can replay the failure.

import type { RunResult } from './run';
import type { BugName } from './inject';
import type { RecordedInput } from '../../world/inputs';

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
  /** A scenario document for the page (only when replayableByWorld). */
  scenario?: FuzzScenario;
}

/** The subset of the scenario format (src/scenarios/schema.ts, version 1) a repro uses. */
export interface FuzzScenario {
  version: 1;
  name: string;
  title: string;
  description: string;
  seed: number;
  world: Omit<RunResult['config'], 'seed'>;
  steps: { at: number; narration: string; actions: RecordedInput['input'][] }[];
  durationMs: number;
  expectations: ({ type: 'no-invariant-violations' } | { type: 'linearizable'; client: string })[];
}

export function toScenario(r: RunResult): FuzzScenario {
  const { seed: _seed, ...world } = r.config;
  const steps: FuzzScenario['steps'] = [];
  for (const i of r.inputs) {
    const last = steps[steps.length - 1];
    if (last !== undefined && last.at === i.t) {
      last.actions.push(i.input);
      last.narration += `, ${i.input.type}`;
    } else steps.push({ at: i.t, narration: `At t=${Math.round(i.t)} ms: ${i.input.type}`, actions: [i.input] });
  }
  const clients = (r.config.clients ?? []).map((_, i) => `c${i + 1}`);
  return {
    version: 1,
    name: `fuzz-seed-${r.schedule.seed}`,
    title: `Fuzz seed ${r.schedule.seed}`,
    description: `A fault schedule the fuzzer found failing: ${r.failures.map((f) => `${f.check}: ${f.message}`).join('; ')}`,
    seed: r.schedule.seed,
    // The page and the expectations read the trace (the run itself does not depend on it).
    world: { ...world, traceLevel: 'info' },
    steps,
    durationMs: r.until,
    expectations: [
      { type: 'no-invariant-violations' },
      ...(r.failures.some((f) => f.check === 'linearizability') ? clients.map((client) => ({ type: 'linearizable' as const, client })) : []),
    ],
  };
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
    ...(r.replayableByWorld && r.inputs.length > 0 ? { scenario: toScenario(r) } : {}),
  };
}
