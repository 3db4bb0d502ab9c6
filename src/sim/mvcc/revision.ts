// Revisions (spec server.md §6.1): `main` counts store-wide write transactions, `sub`
// orders the changes inside one transaction.

export interface Revision {
  readonly main: number;
  readonly sub: number;
}

/** Orders revisions by main, then sub. */
export function compareRevision(a: Revision, b: Revision): number {
  return a.main !== b.main ? a.main - b.main : a.sub - b.sub;
}

export function revisionGreaterThan(a: Revision, b: Revision): boolean {
  return compareRevision(a, b) > 0;
}

/** A set of revisions by value (etcd's map[Revision]struct{}), holding revisionKey()s. */
export type RevisionSet = Set<number | string>;

const SUB_LIMIT = 2 ** 20;

/**
 * A value key for a revision: a number while sub < 2^20 (main stays exact below 2^33), a
 * string for the rare transaction with more changes than that.
 */
export function revisionKey(rev: Revision): number | string {
  return rev.sub < SUB_LIMIT ? rev.main * SUB_LIMIT + rev.sub : `${rev.main}_${rev.sub}`;
}
