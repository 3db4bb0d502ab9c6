import { Bitset } from './bitset';
import { lift, linkEntries, makeEntries, unlift } from './entries';
import type { EntryNode } from './entries';
import type { Model, Operation } from './model';

/**
 * The Wing-Gong / Lowe linearizability check as Porcupine implements it
 * (checker.go, checkSingle): a depth-first search over the order in which
 * pending operations take effect, memoized on (set of operations linearized,
 * model state), run separately on each partition of the history.
 *
 * Two shortcuts for operations of unknown outcome (open to the end), both
 * sound because such an operation may also never take effect: the search
 * succeeds once every completed operation is linearized, and it never
 * linearizes an open operation where doing so leaves the state unchanged.
 * On Jepsen's etcd histories they halve the work.
 */

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface CheckOptions {
  /** Search steps allowed over all partitions (checked every SLICE steps); the verdict is 'unknown' when they run out. */
  maxSteps?: number;
}

export interface PartitionResult {
  /** The partition's operations, as indices into the checked history, in history order. */
  operations: number[];
  verdict: Verdict;
  /**
   * The longest sequence of operations the search managed to linearize, in
   * linearization order (when 'unknown': so far).
   */
  longest: number[];
  /**
   * Where the deepest search got stuck: the operation that had returned but
   * could not be linearized after `longest` (when 'unknown': so far). Absent
   * when linearizable.
   */
  stuck?: number;
}

export interface CheckResult {
  verdict: Verdict;
  partitions: PartitionResult[];
  /** Search steps taken: a deterministic measure of effort. */
  steps: number;
}

export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const run = checkGradually(model, history, options);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/**
 * The same check, pausing after each round (a slice of SLICE steps for each
 * unfinished partition) and reporting the steps taken so far, so that a page
 * can spread it over frames.
 */
export function* checkGradually<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): Generator<number, CheckResult> {
  history.forEach((op, i) => {
    if (!Number.isFinite(op.call)) throw new Error(`operation ${i} has no invocation time (${op.call})`);
    if (!(op.call <= op.return)) throw new Error(`operation ${i} returns (${op.return}) before its call (${op.call})`);
  });
  const groups = model.partition ? model.partition(history) : [history.map((_, i) => i)];
  const searches = groups.map((group) => searchPartition(model, group.map((i) => history[i])));
  // Partitions take turns, a slice of steps each, and the check stops at the
  // first one found not linearizable: Porcupine runs them in parallel and stops
  // the same way, and some partitions of a bad history are far harder than others.
  // A partition not finished (out of steps, or stopped by another's failure)
  // keeps the progress it last reported, with the verdict 'unknown'.
  const latest = groups.map((): SearchResult => ({ verdict: 'unknown', longest: [], steps: 0 }));
  const finished = groups.map(() => false);
  const maxSteps = options.maxSteps ?? Infinity;
  let steps = 0;
  let failed = false;
  while (!failed && steps < maxSteps && finished.includes(false)) {
    searches.forEach((search, i) => {
      if (failed || finished[i] || steps >= maxSteps) return;
      const next = search.next();
      steps += next.value.steps - latest[i].steps;
      latest[i] = next.value;
      finished[i] = next.done === true;
      failed = next.value.verdict === 'not-linearizable';
    });
    yield steps;
  }
  const partitions = groups.map((group, i): PartitionResult => {
    const { verdict, longest, stuck } = latest[i];
    return {
      operations: group,
      verdict,
      longest: longest.map((id) => group[id]),
      ...(stuck === undefined ? {} : { stuck: group[stuck] }),
    };
  });
  return { verdict: combine(partitions.map((p) => p.verdict)), partitions, steps };
}

/** Steps a partition's search takes per turn. */
const SLICE = 1024;

function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('not-linearizable')) return 'not-linearizable';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'linearizable';
}

interface SearchResult {
  verdict: Verdict;
  longest: number[];
  stuck?: number;
  steps: number;
}

interface CacheEntry<S> {
  linearized: Bitset;
  state: S;
}

/** The search over one partition, pausing after every SLICE steps to report its progress. */
function* searchPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): Generator<SearchResult, SearchResult> {
  const head = linkEntries(makeEntries(ops));
  const linearized = Bitset.empty(ops.length);
  // Keyed by a hash of (linearized, state); collisions are resolved by equality.
  const cache = new Map<number, CacheEntry<S>[]>();
  const calls: { entry: EntryNode; state: S }[] = [];
  let state = model.init();
  let longest: number[] = [];
  let stuck: number | undefined;
  let steps = 0;
  let entry = head.next;
  while (entry !== null) {
    if (++steps % SLICE === 0) yield { verdict: 'unknown', longest, stuck, steps };
    if (entry.match !== null) {
      // A call: try to linearize the operation here.
      const op = ops[entry.id];
      const { ok, newState } = model.step(state, op.input, op.output);
      // An operation open to the end may as well never take effect, so taking
      // effect without changing the state gains nothing: skip that branch.
      const pointless = op.return === Infinity && model.equal(newState, state);
      if (ok && !pointless && remember(model, cache, linearized, entry.id, newState)) {
        calls.push({ entry, state });
        state = newState;
        linearized.set(entry.id);
        lift(entry);
        entry = head.next;
      } else {
        entry = entry.next;
      }
    } else if (ops[entry.id].return === Infinity) {
      // Every completed operation is linearized; those still open may take
      // effect later or never (Porcupine linearizes them last, to the same end).
      break;
    } else {
      // A return whose call is still in the list: the operation ended without
      // being linearized, so undo the last choice and try the next one.
      if (stuck === undefined || calls.length > longest.length) {
        longest = calls.map((c) => c.entry.id);
        stuck = entry.id;
      }
      const top = calls.pop();
      if (top === undefined) return { verdict: 'not-linearizable', longest, stuck, steps };
      entry = top.entry;
      state = top.state;
      linearized.clear(entry.id);
      unlift(entry);
      entry = entry.next;
    }
  }
  return { verdict: 'linearizable', longest: calls.map((c) => c.entry.id), steps };
}

/** Adds (linearized + id, state) to the cache; false if it was already there (already explored). */
function remember<S, I, O>(
  model: Model<S, I, O>,
  cache: Map<number, CacheEntry<S>[]>,
  linearized: Bitset,
  id: number,
  state: S,
): boolean {
  // Masked to 30 bits so V8 keeps the Map key a small integer rather than a heap number.
  const key = (linearized.hashWith(id) ^ Math.imul(model.hash(state), 0x9e3779b1)) & 0x3fffffff;
  const bucket = cache.get(key);
  if (bucket === undefined) {
    cache.set(key, [{ linearized: linearized.with(id), state }]);
    return true;
  }
  for (const c of bucket) if (linearized.equalsWith(id, c.linearized) && model.equal(c.state, state)) return false;
  bucket.push({ linearized: linearized.with(id), state });
  return true;
}
