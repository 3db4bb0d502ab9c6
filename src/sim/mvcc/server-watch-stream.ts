// The server side of one gRPC Watch stream (etcd server/etcdserver/api/v3rpc/watch.go,
// serverWatchStream; spec server.md §7.1) minus gRPC and auth: turns WatchRequests into
// watchers and the store's responses into etcdserverpb WatchResponses, attaching prev_kv,
// fragmenting large responses and keeping the progress-notify flags. The caller checks
// read permission before create() and sends what the methods return, in order.

import { FROM_KEY, utf8Length } from './bytes';
import { ErrWatcherNotExist } from './kv';
import { bytesFieldSize, eventSize, intFieldSize, varintSize } from './mvccpb';
import type { Event } from './mvccpb';
import { WatchFilterType, revisionHeader } from './rpc';
import type { ResponseHeader, WatchCreateRequest, WatchResponse } from './rpc';
import type { WatchableStore } from './watchable-store';
import { AutoWatchID } from './watcher';
import type { FilterFunc, WatchStream } from './watcher';

/** Default --max-request-bytes (1.5 MiB). */
export const defaultMaxRequestBytes = 1.5 * 1024 * 1024;
/** Added to max-request-bytes for gRPC framing; fragments stay below the sum. */
export const grpcOverheadBytes = 512 * 1024;
/** Default --watch-progress-notify-interval (etcd adds a jitter of up to a tenth). */
export const defaultProgressNotifyIntervalMs = 10 * 60 * 1000;
/** clientv3.InvalidWatchId. */
export const InvalidWatchId = -1;
/** rpctypes.ErrGRPCCompacted's message, the reason given to a negative start revision. */
export const ErrGRPCCompactedMessage = 'etcdserver: mvcc: required revision has been compacted';

export interface ServerWatchStreamOptions {
  /** --max-request-bytes; responses are fragmented at this plus grpcOverheadBytes. */
  maxRequestBytes?: number;
  /** Builds response headers (the server adds cluster, member and term). */
  newHeader?: (revision: number) => ResponseHeader;
  /** Capacity of the store channel (chanBufLen by default). */
  capacity?: number;
  /** Called when a store response is waiting for recv(). */
  onResponse?: () => void;
}

const noPut: FilterFunc = (ev) => ev.type === 'PUT';
const noDelete: FilterFunc = (ev) => ev.type === 'DELETE';

export class ServerWatchStream {
  readonly watchStream: WatchStream;
  private readonly prevKv = new Set<number>();
  private readonly fragment = new Set<number>();
  /** Progress-notify watchers: true = no events sent since the last tick. */
  private readonly progress = new Map<number, boolean>();
  private readonly fragmentLimit: number;
  private readonly newHeader: (revision: number) => ResponseHeader;

  constructor(
    private readonly store: WatchableStore,
    options: ServerWatchStreamOptions = {},
  ) {
    this.watchStream = store.newWatchStream({ capacity: options.capacity, onResponse: options.onResponse });
    this.fragmentLimit = (options.maxRequestBytes ?? defaultMaxRequestBytes) + grpcOverheadBytes;
    this.newHeader = options.newHeader ?? revisionHeader;
  }

  /** A create request: returns the created (or created-and-canceled) response. */
  create(creq: WatchCreateRequest): WatchResponse {
    const key = creq.key === '' ? '\0' : creq.key; // the smallest key
    const rangeEnd = creq.rangeEnd ?? '';
    const end = rangeEnd === '' ? undefined : rangeEnd === FROM_KEY ? '' : rangeEnd;
    const wsrev = this.watchStream.rev();
    const startRevision = creq.startRevision ?? 0;
    if (startRevision < 0) return this.failed(wsrev, ErrGRPCCompactedMessage);
    const filters: FilterFunc[] = [];
    for (const f of creq.filters ?? []) {
      if (f === WatchFilterType.NOPUT) filters.push(noPut);
      else if (f === WatchFilterType.NODELETE) filters.push(noDelete);
    }
    // From "now" means from the next revision, so the watcher's start revision is wsrev+1.
    const rev = startRevision === 0 ? wsrev + 1 : startRevision;
    let id: number;
    try {
      id = this.watchStream.watch(creq.watchId ?? AutoWatchID, key, end, rev, filters);
    } catch (err) {
      return this.failed(wsrev, (err as Error).message);
    }
    if (creq.progressNotify) this.progress.set(id, true);
    if (creq.prevKv) this.prevKv.add(id);
    if (creq.fragment) this.fragment.add(id);
    return this.response(wsrev, { watchId: id, created: true });
  }

  /** A cancel request: the canceled response, or undefined (no response) for an unknown ID. */
  cancel(watchId: number): WatchResponse | undefined {
    try {
      this.watchStream.cancel(watchId);
    } catch (err) {
      if (err === ErrWatcherNotExist) return undefined;
      throw err;
    }
    this.progress.delete(watchId);
    this.prevKv.delete(watchId);
    this.fragment.delete(watchId);
    return this.response(this.watchStream.rev(), { watchId, canceled: true });
  }

  /** A progress request: a response with watch ID -1 arrives through recv() if all watchers are synced. */
  requestProgress(): void {
    this.watchStream.requestProgressAll();
  }

  /**
   * The progress-notify ticker (every progress interval, driven by the host): each
   * progress-notify watcher that got no events since the last tick is sent a progress
   * notification if it is synced.
   */
  progressTick(): void {
    const ids = [...this.progress.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (this.progress.get(id)) this.watchStream.requestProgress(id);
      this.progress.set(id, true);
    }
  }

  /** Whether store responses are waiting. */
  pending(): number {
    return this.watchStream.ch.length;
  }

  /**
   * One step of the send loop: takes the next store response and returns the responses to
   * send for it (several when fragmented), or undefined when nothing is waiting.
   */
  recv(): WatchResponse[] | undefined {
    const wresp = this.watchStream.recv();
    if (wresp === undefined) return undefined;
    const events = this.prevKv.has(wresp.watchId) ? this.withPrevKvs(wresp.events) : wresp.events;
    const wr = this.response(wresp.revision, {
      watchId: wresp.watchId,
      events,
      compactRevision: wresp.compactRevision,
      canceled: wresp.compactRevision !== 0,
    });
    const out = this.fragment.has(wresp.watchId) ? fragmentWatchResponse(wr, this.fragmentLimit) : [wr];
    if (events.length > 0 && this.progress.get(wresp.watchId)) this.progress.set(wresp.watchId, false);
    return out;
  }

  close(): void {
    this.watchStream.close();
  }

  /** prev_kv: the key at the revision before each non-creation event, if still kept. */
  private withPrevKvs(events: Event[]): Event[] {
    return events.map((ev) => {
      if (isCreateEvent(ev)) return ev;
      const txn = this.store.read();
      try {
        const prev = txn.range(ev.kv.key, undefined, { rev: ev.kv.modRevision - 1 }).kvs[0];
        return prev === undefined ? ev : { ...ev, prevKv: prev };
      } catch {
        return ev; // compacted: omitted silently
      } finally {
        txn.end();
      }
    });
  }

  private failed(rev: number, reason: string): WatchResponse {
    return this.response(rev, { watchId: InvalidWatchId, created: true, canceled: true, cancelReason: reason });
  }

  private response(revision: number, fields: Partial<Omit<WatchResponse, 'header'>>): WatchResponse {
    return {
      header: this.newHeader(revision),
      watchId: 0,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events: [],
      ...fields,
    };
  }
}

export function isCreateEvent(ev: Event): boolean {
  return ev.type === 'PUT' && ev.kv.createRevision === ev.kv.modRevision;
}

function headerSize(h: ResponseHeader): number {
  const size = intFieldSize(h.clusterId) + intFieldSize(h.memberId) + intFieldSize(h.revision) + intFieldSize(h.raftTerm);
  return 1 + varintSize(size) + size;
}

/** Marshaled size of an etcdserverpb.WatchResponse without its events. */
function watchResponseBaseSize(wr: WatchResponse): number {
  return (
    headerSize(wr.header) +
    intFieldSize(wr.watchId) +
    (wr.created ? 2 : 0) +
    (wr.canceled ? 2 : 0) +
    intFieldSize(wr.compactRevision) +
    bytesFieldSize(utf8Length(wr.cancelReason)) +
    (wr.fragment ? 2 : 0)
  );
}

function eventFieldSize(ev: Event): number {
  const n = eventSize(ev);
  return 1 + varintSize(n) + n;
}

/** Marshaled size of an etcdserverpb.WatchResponse. */
export function watchResponseSize(wr: WatchResponse): number {
  let size = watchResponseBaseSize(wr);
  for (const ev of wr.events) size += eventFieldSize(ev);
  return size;
}

/**
 * etcd's sendFragments: a response of at least `limit` bytes with two or more events is
 * split into consecutive responses below the limit (at least one event each), all but the
 * last flagged `fragment`.
 */
export function fragmentWatchResponse(wr: WatchResponse, limit: number): WatchResponse[] {
  if (wr.events.length < 2 || watchResponseSize(wr) < limit) return [wr];
  const base = watchResponseBaseSize({ ...wr, fragment: true });
  const out: WatchResponse[] = [];
  let idx = 0;
  while (idx < wr.events.length) {
    const events: Event[] = [];
    let size = base;
    for (; idx < wr.events.length; idx++) {
      const evSize = eventFieldSize(wr.events[idx]);
      if (events.length > 0 && size + evSize >= limit) break;
      events.push(wr.events[idx]);
      size += evSize;
    }
    out.push({ ...wr, events, fragment: idx < wr.events.length });
  }
  return out;
}
