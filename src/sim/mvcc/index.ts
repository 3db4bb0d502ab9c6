// treeIndex (spec server.md §6.3): key -> keyIndex, ordered by key bytes, on a B+ tree.
//
// Range ends: `undefined` selects the single key; '' selects every key >= key (etcd's
// non-nil empty end); otherwise [key, end). An end <= key selects nothing. The tree is
// keyed by byteOrderKey(key) so that native string comparison gives byte order.

import { BTree } from './btree';
import { byteOrderKey, compareNative } from './bytes';
import { KeyIndex } from './key-index';
import type { KeyIndexGet } from './key-index';
import type { Revision, RevisionSet } from './revision';

export class TreeIndex {
  private readonly tree = new BTree<string, KeyIndex>(undefined, compareNative, 32);
  /** The same key indexes by key, for the point lookups every write makes (never iterated). */
  private readonly byKey = new Map<string, KeyIndex>();

  /** An index over the given key indexes (restore: sorting first makes the tree build sequential). */
  static from(kis: Iterable<KeyIndex>): TreeIndex {
    const idx = new TreeIndex();
    const entries: [string, KeyIndex][] = [];
    for (const ki of kis) entries.push([byteOrderKey(ki.key), ki]);
    entries.sort((a, b) => compareNative(a[0], b[0]));
    for (const [k, ki] of entries) {
      idx.tree.set(k, ki);
      idx.byKey.set(ki.key, ki);
    }
    return idx;
  }

  /** Number of key indexes (live keys and keys whose history is still kept). */
  get size(): number {
    return this.tree.size;
  }

  get(key: string, atRev: number): KeyIndexGet | undefined {
    return this.byKey.get(key)?.get(atRev);
  }

  insert(ki: KeyIndex): void {
    this.tree.set(byteOrderKey(ki.key), ki);
    this.byKey.set(ki.key, ki);
  }

  put(key: string, rev: Revision): void {
    let ki = this.byKey.get(key);
    if (ki === undefined) {
      ki = new KeyIndex(key);
      this.insert(ki);
    }
    ki.put(rev);
  }

  /** Returns false when the key does not exist (etcd's ErrRevisionNotFound). */
  tombstone(key: string, rev: Revision): boolean {
    const ki = this.byKey.get(key);
    return ki !== undefined && ki.tombstone(rev);
  }

  /** Calls f for every key index in the range, in key order. */
  visit(key: string, end: string | undefined, f: (ki: KeyIndex) => void): void {
    if (end === undefined) {
      const ki = this.byKey.get(key);
      if (ki !== undefined) f(ki);
      return;
    }
    const low = byteOrderKey(key);
    const high = end === '' ? this.tree.maxKey() : byteOrderKey(end);
    if (high === undefined || high < low || (end !== '' && high === low)) return;
    this.tree.forRange(low, high, end === '', (_k, ki) => f(ki));
  }

  /**
   * The revisions of the keys alive at atRev in the range: at most `limit` of them
   * (limit <= 0: all), plus the total number of matches, which the limit does not cap.
   */
  revisions(key: string, end: string | undefined, atRev: number, limit: number): { revs: Revision[]; total: number } {
    const revs: Revision[] = [];
    let total = 0;
    this.visit(key, end, (ki) => {
      const got = ki.get(atRev);
      if (got === undefined) return;
      if (limit <= 0 || revs.length < limit) revs.push(got.modified);
      total++;
    });
    return { revs, total };
  }

  countRevisions(key: string, end: string | undefined, atRev: number): number {
    let total = 0;
    this.visit(key, end, (ki) => {
      if (ki.get(atRev) !== undefined) total++;
    });
    return total;
  }

  /** The keys alive at atRev in the range, in order (DeleteRange). */
  keys(key: string, end: string | undefined, atRev: number): string[] {
    const keys: string[] = [];
    this.visit(key, end, (ki) => {
      if (ki.get(atRev) !== undefined) keys.push(ki.key);
    });
    return keys;
  }

  /** Compacts every key index at rev; returns the revisions kept at or below rev. */
  compact(rev: number): RevisionSet {
    const available: RevisionSet = new Set();
    const emptied: string[] = [];
    this.tree.forEachPair((k, ki) => {
      ki.compact(rev, available);
      if (ki.isEmpty()) {
        emptied.push(k);
        this.byKey.delete(ki.key);
      }
    });
    this.tree.deleteKeys(emptied);
    return available;
  }

  /** The revisions a compaction at rev would keep (without changing anything), for hashing. */
  keep(rev: number): RevisionSet {
    const available: RevisionSet = new Set();
    this.tree.forEachPair((_key, ki) => ki.keep(rev, available));
    return available;
  }

  /** Key indexes in key order from startKey (inclusive), at most limit of them, for views. */
  list(startKey: string, limit: number): KeyIndex[] {
    const out: KeyIndex[] = [];
    for (const [, ki] of this.tree.entries(byteOrderKey(startKey))) {
      if (out.length >= limit) break;
      out.push(ki);
    }
    return out;
  }
}
