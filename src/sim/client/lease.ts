// The Lease API and the lessor's keep-alive machinery (client/v3/lease.go, spec client.md
// §7): one keep-alive stream (always require-leader), a send loop every 500 ms that renews
// each lease whose next keep-alive is due (TTL/3 after the last response), a 1 s deadline
// reaper, and a 500 ms pause before reopening a broken stream.

import type { Timer } from '../kernel/kernel';
import type { Context } from '../grpc/context';
import type { ClientStream } from '../grpc/transport';
import { fail, ok } from '../grpc/result';
import { Code } from '../grpc/codes';
import { messageOf, StatusError } from '../grpc/status';
import * as M from './methods';
import { withRequireLeader } from './ctx';
import { contextError, EtcdError, errKeepAliveHalted, grpcError, isEtcdError } from './rpctypes';
import { isHaltErr } from './retry';
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseLeasesRequest,
  LeaseRevokeRequest,
  LeaseTimeToLiveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from './rpc-types';
import type { Client } from './client';
import type { Done } from './kv';

declare module '../trace/trace' {
  interface TraceKinds {
    'client.lease.stream': { action: 'open' | 'opened' | 'broken' | 'retry-wait'; error?: string };
    'client.lease.keepalive': { id: number; action: 'send' | 'renewed' | 'gone' | 'expired' | 'dropped'; ttl?: number; nextInMs?: number };
  }
}

export const RETRY_CONN_WAIT_MS = 500;
export const DEADLINE_REAP_INTERVAL_MS = 1000;
export const DEFAULT_FIRST_KEEPALIVE_TIMEOUT_MS = 5000;

/** A KeepAlive channel: responses, then a close (the lease expired, was revoked or the caller left). */
export interface KeepAliveListener {
  onResponse(resp: LeaseKeepAliveResponse): void;
  onClose(): void;
}

interface Channel {
  ctx: Context;
  listener: KeepAliveListener;
  off: () => void;
}

interface KeepAlive {
  channels: Channel[];
  /** Virtual time after which the lease is given up if no response came. */
  deadline: number;
  nextKeepAlive: number;
}

export class Lease {
  private readonly keepAlives = new Map<number, KeepAlive>();
  private loopStarted = false;
  private stopped = false;
  private stream: ClientStream | undefined;
  private reaper: Timer | undefined;
  private reopen: Timer | undefined;
  /** The lessor's own context: never ends by itself, always require-leader. */
  private readonly ctx: Context;

  constructor(private readonly client: Client) {
    this.ctx = withRequireLeader(client.ctx);
  }

  grant(ctx: Context, ttlSeconds: number, done: Done<LeaseGrantResponse>): void {
    this.client.unary(ctx, M.Lease.LeaseGrant, { TTL: ttlSeconds, ID: 0 } satisfies LeaseGrantRequest, done);
  }

  revoke(ctx: Context, id: number, done: Done<LeaseRevokeResponse>): void {
    this.client.unary(ctx, M.Lease.LeaseRevoke, { ID: id } satisfies LeaseRevokeRequest, done);
  }

  timeToLive(ctx: Context, id: number, keys: boolean, done: Done<LeaseTimeToLiveResponse>): void {
    this.client.unary(ctx, M.Lease.LeaseTimeToLive, { ID: id, keys } satisfies LeaseTimeToLiveRequest, done);
  }

  leases(ctx: Context, done: Done<LeaseLeasesResponse>): void {
    this.client.unary(ctx, M.Lease.LeaseLeases, {} satisfies LeaseLeasesRequest, done);
  }

  /**
   * KeepAlive: renews the lease until `ctx` ends, the lease is gone, or no response came
   * before its deadline. Returns ErrKeepAliveHalted (and closes the listener) if the loop
   * has ended.
   */
  keepAlive(ctx: Context, id: number, listener: KeepAliveListener): Error | undefined {
    if (this.stopped) {
      listener.onClose();
      // The loop only ends when the client closes.
      return errKeepAliveHalted('context canceled');
    }
    let ka = this.keepAlives.get(id);
    if (ka === undefined) {
      ka = { channels: [], deadline: this.client.kernel.now + this.firstKeepAliveTimeout(), nextKeepAlive: this.client.kernel.now };
      this.keepAlives.set(id, ka);
    }
    const ch: Channel = { ctx, listener, off: () => {} };
    ka.channels.push(ch);
    // The caller leaving closes its channel (keepAliveCtxCloser).
    ch.off = ctx.onDone(() => this.removeChannel(id, ch));
    if (!this.loopStarted) {
      this.loopStarted = true;
      this.recvLoop();
      this.scheduleReaper();
    }
    return undefined;
  }

  /** KeepAliveOnce: a dedicated stream, one request, one response; non-halting errors retry at once. */
  keepAliveOnce(ctx: Context, id: number, done: Done<LeaseKeepAliveResponse>): void {
    let got: LeaseKeepAliveResponse | undefined;
    let stream: ClientStream | undefined;
    const retryOrFail = (err: Error): void => {
      const e = contextError(ctx, err, this.client.version);
      if (isHaltErr(ctx.done, e)) return done(fail(e));
      this.keepAliveOnce(ctx, id, done);
    };
    this.client.stream(
      ctx,
      M.Lease.LeaseKeepAlive,
      {
        onMessage: (m) => {
          if (got !== undefined) return;
          got = m as LeaseKeepAliveResponse;
          stream?.cancel(new StatusError(Code.Canceled, 'context canceled'));
          if (got.TTL <= 0) done(fail(new EtcdError('ErrLeaseNotFound', grpcError('ErrLeaseNotFound').code)));
          else done(ok(got));
        },
        onEnd: (err) => {
          if (got === undefined) retryOrFail(err ?? new Error('EOF'));
        },
      },
      (r) => {
        if (!r.ok) return retryOrFail(r.error);
        stream = r.value;
        stream.send({ ID: id } satisfies LeaseKeepAliveRequest);
      },
    );
  }

  /** Leases being kept alive, by ID. */
  keptAlive(): number[] {
    return [...this.keepAlives.keys()];
  }

  /** Close: stop the loops and close every channel. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.reaper, this.reopen]) if (t !== undefined) this.client.kernel.cancel(t);
    this.stream?.cancel(new StatusError(Code.Canceled, 'context canceled'));
    for (const [id] of [...this.keepAlives]) this.closeLease(id);
  }

  private firstKeepAliveTimeout(): number {
    const t = this.client.cfg.dialTimeoutMs + 1000;
    return t === 1000 ? DEFAULT_FIRST_KEEPALIVE_TIMEOUT_MS : t;
  }

  /** deadlineLoop: every second, give up leases whose deadline passed. */
  private scheduleReaper(): void {
    this.reaper = this.client.kernel.schedule(DEADLINE_REAP_INTERVAL_MS, () => {
      this.reapDeadlines();
      this.scheduleReaper();
    }, 'lease.deadline');
  }

  /** recvKeepAliveLoop: open the stream, read until it breaks, pause 500 ms, reopen. */
  private recvLoop(): void {
    if (this.stopped) return;
    const trace = this.client.kernel.trace;
    trace.emit(this.client.name, 'client.lease.stream', { action: 'open' });
    let sendLoop: Timer | undefined;
    const broken = (err: Error): void => {
      if (sendLoop !== undefined) this.client.kernel.cancel(sendLoop);
      this.stream = undefined;
      if (this.stopped) return;
      trace.emit(this.client.name, 'client.lease.stream', { action: 'broken', error: messageOf(err) });
      if (isEtcdError(contextError(this.ctx, err, this.client.version), 'ErrNoLeader')) this.closeRequireLeader();
      trace.emit(this.client.name, 'client.lease.stream', { action: 'retry-wait' }, { reason: `reopen the keep-alive stream after ${RETRY_CONN_WAIT_MS} ms` });
      this.reopen = this.client.kernel.schedule(RETRY_CONN_WAIT_MS, () => this.recvLoop(), 'lease.reopen');
    };
    this.client.stream(
      this.ctx,
      M.Lease.LeaseKeepAlive,
      {
        onMessage: (m) => this.recvKeepAlive(m as LeaseKeepAliveResponse),
        onEnd: (err: StatusError | undefined) => broken(err ?? new Error('EOF')),
      },
      (r) => {
        if (!r.ok) return broken(r.error);
        const stream = r.value;
        this.stream = stream;
        trace.emit(this.client.name, 'client.lease.stream', { action: 'opened' });
        const send = (): void => {
          if (stream.done) return;
          this.sendKeepAlives(stream);
          sendLoop = this.client.kernel.schedule(RETRY_CONN_WAIT_MS, send, 'lease.send');
        };
        send();
      },
    );
  }

  /** sendKeepAliveLoop body: one request per lease whose next keep-alive is due. */
  private sendKeepAlives(stream: ClientStream): void {
    const now = this.client.kernel.now;
    for (const [id, ka] of this.keepAlives) {
      if (ka.nextKeepAlive > now) continue;
      this.client.kernel.trace.emit(this.client.name, 'client.lease.keepalive', { id, action: 'send' }, undefined, 'debug');
      stream.send({ ID: id } satisfies LeaseKeepAliveRequest);
    }
  }

  private recvKeepAlive(resp: LeaseKeepAliveResponse): void {
    const ka = this.keepAlives.get(resp.ID);
    if (ka === undefined) return;
    const trace = this.client.kernel.trace;
    if (resp.TTL <= 0) {
      trace.emit(this.client.name, 'client.lease.keepalive', { id: resp.ID, action: 'gone', ttl: resp.TTL }, { reason: 'TTL <= 0: the lease no longer exists' });
      this.closeLease(resp.ID);
      return;
    }
    const now = this.client.kernel.now;
    const nextInMs = (resp.TTL * 1000) / 3;
    ka.nextKeepAlive = now + nextInMs;
    ka.deadline = now + resp.TTL * 1000;
    trace.emit(this.client.name, 'client.lease.keepalive', { id: resp.ID, action: 'renewed', ttl: resp.TTL, nextInMs }, { reason: 'next keep-alive after TTL/3' });
    for (const ch of ka.channels) ch.listener.onResponse(resp);
  }

  private reapDeadlines(): void {
    const now = this.client.kernel.now;
    for (const [id, ka] of [...this.keepAlives]) {
      if (ka.deadline >= now) continue;
      this.client.kernel.trace.emit(this.client.name, 'client.lease.keepalive', { id, action: 'expired' }, { reason: 'no keep-alive response before the deadline: keep-alive stops for good' });
      this.closeLease(id);
    }
  }

  /** On ErrNoLeader: close the channels whose caller asked for a leader. */
  private closeRequireLeader(): void {
    for (const [id, ka] of [...this.keepAlives]) {
      for (const ch of ka.channels.filter((c) => c.ctx.metadata.hasleader === 'true')) this.removeChannel(id, ch);
    }
  }

  private removeChannel(id: number, ch: Channel): void {
    const ka = this.keepAlives.get(id);
    if (ka === undefined) return;
    ka.channels = ka.channels.filter((c) => c !== ch);
    ch.off();
    ch.listener.onClose();
    if (ka.channels.length === 0) {
      this.keepAlives.delete(id);
      this.client.kernel.trace.emit(this.client.name, 'client.lease.keepalive', { id, action: 'dropped' }, { reason: 'no channel left for the lease' });
    }
  }

  private closeLease(id: number): void {
    const ka = this.keepAlives.get(id);
    if (ka === undefined) return;
    this.keepAlives.delete(id);
    for (const ch of ka.channels) {
      ch.off();
      ch.listener.onClose();
    }
  }
}
