import type { MemberId } from './observation';

/** Invariant names as in raft.md §11 (and the TLA+ names of verification.md §5). */
export type InvariantName =
  | 'Election Safety'
  | 'Leader Append-Only'
  | 'Log Matching'
  | 'Leader Completeness'
  | 'State Machine Safety'
  | 'Committed Prefix Agreement'
  | 'Monotonicity'
  | 'One Vote Per Term'
  | 'Quorum Log';

export interface Violation {
  readonly invariant: InvariantName;
  /** The member whose observation broke the invariant. */
  readonly member: MemberId;
  /** The `t` of that observation, when it had one. */
  readonly t?: number;
  /** Position of that observation in the checked sequence, from 0. */
  readonly seq: number;
  /** One sentence, starting with the invariant's name. */
  readonly message: string;
  /** The numbers behind the message. */
  readonly details: Readonly<Record<string, number | string | readonly number[]>>;
}

/** An observation that cannot describe any run (e.g. a gap in the log): the emitter is wrong. */
export class InvalidObservationError extends Error {
  constructor(
    readonly seq: number,
    reason: string,
  ) {
    super(`observation ${seq}: ${reason}`);
    this.name = 'InvalidObservationError';
  }
}
