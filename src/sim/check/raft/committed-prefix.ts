/**
 * The cluster's committed prefix as observed so far: for every index from 1 up to the
 * highest index known committed without a gap, the entry's term and the term in which
 * it was committed. Committed prefixes of all members must agree (raft.md §11 #6, TLA+
 * LogInv), so one shared prefix suffices.
 *
 * Leader Completeness is about the commit term (Raft paper §5.4: an entry committed in
 * term U is in the log of every leader of a term above U), which may exceed the
 * entry's own term: a stale leader of term 2 may lack an entry of term 1 that a
 * leader of term 3 commits later. Committing an index commits all below it, so commit
 * terms are kept as runs that never fall along the index: a later, lower commit term
 * lowers the runs before it (amortized O(1) per index).
 */
export class CommittedPrefix {
  /** terms[i] is the term of the committed entry at index i; index 0 is the empty origin. */
  private readonly terms: number[] = [0];
  /** Runs of equal commit term: run k covers runStart[k] up to the next run's start. */
  private readonly runStart: number[] = [];
  private readonly runTerm: number[] = [];

  get lastIndex(): number {
    return this.terms.length - 1;
  }

  termAt(index: number): number | undefined {
    return index >= 1 && index <= this.lastIndex ? this.terms[index] : undefined;
  }

  /**
   * Notes that (index, term) is committed, in term `commitTerm` at the latest. Returns
   * the different term already committed there, if any. An index past lastIndex + 1
   * cannot be placed yet (its predecessors are unknown) and is skipped.
   */
  note(index: number, term: number, commitTerm: number): number | undefined {
    if (index === this.terms.length) {
      this.terms.push(term);
      let start = index;
      while (this.runTerm.length > 0 && this.runTerm[this.runTerm.length - 1] >= commitTerm) {
        this.runTerm.pop();
        start = this.runStart.pop() ?? start;
      }
      this.runStart.push(start);
      this.runTerm.push(commitTerm);
      return undefined;
    }
    const known = this.termAt(index);
    return known !== undefined && known !== term ? known : undefined;
  }

  /** A copy of the prefix up to `upTo` (inclusive), with the same commit terms. */
  truncated(upTo: number): CommittedPrefix {
    const copy = new CommittedPrefix();
    const last = Math.min(upTo, this.lastIndex);
    for (let i = 1; i <= last; i++) copy.terms.push(this.terms[i]);
    for (let k = 0; k < this.runStart.length && this.runStart[k] <= last; k++) {
      copy.runStart.push(this.runStart[k]);
      copy.runTerm.push(this.runTerm[k]);
    }
    return copy;
  }

  /** The highest index committed in a term below `term`, or 0. */
  lastIndexCommittedBefore(term: number): number {
    let lo = -1;
    let hi = this.runTerm.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runTerm[mid] < term) lo = mid;
      else hi = mid - 1;
    }
    if (lo < 0) return 0;
    return lo + 1 < this.runStart.length ? this.runStart[lo + 1] - 1 : this.lastIndex;
  }
}
