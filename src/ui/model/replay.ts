// Rebuilds a world from (config, inputs) up to a time, in slices so the page can show
// progress while it re-executes. It fires exactly what World.replay fires.

import { World } from '../../sim/world/world';
import type { RecordedInput } from '../../sim/world/inputs';

/** Yields the fraction done every `slice` events; returns the world at `until`. */
export function* replaySlices(config: unknown, inputs: readonly RecordedInput[], until: number, slice = 20_000): Generator<number, World> {
  const world = new World(config);
  const kernel = world.kernel;
  let n = 0;
  const progress = () => (until > 0 ? Math.min(1, kernel.now / until) : 1);
  for (const r of inputs) {
    while (kernel.fired < r.at && world.step()) if (++n % slice === 0) yield progress();
    if (kernel.fired !== r.at) {
      throw new Error(`replay diverged: expected ${r.at} events fired before the input at t=${r.t}, got ${kernel.fired}`);
    }
    if (r.t > kernel.now) world.runUntil(r.t);
    world.input(r.input);
  }
  for (let next = kernel.nextTime(); next !== undefined && next <= until; next = kernel.nextTime()) {
    world.step();
    if (++n % slice === 0) yield progress();
  }
  world.runUntil(until);
  return world;
}

/** Runs the slices to the end at once (tests, small runs). */
export function replayNow(config: unknown, inputs: readonly RecordedInput[], until: number): World {
  const it = replaySlices(config, inputs, until);
  for (;;) {
    const r = it.next();
    if (r.done === true) return r.value;
  }
}

/** Inputs a fork at time t keeps: those applied at or before it. */
export function inputsUntil(inputs: readonly RecordedInput[], t: number): RecordedInput[] {
  return inputs.filter((r) => r.t <= t);
}
