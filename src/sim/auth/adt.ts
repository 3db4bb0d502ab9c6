// Key intervals, after etcd's pkg/adt (BytesAffineComparable, IntervalTree). Keys are
// JS strings compared in UTF-8 byte order (mvcc/bytes.ts compareKeys).
import { compareKeys } from '../mvcc/bytes';

/**
 * A half-open interval [begin, end) of keys. `end` undefined is +infinity: etcd's empty
 * BytesAffineComparable, which sorts after every key.
 */
export interface KeyInterval {
  begin: string;
  end?: string;
}

/** The interval holding exactly `key`: [key, key + "\x00"). */
export function pointInterval(key: string): KeyInterval {
  return { begin: key, end: `${key}\x00` };
}

/** Compares interval ends, undefined (+infinity) last. */
export function compareEnds(a: string | undefined, b: string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return compareKeys(a, b);
}

/**
 * The interval tree operations the permission cache uses (Insert, Intersects, Contains),
 * over an array kept sorted by begin; a user's permissions are few.
 */
export class IntervalSet {
  private readonly ivls: KeyInterval[] = [];

  insert(ivl: KeyInterval): void {
    let i = this.ivls.length;
    while (i > 0 && compareKeys(this.ivls[i - 1].begin, ivl.begin) > 0) i--;
    this.ivls.splice(i, 0, ivl);
  }

  /** True if some interval holds `key`. */
  intersectsPoint(key: string): boolean {
    return this.ivls.some((ivl) => compareKeys(ivl.begin, key) <= 0 && compareEnds(key, ivl.end) < 0);
  }

  /**
   * True if the union of the intervals covers all of `q`. As etcd's IntervalTree.Contains:
   * walk the intervals overlapping `q` in begin order, fail on a gap, then require the
   * walked span to start at or before q.begin and end at or after q.end.
   */
  contains(q: KeyInterval): boolean {
    let span: KeyInterval | undefined;
    for (const ivl of this.ivls) {
      if (!overlaps(q, ivl)) continue;
      if (span === undefined) {
        span = { ...ivl };
        continue;
      }
      if (compareEnds(span.end, ivl.begin) < 0) return false;
      if (compareEnds(ivl.end, span.end) > 0) span.end = ivl.end;
    }
    return span !== undefined && compareKeys(span.begin, q.begin) <= 0 && compareEnds(span.end, q.end) >= 0;
  }
}

// etcd's Interval.Compare(q, ivl) == 0: q is neither wholly left nor wholly right of ivl.
function overlaps(q: KeyInterval, ivl: KeyInterval): boolean {
  const leftOf = compareKeys(q.begin, ivl.begin) < 0 && compareEnds(q.end, ivl.begin) <= 0;
  const rightOf = compareEnds(q.begin, ivl.end) >= 0;
  return !leftOf && !rightOf;
}
