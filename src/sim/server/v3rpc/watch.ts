// The Watch service (etcd server/etcdserver/api/v3rpc/watch.go, spec server.md §7.1):
// one ServerWatchStream (mvcc) per gRPC stream. The recv loop handles create (after the
// read-permission check), cancel and progress requests; the send loop runs on virtual
// time, right after the store has queued responses; a per-stream ticker sends progress
// notifications every progress interval (10 min + a seeded jitter of up to a tenth).

import { AuthError } from '../../auth/errors';
import type { AuthInfo } from '../../auth/store';
import type { GrpcServer, ServerStream } from '../../grpc/server';
import * as M from '../../client/methods';
import type { Timer } from '../../kernel/kernel';
import { defaultProgressNotifyIntervalMs, ServerWatchStream } from '../../mvcc/server-watch-stream';
import type { WatchCreateRequest, WatchRequest, WatchResponse } from '../../mvcc/rpc';
import type { TraceKinds } from '../../trace/trace';
import { serverError } from '../errors';
import type { EtcdServer } from '../server';
import type { LeaderMonitor } from './interceptor';
import { newHeader, reject, togRPCError, tokenOf } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.watch': { stream: number; action: 'open' | 'create' | 'refused' | 'cancel' | 'progress' | 'close'; watchId?: number; key?: string; error?: string };
  }
}

/** Cancel reasons etcd gives for these auth errors; anything else is "permission denied" (§7.1). */
const namedReasons: ReadonlySet<string> = new Set(['ErrAuthOldRevision', 'ErrInvalidAuthToken', 'ErrUserEmpty']);

export class WatchService {
  private streams = 0;

  constructor(
    private readonly s: EtcdServer,
    private readonly monitor: LeaderMonitor,
    /** --watch-progress-notify-interval; values below 100 ms are raised to 100 ms. */
    private readonly progressIntervalMs = defaultProgressNotifyIntervalMs,
  ) {}

  register(grpc: GrpcServer): void {
    grpc.stream<WatchRequest, WatchResponse>(M.Watch.Watch, (stream) => this.open(stream));
  }

  private open(stream: ServerStream<WatchRequest, WatchResponse>): void {
    const s = this.s;
    const kernel = s.kernel;
    if (!s.isRunning) return stream.end(reject(s, stream, serverError('ErrStopped'), `member is ${s.status}`));
    this.monitor.watch(stream);
    const sid = ++this.streams;
    const trace = (action: TraceKindsWatch['action'], reason: string, extra: Partial<TraceKindsWatch> = {}) =>
      kernel.trace.emit(s.name, 'v3rpc.watch', { stream: sid, action, ...extra }, { reason }, action === 'open' || action === 'close' || action === 'refused' ? 'info' : 'debug');
    trace('open', `watch stream from ${stream.peer}`);
    // The store this stream watches: a restarted member has a new one, and this stream is over.
    const kv = s.kv;
    let scheduled = false;
    let ticker: Timer | undefined;
    const sws = new ServerWatchStream(kv, {
      maxRequestBytes: s.config.maxRequestBytes,
      newHeader: (rev) => newHeader(s, rev),
      onResponse: () => schedule(),
    });
    const close = (err?: Error) => {
      if (ticker !== undefined) kernel.cancel(ticker);
      ticker = undefined;
      sws.close();
      this.monitor.forget(stream);
      if (!stream.done) stream.end(err === undefined ? undefined : togRPCError(err));
    };
    const flush = (): void => {
      for (let rs = sws.recv(); rs !== undefined; rs = sws.recv()) for (const r of rs) stream.send(r);
    };
    const sendLoop = (): void => {
      scheduled = false;
      if (stream.done) return;
      if (!s.isRunning || s.kv !== kv) return close(serverError('ErrStopped'));
      flush();
    };
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      kernel.schedule(0, sendLoop, `${s.name} watch send`);
    };
    const interval = Math.max(100, this.progressIntervalMs);
    const rng = kernel.random(`${s.name}/watch-progress`);
    const tick = (): void => {
      ticker = kernel.schedule(interval + rng.int(0, Math.max(0, Math.floor(interval / 10) - 1)), () => {
        if (stream.done) return;
        sws.progressTick();
        tick();
      }, `${s.name} watch progress`);
    };
    tick();
    stream.onCancel(() => {
      trace('close', 'the client canceled the stream');
      close();
    });
    stream.onHalfClose(() => {
      trace('close', 'the client closed its side');
      close();
    });
    stream.onMessage((req) => {
      if (stream.done) return;
      if (!s.isRunning || s.kv !== kv) return close(serverError('ErrStopped'));
      if (typeof req !== 'object' || req === null) return;
      // What the store queued before this request goes out before its response: in etcd
      // the recv loop hands a progress response to the send loop before it reads the next
      // request, so a watch-ID -1 progress notification evaluated while every watcher was
      // synced never trails the creation of an unsynced watcher (the client broadcasts it
      // to every watcher of the stream, client.md §6.3).
      if (req.createRequest !== undefined || req.cancelRequest !== undefined) flush();
      if (req.createRequest !== undefined) {
        const cr = req.createRequest;
        // A negative start revision is refused (by create) before the permission check (§7.1).
        const denied = (cr.startRevision ?? 0) < 0 ? undefined : this.permissionError(stream, cr);
        if (denied !== undefined) {
          trace('refused', 'no read permission on the range', { key: cr.key, error: denied });
          const resp: WatchResponse = {
            header: newHeader(s),
            watchId: -1,
            created: true,
            canceled: true,
            compactRevision: 0,
            cancelReason: denied,
            fragment: false,
            events: [],
          };
          stream.send(resp);
          return;
        }
        const resp = sws.create(cr);
        trace('create', resp.canceled ? resp.cancelReason : 'watcher registered', { watchId: resp.watchId, key: cr.key });
        stream.send(resp);
        schedule();
      } else if (req.cancelRequest !== undefined) {
        const resp = sws.cancel(req.cancelRequest.watchId);
        trace('cancel', resp === undefined ? 'unknown watch ID: no response' : 'watcher canceled', { watchId: req.cancelRequest.watchId });
        if (resp !== undefined) stream.send(resp);
      } else if (req.progressRequest !== undefined) {
        trace('progress', 'progress requested');
        sws.requestProgress();
        schedule();
      }
    });
  }

  /** isWatchPermitted (§7.1 step 3): the cancel reason when the caller may not read the range. */
  private permissionError(stream: ServerStream, cr: WatchCreateRequest): string | undefined {
    const auth = this.s.auth;
    if (!auth.isAuthEnabled()) return undefined;
    try {
      const token = tokenOf(stream.metadata);
      const found = token === undefined ? undefined : auth.authInfoFromCtx({ token });
      if (found?.kind === 'wait') throw new AuthError('ErrInvalidAuthToken');
      const ai: AuthInfo = found?.kind === 'user' ? found.authInfo : { username: '', revision: 0 };
      auth.isRangePermitted(ai, cr.key === '' ? '\0' : cr.key, cr.rangeEnd ?? '');
      return undefined;
    } catch (err) {
      const e = err instanceof AuthError && namedReasons.has(err.name) ? err : new AuthError('ErrPermissionDenied');
      return togRPCError(e).message;
    }
  }
}

type TraceKindsWatch = TraceKinds['v3rpc.watch'];
