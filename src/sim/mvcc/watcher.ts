// Watch streams (etcd server/storage/mvcc/watcher.go): a set of watchers sharing one
// bounded response channel. A full channel does not block the store: the watcher that
// could not send becomes a victim and is retried (spec server.md §7.2).

import { compareKeys } from './bytes';
import { ErrEmptyWatcherRange, ErrWatcherDuplicateID, ErrWatcherNotExist } from './kv';
import type { Event } from './mvccpb';
import type { WatchableStore, Watcher } from './watchable-store';

/** Capacity of a stream's response channel (etcd chanBufLen). */
export const chanBufLen = 128;
/** Watch ID 0 asks the stream to pick the next free ID. */
export const AutoWatchID = 0;

/** What the store sends a stream (mvcc.WatchResponse). */
export interface WatchResponse {
  /** The watcher; -1 for a stream-wide progress notification. */
  watchId: number;
  /** Empty for a progress notification or a compaction notice. */
  events: Event[];
  /** The store revision the response reflects (see §7.1 for each case). */
  revision: number;
  /** Non-zero when the watcher's start revision was compacted: the watch is over. */
  compactRevision: number;
}

/** Returns true to drop the event (mvcc.FilterFunc). */
export type FilterFunc = (ev: Event) => boolean;

/** A bounded FIFO standing in for a buffered Go channel. */
export class WatchChannel {
  private readonly buf: WatchResponse[] = [];

  constructor(
    readonly capacity: number,
    private readonly onSend?: () => void,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  /** A non-blocking send: false when the channel is full. */
  trySend(wr: WatchResponse): boolean {
    if (this.buf.length >= this.capacity) return false;
    this.buf.push(wr);
    this.onSend?.();
    return true;
  }

  recv(): WatchResponse | undefined {
    return this.buf.shift();
  }
}

export interface WatchStreamOptions {
  /** Channel capacity, chanBufLen by default. */
  capacity?: number;
  /** Called whenever a response enters the channel (so the host can schedule its send loop). */
  onResponse?: () => void;
}

export class WatchStream {
  readonly ch: WatchChannel;
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly store: WatchableStore,
    readonly id: number,
    options: WatchStreamOptions = {},
  ) {
    this.ch = new WatchChannel(options.capacity ?? chanBufLen, options.onResponse);
  }

  /**
   * Creates a watcher on [key, end) (end undefined: the key; '': every key >= key) from
   * startRev (0: the next revision). id AutoWatchID picks the next free ID counting from 0.
   * Throws ErrEmptyWatcherRange or ErrWatcherDuplicateID.
   */
  watch(id: number, key: string, end: string | undefined, startRev: number, filters: FilterFunc[] = []): number {
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(startRev)) {
      throw new Error(`mvcc: watch ID and start revision must be integers, got ${id} and ${startRev}`);
    }
    if (end !== undefined && end !== '' && compareKeys(key, end) >= 0) throw ErrEmptyWatcherRange;
    if (this.closed) throw ErrEmptyWatcherRange; // etcd answers a closed stream the same way
    if (id === AutoWatchID) {
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.watchers.has(id)) throw ErrWatcherDuplicateID;
    this.watchers.set(id, this.store.watch(key, end, startRev, id, this, filters));
    return id;
  }

  /** Throws ErrWatcherNotExist for an unknown ID. */
  cancel(id: number): void {
    const w = this.watchers.get(id);
    if (w === undefined || this.closed) throw ErrWatcherNotExist;
    this.store.cancelWatcher(w, 'canceled by the client');
    this.watchers.delete(id);
  }

  /** Sends a progress notification for one watcher if it is synced. */
  requestProgress(id: number): void {
    const w = this.watchers.get(id);
    if (w !== undefined) this.store.progressIfSync([w], id);
  }

  /** Sends one progress notification (watch ID -1) if every watcher of the stream is synced. */
  requestProgressAll(): boolean {
    return this.store.progressIfSync(this.watchers.values(), -1);
  }

  /** The store's current revision. */
  rev(): number {
    return this.store.currentRevision;
  }

  /** Takes the next response off the channel (the receiving end of etcd's ws.Chan()). */
  recv(): WatchResponse | undefined {
    return this.ch.recv();
  }

  has(id: number): boolean {
    return this.watchers.has(id);
  }

  /** Watch IDs of the stream, in creation order. */
  ids(): number[] {
    return [...this.watchers.keys()];
  }

  close(): void {
    if (this.closed) return;
    for (const w of this.watchers.values()) this.store.cancelWatcher(w, 'stream closed');
    this.watchers.clear();
    this.closed = true;
  }
}
