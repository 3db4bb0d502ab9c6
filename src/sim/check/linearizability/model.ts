/**
 * What the checker needs to know about a sequential object: Porcupine's Model.
 * Histories are lists of operations; a model says which operations are legal
 * in which state.
 */

/** One client operation: what was asked, what came back, and when. */
export interface Operation<I, O> {
  /** The client (Jepsen process) that issued it; a client runs one operation at a time. */
  clientId: number;
  input: I;
  /** Invocation time: virtual ms, or the event's position in the history file. */
  call: number;
  output: O;
  /** Completion time; Infinity when the outcome is unknown, so it stays open to the end. */
  return: number;
  /** The line of its invocation in the history file it was read from. */
  line?: number;
}

export interface StepResult<S> {
  /** Whether the operation, with this output, is legal in the state. */
  ok: boolean;
  newState: S;
}

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /** Must be pure: the checker calls it many times on the same state while it searches. */
  step(state: S, input: I, output: O): StepResult<S>;
  equal(a: S, b: S): boolean;
  /** Equal states must hash equally (the checker caches visited states). */
  hash(state: S): number;
  /**
   * Splits a history into independent sub-histories (P-compositionality, e.g.
   * one per key), as lists of indices into the history. Absent: one partition.
   */
  partition?(history: readonly Operation<I, O>[]): number[][];
  describeOperation(input: I, output: O): string;
  describeState(state: S): string;
}
