// The watchable store (etcd server/storage/mvcc/watchable_store.go, spec server.md §7.2):
// the KV store plus watchers in three groups. Synced watchers get each write's events
// inline; unsynced ones are caught up from history by syncWatchers(); victims (whose
// stream channel was full) are retried by syncVictims(). etcd runs those two in loops
// every 100 ms and 10 ms; here the host calls them on its virtual clock.

import { compareKeys } from './bytes';
import type { WatcherGroupName } from './kv';
import { KVStore } from './kvstore';
import type { StoreOptions, StoreSnapshot } from './kvstore';
import type { Event, KeyValue } from './mvccpb';
import { isTombstone } from './mvccpb';
import { WatcherGroup, newWatcherBatch } from './watcher-group';
import type { EventBatch, WatcherBatch } from './watcher-group';
import { WatchStream } from './watcher';
import type { FilterFunc, WatchResponse, WatchStreamOptions } from './watcher';

/** Unsynced watchers caught up per syncWatchers() call (maxWatchersPerSync). */
export const maxWatchersPerSync = 512;
/** etcd's sync loop period (watchResyncPeriod), for the host's schedule. */
export const watchResyncPeriodMs = 100;
/** etcd's victim retry period, for the host's schedule. */
export const victimRetryPeriodMs = 10;

export class Watcher {
  /** Waiting in a victim batch for channel space. */
  victim = false;
  /** Told that its start revision was compacted; no longer in any group. */
  compacted = false;
  /** Moved from synced to unsynced by a snapshot restore; may be ahead of the store. */
  restore = false;
  canceled = false;

  constructor(
    readonly key: string,
    /** undefined: the single key; '': every key >= key; otherwise [key, end). */
    readonly end: string | undefined,
    readonly startRev: number,
    /** The first revision this watcher has not yet been sent. */
    public minRev: number,
    readonly id: number,
    readonly stream: WatchStream,
    private readonly filters: readonly FilterFunc[],
  ) {}

  covers(key: string): boolean {
    if (this.end === undefined) return key === this.key;
    return compareKeys(key, this.key) >= 0 && (this.end === '' || compareKeys(key, this.end) < 0);
  }

  /**
   * Filters the events and tries the channel. A response whose events were all filtered
   * out counts as sent; an empty (progress) response is always sent.
   */
  send(wr: WatchResponse): boolean {
    if (this.canceled) return true;
    if (this.filters.length > 0 && wr.events.length > 0) {
      const events = wr.events.filter((ev) => !this.filters.some((f) => f(ev)));
      if (events.length === 0) return true;
      wr = { ...wr, events };
    }
    return this.stream.ch.trySend(wr);
  }
}

/** A watcher as the UI shows it. */
export interface WatcherView {
  streamId: number;
  watchId: number;
  key: string;
  end?: string;
  startRevision: number;
  minRevision: number;
  group: WatcherGroupName;
}

export interface WatchableStoreOptions extends StoreOptions {
  /** Deliberate bugs for the fault search (check/fuzz/inject.ts); undefined in real use. */
  injected?: { has(bug: string): boolean };
}

export class WatchableStore extends KVStore {
  /** Injected bug: a watcher whose start revision was compacted skips to after the compaction. */
  private readonly bugSkipCompacted: boolean;
  private readonly synced = new WatcherGroup();
  private readonly unsynced = new WatcherGroup();
  /** Batches that could not be sent, in the order they failed. */
  private victims: WatcherBatch[] = [];
  private nextStreamId = 1;

  constructor(options: WatchableStoreOptions = {}) {
    super(options);
    this.bugSkipCompacted = options.injected?.has('mvcc-watch-skip-compacted') === true;
  }

  newWatchStream(options: WatchStreamOptions = {}): WatchStream {
    return new WatchStream(this, this.nextStreamId++, options);
  }

  /** Registers a watcher (through WatchStream.watch). */
  watch(key: string, end: string | undefined, startRev: number, id: number, stream: WatchStream, filters: FilterFunc[]): Watcher {
    const cur = this.currentRevision;
    // §7.2: from now or from the future -> synced; from the past -> replay history first.
    const synced = startRev === 0 || startRev > cur;
    const minRev = synced ? Math.max(cur + 1, startRev) : startRev;
    const w = new Watcher(key, end, startRev, minRev, id, stream, filters);
    (synced ? this.synced : this.unsynced).add(w);
    this.onEvent?.({
      type: 'watch.created',
      streamId: stream.id,
      watchId: id,
      key,
      end,
      startRevision: startRev,
      group: synced ? 'synced' : 'unsynced',
      minRevision: minRev,
    });
    return w;
  }

  cancelWatcher(w: Watcher, cause: string): void {
    if (w.canceled) return;
    if (!this.unsynced.delete(w) && !this.synced.delete(w) && w.victim) {
      for (const wb of this.victims) if (wb.delete(w)) break;
    }
    w.canceled = true;
    this.onEvent?.({ type: 'watch.canceled', streamId: w.stream.id, watchId: w.id, cause });
  }

  /** Delivers a completed write's events to the synced watchers (one response each). */
  protected override notify(rev: number, changes: readonly KeyValue[]): void {
    if (this.synced.size === 0) return;
    const evs: Event[] = changes.map((kv) => ({ type: isTombstone(kv) ? 'DELETE' : 'PUT', kv }));
    const victim: WatcherBatch = new Map();
    for (const [w, eb] of newWatcherBatch(this.synced, evs)) {
      if (w.send({ watchId: w.id, events: eb.evs, revision: rev, compactRevision: 0 })) {
        this.traceSent(w, rev, eb.evs.length, 'notify');
      } else {
        w.victim = true;
        victim.set(w, eb);
        this.synced.delete(w);
        this.traceMoved(w, 'synced', 'victim', 'watch channel full');
      }
      // Always: a watcher that stays synced may be moved to unsynced by a restore.
      w.minRev = rev + 1;
    }
    this.addVictim(victim);
  }

  private addVictim(victim: WatcherBatch): void {
    if (victim.size > 0) this.victims.push(victim);
  }

  /**
   * One round of etcd's syncWatchersLoop: catches up to maxWatchersPerSync unsynced
   * watchers from history (at most watchBatchMaxRevs revisions each per round), answers
   * those whose start revision was compacted, and moves the caught-up ones to synced.
   * Returns the number of watchers still unsynced.
   */
  syncWatchers(): number {
    if (this.unsynced.size === 0) return 0;
    const curRev = this.currentRevision;
    const compactRev = this.compactRevision;
    const wg = this.unsynced.choose(maxWatchersPerSync);
    let minRev = Number.MAX_SAFE_INTEGER;
    for (const w of [...wg.watchers]) {
      if (w.minRev > curRev) {
        // Only a watcher moved here by a restore may be ahead of the store.
        if (!w.restore) throw new Error(`mvcc: watcher minimum revision ${w.minRev} should not exceed current revision ${curRev}`);
        w.restore = false;
      }
      if (w.minRev < compactRev && this.bugSkipCompacted) w.minRev = compactRev + 1;
      if (w.minRev < compactRev) {
        // §7.3: the history it asks for is gone; tell it and drop it (retry if the channel is full).
        if (w.stream.ch.trySend({ watchId: w.id, events: [], revision: 0, compactRevision: compactRev })) {
          w.compacted = true;
          wg.delete(w);
          this.unsynced.delete(w);
          this.onEvent?.({
            type: 'watch.compacted',
            streamId: w.stream.id,
            watchId: w.id,
            compactRevision: compactRev,
            minRevision: w.minRev,
          });
        }
        continue;
      }
      if (w.minRev < minRev) minRev = w.minRev;
    }
    const evs = this.rangeEvents(minRev, curRev, (key) => wg.contains(key));
    const wb = newWatcherBatch(wg, evs);
    const victims: WatcherBatch = new Map();
    for (const w of wg.watchers) {
      if (w.minRev < compactRev) continue; // its compaction notice is still pending
      w.minRev = Math.max(curRev + 1, w.minRev);
      const eb = wb.get(w);
      if (eb === undefined) {
        this.unsynced.delete(w);
        this.synced.add(w);
        this.traceMoved(w, 'unsynced', 'synced', 'no events to catch up');
        continue;
      }
      if (eb.moreRev !== 0) w.minRev = eb.moreRev;
      if (w.send({ watchId: w.id, events: eb.evs, revision: curRev, compactRevision: 0 })) {
        this.traceSent(w, curRev, eb.evs.length, 'sync');
      } else w.victim = true;
      if (w.victim) {
        victims.set(w, eb);
        this.traceMoved(w, 'unsynced', 'victim', 'watch channel full');
      } else {
        if (eb.moreRev !== 0) continue; // more history to send next round
        this.synced.add(w);
        this.traceMoved(w, 'unsynced', 'synced', 'caught up');
      }
      this.unsynced.delete(w);
    }
    this.addVictim(victims);
    return this.unsynced.size;
  }

  /**
   * etcd's syncVictimsLoop body: retries every victim batch until a round moves nothing.
   * Returns whether victims remain (etcd then retries after 10 ms).
   */
  syncVictims(): boolean {
    while (this.moveVictims() !== 0);
    return this.hasVictims();
  }

  hasVictims(): boolean {
    return this.victims.some((wb) => wb.size > 0);
  }

  /** Number of unsynced watchers (the host runs syncWatchers while this is non-zero). */
  get unsyncedCount(): number {
    return this.unsynced.size;
  }

  private moveVictims(): number {
    const victims = this.victims;
    this.victims = [];
    let moved = 0;
    const stillVictim: WatcherBatch = new Map();
    for (const wb of victims) {
      for (const [w, eb] of wb) {
        // The watcher has seen the store up to, but not including, minRev.
        const rev = w.minRev - 1;
        if (w.send({ watchId: w.id, events: eb.evs, revision: rev, compactRevision: 0 })) {
          this.traceSent(w, rev, eb.evs.length, 'victim-retry');
          moved++;
        } else stillVictim.set(w, eb);
      }
      const curRev = this.currentRevision;
      for (const [w, eb] of wb) {
        if (stillVictim.has(w)) continue;
        this.placeVictim(w, eb, curRev);
      }
    }
    this.addVictim(stillVictim);
    return moved;
  }

  private placeVictim(w: Watcher, eb: EventBatch, curRev: number): void {
    w.victim = false;
    if (eb.moreRev !== 0) w.minRev = eb.moreRev;
    const to = w.minRev <= curRev ? this.unsynced : this.synced;
    to.add(w);
    this.traceMoved(w, 'victim', to === this.unsynced ? 'unsynced' : 'synced', 'pending response sent');
  }

  /**
   * Sends an empty response at the current revision on the first watcher if every given
   * watcher is synced and the store has reached its start revision (progressIfSync).
   */
  progressIfSync(watchers: Iterable<Watcher>, responseWatchId: number): boolean {
    const rev = this.currentRevision;
    const list = [...watchers];
    for (const w of list) if (!this.synced.has(w) || rev < w.startRev) return false;
    if (list.length > 0) {
      list[0].send({ watchId: responseWatchId, events: [], revision: rev, compactRevision: 0 });
      this.traceSent(list[0], rev, 0, 'progress');
    }
    return true;
  }

  /** Restores the store; synced watchers must then catch up from the new history (§7.2). */
  override restore(snapshot: StoreSnapshot): void {
    super.restore(snapshot);
    for (const w of [...this.synced.watchers]) {
      this.synced.delete(w);
      w.restore = true;
      this.unsynced.add(w);
      this.traceMoved(w, 'synced', 'unsynced', 'store restored from a snapshot');
    }
  }

  /** Every live watcher with its group, for views. */
  watchersView(): WatcherView[] {
    const out: WatcherView[] = [];
    const add = (w: Watcher, group: WatcherGroupName) =>
      out.push({
        streamId: w.stream.id,
        watchId: w.id,
        key: w.key,
        end: w.end,
        startRevision: w.startRev,
        minRevision: w.minRev,
        group,
      });
    for (const w of this.synced.watchers) add(w, 'synced');
    for (const w of this.unsynced.watchers) add(w, 'unsynced');
    for (const wb of this.victims) for (const w of wb.keys()) add(w, 'victim');
    return out;
  }

  private traceSent(w: Watcher, revision: number, events: number, cause: 'notify' | 'sync' | 'victim-retry' | 'progress'): void {
    this.onEvent?.({ type: 'watch.sent', streamId: w.stream.id, watchId: w.id, revision, events, cause });
  }

  private traceMoved(w: Watcher, from: WatcherGroupName, to: WatcherGroupName, cause: string): void {
    this.onEvent?.({ type: 'watch.moved', streamId: w.stream.id, watchId: w.id, from, to, cause });
  }
}
