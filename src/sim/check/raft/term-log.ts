/**
 * A log reduced to what the safety invariants compare: the term of each entry after
 * a snapshot point. Entries at or below the snapshot index are compacted; the term
 * at the snapshot index itself stays known, as in etcd's raftLog (raft.md §4.1).
 */
export class TermLog {
  private snapIndex = 0;
  private snapTerm = 0;
  /** terms[k] is the term of the entry at snapIndex + 1 + k. */
  private readonly terms: number[] = [];

  get snapshotIndex(): number {
    return this.snapIndex;
  }

  get lastIndex(): number {
    return this.snapIndex + this.terms.length;
  }

  get lastTerm(): number {
    return this.terms.length === 0 ? this.snapTerm : this.terms[this.terms.length - 1];
  }

  /** The term at `index`, or undefined when it is compacted away or beyond the end. */
  termAt(index: number): number | undefined {
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex || index > this.lastIndex) return undefined;
    return this.terms[index - this.snapIndex - 1];
  }

  /** Whether the log holds (index, term); an index inside the snapshot counts as held. */
  holds(index: number, term: number): boolean {
    return index < this.snapIndex || this.termAt(index) === term;
  }

  /** Discards every entry at `from` or above. */
  truncateFrom(from: number): void {
    this.terms.length = Math.max(0, Math.min(this.terms.length, from - this.snapIndex - 1));
  }

  /** Appends the entry at lastIndex + 1. */
  push(term: number): void {
    this.terms.push(term);
  }

  /** Replaces the whole log by a snapshot (etcd MemoryStorage.ApplySnapshot, raft.md §4.9). */
  restore(index: number, term: number): void {
    this.snapIndex = index;
    this.snapTerm = term;
    this.terms.length = 0;
  }
}
