// Shrinking a failing run (delta debugging, Zeller's ddmin, on the schedule's fault list):
// rerun deterministically with subsets of the faults and keep the smallest that still
// fails the same check. Then try turning off the traffic beyond world inputs (watches,
// compaction), so the repro file can replay through World.replay alone.

import type { Schedule } from './schedule';
import { runSchedule, type RunOptions, type RunResult } from './run';
import type { CheckName } from './checks';

export interface ShrinkResult {
  schedule: Schedule;
  result: RunResult;
  /** Reruns spent shrinking. */
  runs: number;
}

/** Shrinks `failing` (a run that failed `check`) to a schedule that still fails it. */
export function shrink(failing: RunResult, options: RunOptions = {}, maxRuns = 60): ShrinkResult {
  const check: CheckName = failing.failures[0].check;
  let best = failing;
  let runs = 0;
  const stillFails = (s: Schedule): RunResult | undefined => {
    if (runs >= maxRuns) return undefined;
    runs++;
    const r = runSchedule(s, options);
    return r.failures.some((f) => f.check === check) ? r : undefined;
  };

  let faults = best.schedule.faults;
  let chunks = 2;
  while (faults.length > 0 && runs < maxRuns) {
    const size = Math.ceil(faults.length / chunks);
    let reduced = false;
    for (let start = 0; start < faults.length; start += size) {
      // Try the complement of one chunk.
      const candidate = [...faults.slice(0, start), ...faults.slice(start + size)];
      const r = stillFails({ ...best.schedule, faults: candidate });
      if (r !== undefined) {
        best = r;
        faults = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) break;
      chunks = Math.min(faults.length, chunks * 2);
    }
  }

  for (const swarm of [{ watchesPerClient: 0, compactEveryMs: 0 }, { compactEveryMs: 0 }]) {
    const r = stillFails({ ...best.schedule, swarm: { ...best.schedule.swarm, ...swarm } });
    if (r !== undefined) {
      best = r;
      break;
    }
  }
  return { schedule: best.schedule, result: best, runs };
}
