// kernel.events_per_wall_second: kernel events scheduled and fired per second, tracing
// off. Each fired event schedules the next one at a random offset in [0, 100) ms, and
// 1,000 events stay pending throughout, so the heap is as deep as in a busy run (a
// 5-member cluster with clients has a few hundred messages in flight plus every
// member's timers). The count is every event fired: 3,000,000 plus the initial 1,000.
import { Kernel } from '../src/sim/kernel/kernel';
import { rate, timed, type Figure } from './figures';

export function kernelEvents(total = 3_000_000, population = 1_000): Figure {
  const kernel = new Kernel(1, 'off');
  const rng = kernel.random('bench');
  const delays = Float64Array.from({ length: 4096 }, () => rng.uniform(0, 100));
  let n = 0;
  const fire = (): void => {
    if (n++ < total) kernel.schedule(delays[n & 4095], fire);
  };
  for (let i = 0; i < population; i++) kernel.schedule(delays[i & 4095], fire);
  const t = timed(() => {
    while (kernel.step()) {
      /* run to empty */
    }
  });
  return rate('kernel.events_per_wall_second', kernel.fired, 'events/s', t, { pending: population });
}
