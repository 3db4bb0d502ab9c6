// A simple majority configuration (quorum/majority.go, spec §3.8, §4.6).
import type { AckedIndexer } from './quorum';
import { VoteResult, indexString, unlimitedIndex } from './quorum';

export class MajorityConfig {
  readonly ids: Set<number>;
  private sortedCache: number[] | undefined;
  // Scratch space for committedIndex, reused to avoid allocating on the hot path.
  private scratch: number[] = [];

  constructor(ids?: Iterable<number>) {
    this.ids = new Set(ids);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number): void {
    this.ids.add(id);
    this.sortedCache = undefined;
  }

  delete(id: number): void {
    this.ids.delete(id);
    this.sortedCache = undefined;
  }

  clone(): MajorityConfig {
    return new MajorityConfig(this.ids);
  }

  /** The member ids in ascending order (cached; do not mutate). */
  slice(): readonly number[] {
    if (this.sortedCache === undefined) this.sortedCache = Array.from(this.ids).sort((a, b) => a - b);
    return this.sortedCache;
  }

  /** `(1 2 3)`. */
  toString(): string {
    return '(' + this.slice().join(' ') + ')';
  }

  /**
   * The largest index acknowledged by a majority: sort the voters' acked indexes
   * (missing = 0) and take the one at position n - (n/2 + 1).
   */
  committedIndex(l: AckedIndexer): number {
    const ids = this.slice();
    const n = ids.length;
    if (n === 0) return unlimitedIndex;
    let srt = this.scratch;
    // Packed small integers: a typed array would hand back doubles, and the commit index
    // fields they flow into would be boxed.
    if (srt.length !== n) srt = this.scratch = Array.from({ length: n }, () => 0);
    if (l.ackedIndexes !== undefined) l.ackedIndexes(ids, srt);
    else for (let i = 0; i < n; i++) srt[i] = l.ackedIndex(ids[i]) ?? 0;
    // Insertion sort: n is small (a handful of voters).
    for (let i = 1; i < n; i++) {
      const v = srt[i];
      let b = i - 1;
      while (b >= 0 && srt[b] > v) {
        srt[b + 1] = srt[b];
        b--;
      }
      srt[b + 1] = v;
    }
    return srt[n - ((n >> 1) + 1)];
  }

  /** Won if a majority voted yes, Lost if that is impossible, else Pending. */
  voteResult(votes: ReadonlyMap<number, boolean> | undefined): VoteResult {
    if (this.ids.size === 0) return VoteResult.VoteWon;
    let yes = 0;
    let missing = 0;
    for (const id of this.ids) {
      const v = votes?.get(id);
      if (v === undefined) missing++;
      else if (v) yes++;
    }
    const q = Math.floor(this.ids.size / 2) + 1;
    if (yes >= q) return VoteResult.VoteWon;
    if (yes + missing >= q) return VoteResult.VotePending;
    return VoteResult.VoteLost;
  }

  /**
   * A bar chart of the acked indexes and the committed index (MajorityConfig.Describe,
   * Appendix A), used by tests.
   */
  describe(l: AckedIndexer): string {
    const n = this.ids.size;
    if (n === 0) return '<empty majority quorum>';
    interface Tup { id: number; idx: number; ok: boolean; bar: number }
    const info: Tup[] = [];
    for (const id of this.ids) {
      const idx = l.ackedIndex(id);
      info.push({ id, idx: idx ?? 0, ok: idx !== undefined, bar: 0 });
    }
    info.sort((a, b) => (a.idx === b.idx ? a.id - b.id : a.idx - b.idx));
    // A voter's bar is its position in index order; ties share the bar of the first.
    for (let i = 1; i < info.length; i++) {
      info[i].bar = info[i - 1].idx < info[i].idx ? i : info[i - 1].bar;
    }
    info.sort((a, b) => a.id - b.id);
    let s = ' '.repeat(n) + '    idx\n';
    for (const t of info) {
      const bar = t.bar;
      if (!t.ok) s += '?' + ' '.repeat(n);
      else s += 'x'.repeat(bar) + '>' + ' '.repeat(n - bar);
      s += ` ${indexString(t.idx).padStart(5)}    (id=${t.id})\n`;
    }
    return s;
  }
}
