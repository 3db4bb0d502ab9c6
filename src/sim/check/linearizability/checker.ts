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
  /** The longest sequence of operations the search managed to linearize, in linearization order. */
  longest: number[];
  /**
   * Where the deepest search got stuck: the operation that had returned but
   * could not be linearized after `longest`. Absent when linearizable.
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
  history.forEach((op, i) => {
    if (!(op.call <= op.return)) throw new Error(`operation ${i} returns (${op.return}) before its call (${op.call})`);
  });
  const groups = model.partition ? model.partition(history) : [history.map((_, i) => i)];
  const searches = groups.map((group) =>
    searchPartition(
      model,
      group.map((i) => history[i]),
    ),
  );
  // Partitions take turns, a slice of steps each, and the check stops at the
  // first one found not linearizable: Porcupine runs them in parallel and stops
  // the same way, and some partitions of a bad history are far harder than others.
  const results: (SearchResult | undefined)[] = groups.map(() => undefined);
  const taken = groups.map(() => 0);
  const maxSteps = options.maxSteps ?? Infinity;
  let steps = 0;
  let failed = false;
  while (!failed && steps < maxSteps && results.includes(undefined)) {
    searches.forEach((search, i) => {
      if (failed || results[i] !== undefined || steps >= maxSteps) return;
      const next = search.next();
      const now = next.done ? next.value.steps : next.value;
      steps += now - taken[i];
      taken[i] = now;
      if (next.done) {
        results[i] = next.value;
        failed = next.value.verdict === 'not-linearizable';
      }
    });
  }
  const partitions = groups.map((group, i): PartitionResult => {
    const result = results[i];
    // Not finished: out of steps, or stopped by another partition's failure.
    if (result === undefined) return { operations: group, verdict: 'unknown', longest: [] };
    return {
      operations: group,
      verdict: result.verdict,
      longest: result.longest.map((id) => group[id]),
      ...(result.stuck === undefined ? {} : { stuck: group[result.stuck] }),
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

/** The search over one partition, pausing after every SLICE steps. */
function* searchPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): Generator<number, SearchResult> {
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
    if (++steps % SLICE === 0) yield steps;
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
