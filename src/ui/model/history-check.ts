// "Check this run's history": the clients' histories checked for linearizability in
// time slices between frames (the page never blocks), and on a violation the smallest
// window that cannot be linearized, with its operations, for a jump on the timeline.
import type { HistoryEvent } from '../../sim/check/linearizability/history';
import { loadSimHistory } from '../../sim/check/linearizability/load';
import type { Verdict } from '../../sim/check/linearizability/checker';

/** Wall milliseconds of checking per slice, well under the 50 ms a task may take. */
const SLICE_MS = 8;
/** Search steps allowed before the verdict is 'unknown'. */
const MAX_STEPS = 20_000_000;

export interface WindowOperation {
  /** History index. */
  index: number;
  /** Client process (processes of all clients are numbered apart). */
  process: number;
  /** Virtual ms; Infinity when the outcome is unknown. */
  call: number;
  return: number;
  text: string;
  /** The operation that could not be linearized. */
  stuck: boolean;
}

export interface HistoryReport {
  verdict: Verdict;
  operations: number;
  steps: number;
  /** Wall milliseconds the check took. */
  ms: number;
  window?: {
    proven: boolean;
    start: number;
    end: number;
    operations: WindowOperation[];
    /** The store state the stuck operation could not agree with. */
    stateBefore: string;
  };
}

export type CheckState =
  | { status: 'idle' }
  | { status: 'running'; steps: number }
  | { status: 'done'; report: HistoryReport }
  | { status: 'error'; message: string };

/** Lets the page draw a frame between slices. */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Checks `events` (a simulator history) in slices, reporting the steps taken after each. */
export async function checkHistory(events: readonly HistoryEvent[], progress: (steps: number) => void): Promise<HistoryReport> {
  const started = performance.now();
  const history = loadSimHistory(events);
  const run = history.checkGradually({ maxSteps: MAX_STEPS });
  for (;;) {
    const slice = performance.now() + SLICE_MS;
    let r = run.next();
    while (r.done !== true && performance.now() < slice) r = run.next();
    if (r.done === true) {
      const result = r.value;
      const w = history.violationWindow(result);
      return {
        verdict: result.verdict,
        operations: history.operations.length,
        steps: result.steps,
        ms: Math.round(performance.now() - started),
        window:
          w === undefined
            ? undefined
            : {
                proven: w.proven,
                start: w.start,
                end: w.end,
                stateBefore: w.stateBefore,
                operations: w.operations.map((i) => {
                  const op = history.operations[i];
                  return { index: i, process: op.clientId, call: op.call, return: op.return, text: history.describe(i), stuck: i === w.stuck };
                }),
              },
      };
    }
    progress(r.value);
    await yieldToPage();
  }
}
