// Shared quorum types (quorum/quorum.go).

/** Returns the index acknowledged by a voter, or undefined if it has none. */
export interface AckedIndexer {
  ackedIndex(voterID: number): number | undefined;
  /**
   * Optional bulk form: the acked index of each of `ids` (ascending) into `out`, 0 for
   * none. The leader asks for a quorum's indexes on every ack; this spares a lookup each.
   */
  ackedIndexes?(ids: readonly number[], out: number[]): void;
}

export enum VoteResult {
  /** The outcome is not yet known: missing votes could still decide it. */
  VotePending = 1,
  VoteLost = 2,
  VoteWon = 3,
}

/** The committed index of an empty configuration (2^64-1 in etcd). */
export const unlimitedIndex = Infinity;

export function indexString(i: number): string {
  return i === unlimitedIndex ? '∞' : String(i);
}
