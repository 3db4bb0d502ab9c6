import type { CheckResult } from './checker';
import type { Model, Operation } from './model';

/**
 * Where a history stops being linearizable, small enough to show: the
 * operation the deepest search could not linearize (`stuck`), the last
 * operation of its partition that had completed before it began, and every
 * operation of the partition in between or overlapping. Any ordering the
 * search tried failed within this span, so this is where to look on the
 * timeline.
 */
export interface ViolationWindow {
  /**
   * True for a proven violation; false when the search ran out of steps and
   * this is only where it had got stuck deepest: a suspect, not a verdict.
   */
  proven: boolean;
  /** Index of the partition in the result. */
  partition: number;
  /** The operation that could not be linearized (history index). */
  stuck: number;
  /** The window's operations (history indices), by invocation time. */
  operations: number[];
  /** Time span to show: from the first invocation in the window to the stuck operation's return. */
  start: number;
  end: number;
  /** The longest linearization the search found, up to the stuck operation (history indices, in order). */
  linearized: number[];
  /** The model state after `linearized`: what the stuck operation could not agree with. */
  stateBefore: string;
}

export function findViolationWindow<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  result: CheckResult,
): ViolationWindow | undefined {
  const failed = result.partitions.findIndex((p) => p.verdict === 'not-linearizable');
  const partition = failed >= 0 ? failed : result.partitions.findIndex((p) => p.verdict === 'unknown' && p.stuck !== undefined);
  if (partition < 0) return undefined;
  const { operations, longest, stuck } = result.partitions[partition];
  if (stuck === undefined) return undefined;
  const s = history[stuck];
  const before = operations.filter((i) => history[i].return < s.call).map((i) => history[i].return);
  const from = before.length > 0 ? Math.max(...before) : -Infinity;
  const span = operations
    .filter((i) => history[i].call <= s.return && history[i].return >= from)
    .sort((a, b) => history[a].call - history[b].call || a - b);
  let state = model.init();
  for (const i of longest) state = model.step(state, history[i].input, history[i].output).newState;
  return {
    proven: failed >= 0,
    partition,
    stuck,
    operations: span,
    start: history[span[0]].call,
    end: s.return,
    linearized: longest,
    stateBefore: model.describeState(state),
  };
}
