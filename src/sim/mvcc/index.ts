// treeIndex (spec server.md §6.3): key -> keyIndex, ordered by key bytes, on a B+ tree.
//
// Range ends: `undefined` selects the single key; '' selects every key >= key (etcd's
// non-nil empty end); otherwise [key, end). An end <= key selects nothing.

import BTree from 'sorted-btree';
import { compareKeys } from './bytes';
import { KeyIndex } from './key-index';
import type { KeyIndexGet } from './key-index';
import type { Revision } from './revision';

export class TreeIndex {
  private readonly tree = new BTree<string, KeyIndex>(undefined, compareKeys, 32);

  /** Number of key indexes (live keys and keys whose history is still kept). */
  get size(): number {
    return this.tree.size;
  }

  get(key: string, atRev: number): KeyIndexGet | undefined {
    return this.tree.get(key)?.get(atRev);
  }

  keyIndex(key: string): KeyIndex | undefined {
    return this.tree.get(key);
  }

  insert(ki: KeyIndex): void {
    this.tree.set(ki.key, ki);
  }

  put(key: string, rev: Revision): void {
    let ki = this.tree.get(key);
    if (ki === undefined) {
      ki = new KeyIndex(key);
      this.tree.set(key, ki);
    }
    ki.put(rev);
  }

  /** Returns false (ErrRevisionNotFound) when the key does not exist. */
  tombstone(key: string, rev: Revision): boolean {
    const ki = this.tree.get(key);
    return ki !== undefined && ki.tombstone(rev);
  }

  /** Calls f for every key index in the range, in key order. */
  visit(key: string, end: string | undefined, f: (ki: KeyIndex) => void): void {
    if (end === undefined) {
      const ki = this.tree.get(key);
      if (ki !== undefined) f(ki);
      return;
    }
    if (end !== '' && compareKeys(end, key) <= 0) return;
    const high = end === '' ? this.tree.maxKey() : end;
    if (high === undefined) return;
    this.tree.forRange(key, high, end === '', (_k, ki) => f(ki));
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

  /** Compacts every key index at rev; returns the revisions (as revisionString) kept at or below rev. */
  compact(rev: number): Set<string> {
    const available = new Set<string>();
    const emptied: string[] = [];
    this.tree.forEachPair((key, ki) => {
      ki.compact(rev, available);
      if (ki.isEmpty()) emptied.push(key);
    });
    this.tree.deleteKeys(emptied);
    return available;
  }

  /** The revisions a compaction at rev would keep (without changing anything), for hashing. */
  keep(rev: number): Set<string> {
    const available = new Set<string>();
    this.tree.forEachPair((_key, ki) => ki.keep(rev, available));
    return available;
  }

  /** Key indexes in key order from startKey (inclusive), at most limit of them, for views. */
  list(startKey: string, limit: number): KeyIndex[] {
    const out: KeyIndex[] = [];
    for (const [, ki] of this.tree.entries(startKey)) {
      if (out.length >= limit) break;
      out.push(ki);
    }
    return out;
  }
}
