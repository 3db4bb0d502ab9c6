// Shared quorum types (quorum/quorum.go).

/** Returns the index acknowledged by a voter, or undefined if it has none. */
export interface AckedIndexer {
  ackedIndex(voterID: number): number | undefined;
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
