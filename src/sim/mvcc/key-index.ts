// keyIndex (spec server.md §6.2): the revisions of one key, as generations. A generation
// runs from a creation to a tombstone; the last generation is open (possibly empty).
//
// Example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0) gives
//   {1.0, 2.0, 3.0(t)}  {4.0, 5.0(t)}  {empty}

import type { Revision, RevisionSet } from './revision';
import { revisionGreaterThan, revisionKey } from './revision';

const ZERO_REVISION: Revision = { main: 0, sub: 0 };

export class Generation {
  /** Number of versions put in this generation (the tombstone counts too). */
  ver = 0;
  created: Revision = ZERO_REVISION;
  revs: Revision[] = [];

  isEmpty(): boolean {
    return this.revs.length === 0;
  }

  /** Index of the last revision with main <= atRev, or -1. */
  findRevisionIndex(atRev: number): number {
    let lo = 0;
    let hi = this.revs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.revs[mid].main <= atRev) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

export interface KeyIndexGet {
  modified: Revision;
  created: Revision;
  version: number;
}

export class KeyIndex {
  modified: Revision = ZERO_REVISION;
  generations: Generation[] = [new Generation()];

  constructor(readonly key: string) {}

  /** A key index with no revisions at all (only a single empty generation). */
  isEmpty(): boolean {
    return this.generations.length === 1 && this.generations[0].isEmpty();
  }

  put(rev: Revision): void {
    if (!revisionGreaterThan(rev, this.modified)) {
      throw new Error(`mvcc: 'put' with an unexpected smaller revision ${rev.main}.${rev.sub} on key ${JSON.stringify(this.key)}`);
    }
    const g = this.generations[this.generations.length - 1];
    if (g.isEmpty()) {
      g.created = rev; // creates (or re-creates) the key
      g.revs = [rev]; // an exact-size array: most keys never get a second revision kept
    } else g.revs.push(rev);
    g.ver++;
    this.modified = rev;
  }

  /** Rebuilds from the first surviving record of a key (store restore, §6.9). */
  restore(created: Revision, modified: Revision, ver: number): void {
    const g = this.generations[this.generations.length - 1];
    g.created = created;
    g.ver = ver;
    g.revs.push(modified);
    this.modified = modified;
  }

  /** A key whose only surviving record is a tombstone: its creation is unknown (compacted). */
  restoreTombstone(rev: Revision): void {
    this.restore(ZERO_REVISION, rev, 1);
    this.generations.push(new Generation());
  }

  /** Returns false when the key does not currently exist (etcd's ErrRevisionNotFound). */
  tombstone(rev: Revision): boolean {
    if (this.generations[this.generations.length - 1].isEmpty()) return false;
    this.put(rev);
    this.generations.push(new Generation());
    return true;
  }

  /** The newest revision with main <= atRev, or undefined when the key did not exist then. */
  get(atRev: number): KeyIndexGet | undefined {
    const g = this.findGeneration(atRev);
    if (g === undefined) return undefined;
    const n = g.findRevisionIndex(atRev);
    if (n === -1) return undefined;
    return { modified: g.revs[n], created: g.created, version: g.ver - (g.revs.length - n - 1) };
  }

  /**
   * Drops every revision with main <= atRev except the newest one of the generation that
   * is live at atRev (a tombstone at exactly atRev is kept, 3.6). Adds the kept revision
   * to `available`.
   */
  compact(atRev: number, available: RevisionSet): void {
    const [genIdx, revIdx] = this.doCompact(atRev, available);
    const g = this.generations[genIdx];
    if (!g.isEmpty() && revIdx > 0) g.revs = g.revs.slice(revIdx);
    if (genIdx > 0) this.generations = this.generations.slice(genIdx);
  }

  /** Like compact but read-only, and a tombstone selected in a closed generation is not kept (for hashing). */
  keep(atRev: number, available: RevisionSet): void {
    if (this.isEmpty()) return;
    const [genIdx, revIdx] = this.doCompact(atRev, available);
    const g = this.generations[genIdx];
    if (!g.isEmpty() && revIdx === g.revs.length - 1 && genIdx !== this.generations.length - 1) {
      available.delete(revisionKey(g.revs[revIdx]));
    }
  }

  private doCompact(atRev: number, available: RevisionSet): [number, number] {
    // The first generation whose tombstone is at or after atRev (or the open one).
    let genIdx = 0;
    let g = this.generations[0];
    while (genIdx < this.generations.length - 1) {
      const tomb = g.revs[g.revs.length - 1].main;
      // Also skip a generation deleted at atRev when the next one was created in that same
      // revision (a txn deleting from-key then putting the key, which etcd's duplicate check
      // lets through); etcd would keep the tombstone and lose the newer record.
      const next = this.generations[genIdx + 1].revs[0];
      if (tomb > atRev || (tomb === atRev && !(next !== undefined && next.main <= atRev))) break;
      genIdx++;
      g = this.generations[genIdx];
    }
    const revIdx = g.findRevisionIndex(atRev);
    if (revIdx !== -1) available.add(revisionKey(g.revs[revIdx]));
    return [genIdx, revIdx];
  }

  /** The generation holding atRev, or undefined when the key did not exist at atRev. */
  private findGeneration(atRev: number): Generation | undefined {
    const last = this.generations.length - 1;
    for (let i = last; i >= 0; i--) {
      const g = this.generations[i];
      if (g.isEmpty()) continue;
      // A closed generation ends with its tombstone: at or after it the key is gone.
      if (i !== last && g.revs[g.revs.length - 1].main <= atRev) return undefined;
      if (g.revs[0].main <= atRev) return g;
    }
    return undefined;
  }
}
