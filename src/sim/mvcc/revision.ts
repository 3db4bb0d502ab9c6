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

/**
 * Sub revisions per main revision: a transaction may make at most this many changes. With
 * main revisions below 2^32 every revision then has an exact number key (below 2^53).
 */
export const MAX_SUB = 2 ** 21;

/** A number ordered like the revision, for ordered maps and sets keyed by revision. */
export function revisionKey(rev: Revision): number {
  return rev.main * MAX_SUB + rev.sub;
}

export function revisionFromKey(key: number): Revision {
  return { main: Math.floor(key / MAX_SUB), sub: key % MAX_SUB };
}

/** A set of revisions by value (etcd's map[Revision]struct{}), holding revisionKey()s. */
export type RevisionSet = Set<number>;
