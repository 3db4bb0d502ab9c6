// Watcher sets and event batching (etcd server/storage/mvcc/watcher_group.go).

import type { Watcher } from './watchable-store';
import type { Event } from './mvccpb';

/** At most this many distinct revisions go into one catch-up response (watchBatchMaxRevs). */
export const watchBatchMaxRevs = 1000;

/** The events for one watcher, capped at watchBatchMaxRevs revisions. */
export class EventBatch {
  evs: Event[] = [];
  /** Number of distinct revisions in evs. */
  revs = 0;
  /** First revision that did not fit (0: everything fit). */
  moreRev = 0;

  add(ev: Event): void {
    if (this.revs > watchBatchMaxRevs) return;
    if (this.evs.length === 0) {
      this.revs = 1;
      this.evs.push(ev);
      return;
    }
    // A revision is never split across batches.
    if (ev.kv.modRevision > this.evs[this.evs.length - 1].kv.modRevision) {
      this.revs++;
      if (this.revs > watchBatchMaxRevs) {
        this.moreRev = ev.kv.modRevision;
        return;
      }
    }
    this.evs.push(ev);
  }
}

/** Per-watcher batches, in the order watchers were first matched (deterministic). */
export type WatcherBatch = Map<Watcher, EventBatch>;

/** Matches events to the group's watchers, keeping those at or after each watcher's minRev. */
export function newWatcherBatch(wg: WatcherGroup, evs: readonly Event[]): WatcherBatch {
  const wb: WatcherBatch = new Map();
  if (wg.size === 0) return wb;
  for (const ev of evs) {
    wg.forEachWatcherOf(ev.kv.key, (w) => {
      if (ev.kv.modRevision < w.minRev) return;
      let eb = wb.get(w);
      if (eb === undefined) {
        eb = new EventBatch();
        wb.set(w, eb);
      }
      eb.add(ev);
    });
  }
  return wb;
}

/**
 * A set of watchers indexed by key: single-key watchers in a map, range watchers in a list
 * (etcd uses an interval tree; a list keeps the same answers).
 */
export class WatcherGroup {
  private readonly keyWatchers = new Map<string, Set<Watcher>>();
  private readonly ranges = new Set<Watcher>();
  /** Every watcher of the group, in insertion order. */
  readonly watchers = new Set<Watcher>();

  get size(): number {
    return this.watchers.size;
  }

  has(w: Watcher): boolean {
    return this.watchers.has(w);
  }

  add(w: Watcher): void {
    this.watchers.add(w);
    if (w.end !== undefined) {
      this.ranges.add(w);
      return;
    }
    let set = this.keyWatchers.get(w.key);
    if (set === undefined) {
      set = new Set();
      this.keyWatchers.set(w.key, set);
    }
    set.add(w);
  }

  delete(w: Watcher): boolean {
    if (!this.watchers.delete(w)) return false;
    if (w.end !== undefined) this.ranges.delete(w);
    else {
      const set = this.keyWatchers.get(w.key);
      set?.delete(w);
      if (set?.size === 0) this.keyWatchers.delete(w.key);
    }
    return true;
  }

  /** Whether some watcher covers the key. */
  contains(key: string): boolean {
    if (this.keyWatchers.has(key)) return true;
    for (const w of this.ranges) if (w.covers(key)) return true;
    return false;
  }

  forEachWatcherOf(key: string, f: (w: Watcher) => void): void {
    const set = this.keyWatchers.get(key);
    if (set !== undefined) for (const w of set) f(w);
    for (const w of this.ranges) if (w.covers(key)) f(w);
  }

  /** Up to maxWatchers watchers, in insertion order (etcd picks arbitrary ones). */
  choose(maxWatchers: number): WatcherGroup {
    if (this.watchers.size <= maxWatchers) return this;
    const chosen = new WatcherGroup();
    for (const w of this.watchers) {
      if (chosen.size >= maxWatchers) break;
      chosen.add(w);
    }
    return chosen;
  }
}
