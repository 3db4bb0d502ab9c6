/**
 * The cluster's committed prefix as observed so far: the term of every index from 1
 * up to the highest index known committed without a gap. Committed prefixes of all
 * members must agree (raft.md §11 #6, TLA+ LogInv), so one shared prefix suffices.
 */
export class CommittedPrefix {
  /** terms[i] is the committed term at index i; index 0 is the empty origin. */
  private readonly terms: number[] = [0];

  get lastIndex(): number {
    return this.terms.length - 1;
  }

  termAt(index: number): number | undefined {
    return index >= 1 && index <= this.lastIndex ? this.terms[index] : undefined;
  }

  /**
   * Notes that (index, term) is committed. Returns the different term already
   * committed there, if any. An index past lastIndex + 1 cannot be placed yet (its
   * predecessors are unknown) and is skipped.
   */
  note(index: number, term: number): number | undefined {
    if (index === this.terms.length) {
      this.terms.push(term);
      return undefined;
    }
    const known = this.termAt(index);
    return known !== undefined && known !== term ? known : undefined;
  }

  /** The highest committed index whose term is below `term`, or 0; terms never fall along a log. */
  lastIndexBelow(term: number): number {
    let lo = 0;
    let hi = this.lastIndex;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.terms[mid] < term) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
