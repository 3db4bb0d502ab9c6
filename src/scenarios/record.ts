// Turning a session (a world and the inputs a person gave it) into a scenario file: one
// step per instant at which inputs were given. The person can then add narration and
// expectations; by default the scenario expects no Raft invariant to be violated.

import type { World } from '../sim/world/world';
import type { RecordedInput } from '../sim/world/inputs';
import { SCENARIO_VERSION, type Scenario, type Step } from './schema';
import { parseScenario } from './parse';

export interface RecordMeta {
  name: string;
  title: string;
  description: string;
}

/** The session up to virtual time `until` (default: as far as the world has run). */
export function recordScenario(world: World, meta: RecordMeta, until = world.now): Scenario {
  const { seed, ...config } = world.config;
  const steps: Step[] = [];
  for (const r of world.inputs) {
    if (r.t > until) break;
    const last = steps[steps.length - 1];
    if (last !== undefined && last.at === r.t) last.actions.push(r.input);
    else steps.push(stepAt(r));
  }
  // A scenario has at least one step; a session without inputs just watches the cluster.
  if (steps.length === 0) steps.push({ at: 0, narration: 'Nobody changes anything: the cluster runs by itself.', actions: [], withinMs: 30_000, afterMs: 0 });
  return parseScenario({
    version: SCENARIO_VERSION,
    ...meta,
    seed,
    world: config,
    steps,
    durationMs: until,
    expectations: [{ type: 'no-invariant-violations' }],
  });
}

function stepAt(r: RecordedInput): Step {
  return { at: r.t, narration: `At t=${Math.round(r.t)} ms: ${r.input.type}.`, actions: [r.input], withinMs: 30_000, afterMs: 0 };
}
