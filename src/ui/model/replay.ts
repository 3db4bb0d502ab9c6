// Which recorded inputs a fork keeps. The sliced re-execution itself is World.replaySteps.

import type { RecordedInput } from '../../sim/world/inputs';

/** Inputs a fork at time t keeps: those applied at or before it. */
export function inputsUntil(inputs: readonly RecordedInput[], t: number): RecordedInput[] {
  return inputs.filter((r) => r.t <= t);
}
