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

/** A stable string form, "main_sub", for sets of revisions (etcd keys maps by value). */
export function revisionString(rev: Revision): string {
  return `${rev.main}_${rev.sub}`;
}
