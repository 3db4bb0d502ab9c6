import type { MemberId, ObservedEntry } from './observation';

/** What the first member to hold the entry at (index, term) showed of it. */
export interface EntryFact {
  readonly term: number;
  /** Term of the entry before it in that member's log; undefined until a log showed it. */
  prevTerm: number | undefined;
  digest: string | undefined;
  readonly member: MemberId;
}

/**
 * One fact per (index, term) ever held by any member. Log Matching across all logs
 * reduces to: every holder of (i, t) agrees on the term at i - 1 (by induction the
 * whole prefix then agrees) and on the payload (raft.md §11 #3). Checking one entry
 * costs one map lookup, so the check stays incremental.
 */
export class EntryRegistry {
  /** index -> facts for the terms seen at that index (almost always one). */
  private readonly facts = new Map<number, EntryFact[]>();

  /**
   * Records that `member` holds `entry` after an entry of term `prevTerm` (undefined
   * when not known, e.g. for an applied entry). Returns the earlier fact it
   * contradicts, or undefined when it agrees (missing fields are filled in).
   */
  learn(entry: ObservedEntry, prevTerm: number | undefined, member: MemberId): EntryFact | undefined {
    let atIndex = this.facts.get(entry.index);
    if (atIndex === undefined) {
      atIndex = [];
      this.facts.set(entry.index, atIndex);
    }
    const fact = atIndex.find((f) => f.term === entry.term);
    if (fact === undefined) {
      atIndex.push({ term: entry.term, prevTerm, digest: entry.digest, member });
      return undefined;
    }
    const prevDiffers = prevTerm !== undefined && fact.prevTerm !== undefined && prevTerm !== fact.prevTerm;
    const digestDiffers = entry.digest !== undefined && fact.digest !== undefined && entry.digest !== fact.digest;
    if (prevDiffers || digestDiffers) return fact;
    fact.prevTerm ??= prevTerm;
    fact.digest ??= entry.digest;
    return undefined;
  }
}
