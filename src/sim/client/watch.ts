// The Watch API (client/v3/watch.go, spec client.md §6): watchers grouped into one gRPC
// stream per context metadata, serialized creation, resume from each watcher's next
// revision after a break (backoff 1 ms ×1.25 up to 100 ms while Unavailable), compaction
// and cancellation responses, progress notifications and requests.

import type { Context } from '../grpc/context';
import type { ClientStream } from '../grpc/transport';
import { Code } from '../grpc/codes';
import { codeOf, messageOf, StatusError } from '../grpc/status';
import type { WatchCreateRequest, WatchFilterType, WatchRequest, WatchResponse } from '../mvcc/rpc';
import * as M from './methods';
import { EtcdError, grpcError, isEtcdError, toEtcdError, type ClientVersion } from './rpctypes';
import { isHaltErr } from './retry';
import type { Client } from './client';
import type { TraceKinds } from '../trace/trace';

declare module '../trace/trace' {
  interface TraceKinds {
    'client.watch': {
      stream: string;
      action: 'create' | 'created' | 'create-failed' | 'resume' | 'event' | 'progress' | 'compacted' | 'canceled' | 'closed' | 'stream-open' | 'stream-broken' | 'stream-closed';
      key?: string;
      watchId?: number;
      rev?: number;
      events?: number;
      error?: string;
    };
  }
}

export const WATCH_MAX_BACKOFF_MS = 100;

export interface WatchOptions {
  /** Start revision; 0 = from the next revision. */
  rev?: number;
  rangeEnd?: string;
  prevKv?: boolean;
  filters?: WatchFilterType[];
  progressNotify?: boolean;
  /** Deliver the Created response to the caller (WithCreatedNotify). */
  createdNotify?: boolean;
  fragment?: boolean;
}

/** clientv3.WatchResponse: the wire response plus the client's error and predicates. */
export interface ClientWatchResponse extends WatchResponse {
  /** Err(): the close error, ErrCompacted, or the cancel reason / ErrFutureRev. */
  err: Error | undefined;
  isProgressNotify: boolean;
}

export interface WatchListener {
  onResponse(resp: ClientWatchResponse): void;
  /** The watch channel closed. */
  onClose(): void;
}

interface Substream {
  req: WatchCreateRequest;
  createdNotify: boolean;
  /** The next revision to resume from (initReq.rev). */
  nextRev: number;
  /** Whether the first Created response was seen (resumed ones are hidden). */
  created: boolean;
  /** Server watch id, -1 while (re)creating. */
  id: number;
  ctx: Context;
  listener: WatchListener;
  off: () => void;
  closed: boolean;
}

/** One gRPC Watch stream shared by the watchers whose contexts carry the same metadata. */
class WatchGrpcStream {
  private readonly substreams = new Map<number, Substream>();
  private resuming: Substream[] = [];
  private stream: ClientStream | undefined;
  private closeErr: Error | undefined;
  private runBackoff = 1;
  private canceledIds = new Set<number>();
  private closed = false;
  private fragments: WatchResponse | undefined;

  constructor(
    private readonly client: Client,
    readonly key: string,
    /** The stream's context keeps the watchers' metadata but never expires by itself (§6.1). */
    private readonly ctx: Context,
    private readonly cancelCtx: () => void,
    private readonly onEmpty: () => void,
  ) {
    this.open(1);
  }

  add(sub: Substream): void {
    this.resuming.push(sub);
    sub.off = sub.ctx.onDone(() => this.removeWatcher(sub));
    if (this.resuming.length === 1 && this.stream !== undefined) this.sendCreate(sub);
  }

  get size(): number {
    return this.substreams.size + this.resuming.length;
  }

  requestProgress(): void {
    this.stream?.send({ progressRequest: {} } satisfies WatchRequest);
  }

  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (err !== undefined) this.closeErr = err;
    this.trace('stream-closed', { ...(err === undefined ? {} : { error: err.message }) });
    for (const sub of [...this.substreams.values(), ...this.resuming]) this.closeSubstream(sub);
    this.substreams.clear();
    this.resuming = [];
    this.stream?.cancel(new StatusError(Code.Canceled, 'context canceled'));
    this.cancelCtx();
    this.onEmpty();
  }

  /** openWatchClient: retry stream creation with backoff while Unavailable; halt otherwise. */
  private open(backoff: number): void {
    if (this.closed || this.ctx.done) return;
    this.client.stream(this.ctx, M.Watch.Watch, { onMessage: (m) => this.receive(m as WatchResponse), onEnd: (err) => this.broken(err) }, (r) => {
      if (this.closed) {
        if (r.ok) r.value.cancel(new StatusError(Code.Canceled, 'context canceled'));
        return;
      }
      if (!r.ok) {
        if (isHaltErr(this.ctx.done, r.error)) return this.close(toEtcdError(r.error, this.client.version));
        const b = this.backoffIfUnavailable(backoff, r.error);
        this.client.kernel.schedule(b.sleepMs, () => this.open(b.next), 'watch.open');
        return;
      }
      this.stream = r.value;
      this.trace('stream-open', {});
      const head = this.resuming[0];
      if (head !== undefined) this.sendCreate(head);
    });
  }

  /** backoffIfUnavailable: for Unavailable, grow by a quarter up to 100 ms and sleep that; else no sleep. */
  private backoffIfUnavailable(b: number, err: Error): { next: number; sleepMs: number } {
    if (codeOf(err) !== Code.Unavailable) return { next: b, sleepMs: 0 };
    const next = b < WATCH_MAX_BACKOFF_MS ? Math.min(WATCH_MAX_BACKOFF_MS, b + b / 4) : b;
    return { next, sleepMs: next };
  }

  private sendCreate(sub: Substream): void {
    const req: WatchCreateRequest = { ...sub.req, startRevision: sub.nextRev };
    this.trace(sub.created ? 'resume' : 'create', { key: sub.req.key, rev: sub.nextRev }, sub.created ? `resume from the next revision ${sub.nextRev}` : undefined);
    this.stream?.send({ createRequest: req } satisfies WatchRequest);
  }

  private receive(part: WatchResponse): void {
    // Fragments are merged until the last one arrives.
    const resp = this.fragments === undefined ? part : { ...part, events: [...this.fragments.events, ...part.events] };
    this.fragments = part.fragment ? resp : undefined;
    if (part.fragment) return;
    if (resp.created) return this.onCreated(resp);
    if (resp.canceled && resp.compactRevision === 0) {
      const sub = this.substreams.get(resp.watchId);
      this.canceledIds.delete(resp.watchId);
      if (sub !== undefined) {
        this.trace('canceled', { key: sub.req.key, watchId: resp.watchId });
        this.substreams.delete(resp.watchId);
        this.closeSubstream(sub);
        this.maybeEmpty();
      }
      return;
    }
    if (resp.watchId === -1) {
      for (const sub of this.substreams.values()) this.dispatch(sub, resp);
      return;
    }
    const sub = this.substreams.get(resp.watchId);
    if (sub !== undefined) return this.dispatch(sub, resp);
    // An unknown watch id: ask the server to cancel it, once.
    if (!this.canceledIds.has(resp.watchId)) {
      this.canceledIds.add(resp.watchId);
      this.stream?.send({ cancelRequest: { watchId: resp.watchId } } satisfies WatchRequest);
    }
  }

  private onCreated(resp: WatchResponse): void {
    const head = this.resuming.shift();
    if (head !== undefined && !head.closed) {
      if (resp.watchId === -1 || (resp.canceled && resp.cancelReason !== '')) {
        // A failed creation sets the stream-wide close error (§6.3).
        this.closeErr = creationError(resp.cancelReason, this.client.version);
        this.trace('create-failed', { key: head.req.key, error: resp.cancelReason });
        this.closeSubstream(head);
      } else {
        head.id = resp.watchId;
        this.substreams.set(resp.watchId, head);
        if (!head.created) {
          head.created = true;
          // Resume at the store revision if it started at "now" (not +1: §6.4).
          if (head.req.startRevision === 0 || head.req.startRevision === undefined) head.nextRev = resp.header.revision;
          this.trace('created', { key: head.req.key, watchId: resp.watchId, rev: resp.header.revision });
          if (head.createdNotify) head.listener.onResponse(this.toClient(resp));
        } else {
          this.trace('created', { key: head.req.key, watchId: resp.watchId, rev: resp.header.revision }, 'resumed watch created (not shown to the caller)');
        }
      }
    }
    const next = this.resuming[0];
    if (next !== undefined) this.sendCreate(next);
    this.maybeEmpty();
  }

  /** serveSubstream: advance nextRev and deliver; a response with an error ends the watcher. */
  private dispatch(sub: Substream, resp: WatchResponse): void {
    sub.nextRev = resp.header.revision + 1;
    if (resp.events.length > 0) sub.nextRev = resp.events[resp.events.length - 1].kv.modRevision + 1;
    const out = this.toClient(resp);
    if (out.isProgressNotify) this.trace('progress', { key: sub.req.key, watchId: sub.id, rev: resp.header.revision }, undefined, 'debug');
    else if (resp.compactRevision !== 0) this.trace('compacted', { key: sub.req.key, watchId: sub.id, rev: resp.compactRevision });
    else this.trace('event', { key: sub.req.key, watchId: sub.id, rev: resp.header.revision, events: resp.events.length }, undefined, 'debug');
    sub.listener.onResponse(out);
    if (out.err !== undefined) {
      this.substreams.delete(sub.id);
      this.closeSubstream(sub);
      this.maybeEmpty();
    }
  }

  private toClient(resp: WatchResponse): ClientWatchResponse {
    return { ...resp, err: this.responseErr(resp), isProgressNotify: isProgressNotify(resp) };
  }

  private responseErr(resp: WatchResponse): Error | undefined {
    if (this.closeErr !== undefined) return this.closeErr;
    if (resp.compactRevision !== 0) return new EtcdError('ErrCompacted', grpcError('ErrCompacted').code);
    if (resp.canceled) {
      return resp.cancelReason !== '' ? new StatusError(Code.FailedPrecondition, resp.cancelReason) : new EtcdError('ErrFutureRev', grpcError('ErrFutureRev').code);
    }
    return undefined;
  }

  /** The stream broke: halt on a halting error or ErrNoLeader, otherwise reopen and resume. */
  private broken(err: StatusError | undefined): void {
    this.stream = undefined;
    this.fragments = undefined;
    if (this.closed) return;
    const e = err ?? new Error('EOF');
    this.trace('stream-broken', { error: messageOf(e) });
    const mapped = toEtcdError(e, this.client.version);
    if (isHaltErr(this.ctx.done, e) || isEtcdError(mapped, 'ErrNoLeader')) return this.close(mapped);
    const b = this.backoffIfUnavailable(this.runBackoff, e);
    this.runBackoff = b.next;
    // Every registered watcher goes back to the resuming queue, in registration order.
    const registered = [...this.substreams.values()];
    this.substreams.clear();
    for (const sub of registered) sub.id = -1;
    this.resuming = [...registered, ...this.resuming];
    this.client.kernel.schedule(b.sleepMs, () => this.open(1), 'watch.reopen');
  }

  private removeWatcher(sub: Substream): void {
    if (sub.closed) return;
    const hadId = sub.id !== -1 && this.substreams.get(sub.id) === sub;
    if (hadId) this.substreams.delete(sub.id);
    this.resuming = this.resuming.filter((s) => s !== sub);
    this.closeSubstream(sub);
    if (this.substreams.size + this.resuming.length === 0) return this.close();
    if (hadId) this.stream?.send({ cancelRequest: { watchId: sub.id } } satisfies WatchRequest);
  }

  private closeSubstream(sub: Substream): void {
    if (sub.closed) return;
    sub.closed = true;
    sub.off();
    if (this.closeErr !== undefined && !sub.ctx.done) {
      sub.listener.onResponse({ ...emptyResponse(), canceled: true, err: this.closeErr, isProgressNotify: false });
    }
    this.trace('closed', { key: sub.req.key, ...(this.closeErr === undefined ? {} : { error: this.closeErr.message }) });
    sub.listener.onClose();
  }

  private maybeEmpty(): void {
    if (this.substreams.size + this.resuming.length === 0) this.close();
  }

  private trace(action: TraceKinds['client.watch']['action'], f: Omit<TraceKinds['client.watch'], 'stream' | 'action'>, reason?: string, level: 'info' | 'debug' = 'info'): void {
    this.client.kernel.trace.emit(this.client.name, 'client.watch', { stream: this.key, action, ...f }, reason === undefined ? undefined : { reason }, level);
  }
}

/** rpctypes.Error(errors.New(reason)): a bare etcd message maps; a full status string does not (§6.5). */
function creationError(reason: string, version: ClientVersion): Error {
  const mapped = toEtcdError(new StatusError(Code.Unknown, reason), version);
  return mapped instanceof EtcdError ? mapped : new Error(reason);
}

function isProgressNotify(r: WatchResponse): boolean {
  return r.events.length === 0 && !r.canceled && !r.created && r.compactRevision === 0 && r.header.revision !== 0;
}

function emptyResponse(): WatchResponse {
  return { header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, watchId: -1, created: false, canceled: false, compactRevision: 0, cancelReason: '', fragment: false, events: [] };
}

/** The ctx key: the outgoing metadata as a string (streamKeyFromCtx). */
function streamKey(ctx: Context): string {
  const md = ctx.metadata;
  return JSON.stringify(Object.keys(md).sort().map((k) => [k, md[k]]));
}

export class Watcher {
  private readonly streams = new Map<string, WatchGrpcStream>();
  private closed = false;

  constructor(private readonly client: Client) {}

  /** Watch: responses go to `listener` until the watch ends (ctx done, canceled, error). */
  watch(ctx: Context, key: string, opts: WatchOptions, listener: WatchListener): void {
    if (this.closed || ctx.done) {
      listener.onClose();
      return;
    }
    const req: WatchCreateRequest = {
      key,
      startRevision: opts.rev ?? 0,
      ...(opts.rangeEnd === undefined ? {} : { rangeEnd: opts.rangeEnd }),
      ...(opts.prevKv ? { prevKv: true } : {}),
      ...(opts.filters === undefined ? {} : { filters: opts.filters }),
      ...(opts.progressNotify ? { progressNotify: true } : {}),
      ...(opts.fragment ? { fragment: true } : {}),
    };
    const sub: Substream = { req, createdNotify: opts.createdNotify ?? false, nextRev: opts.rev ?? 0, created: false, id: -1, ctx, listener, off: () => {}, closed: false };
    this.streamFor(ctx).add(sub);
  }

  /** Open watchers over all streams. */
  get count(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.size;
    return n;
  }

  /** RequestProgress: a progress request on the stream of `ctx`'s metadata. */
  requestProgress(ctx: Context): void {
    this.streams.get(streamKey(ctx))?.requestProgress();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.close();
  }

  private streamFor(ctx: Context): WatchGrpcStream {
    const key = streamKey(ctx);
    let s = this.streams.get(key);
    if (s === undefined) {
      const [sctx, cancel] = ctx.detached().withCancel();
      s = new WatchGrpcStream(this.client, key, sctx, cancel, () => {
        if (this.streams.get(key) === s) this.streams.delete(key);
      });
      this.streams.set(key, s);
    }
    return s;
  }
}
