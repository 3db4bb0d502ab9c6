// grpc-go's ClientConn for one target: a resolver feeds a round_robin balancer, whose
// pickers choose a READY subchannel for each call attempt. With wait-for-ready (etcd's
// default) a call blocks in pick until some subchannel is READY or its context ends
// (spec client.md §3.4); fail-fast calls fail at once with Unavailable instead.

import type { Kernel, Timer } from '../kernel/kernel';
import type { Address, Network } from '../net/network';
import type { ConnectivityState } from './connectivity';
import { ContextError, type Context, type Metadata } from './context';
import { Code, codeName } from './codes';
import { StatusError } from './status';
import { ERR_NO_SUBCONN_AVAILABLE, type Picker } from './picker';
import { RoundRobinBalancer, type GrpcGeneration } from './balancer-roundrobin';
import type { Resolver } from './resolver';
import { messageSize } from './frames';
import type { ClientStream, ClientTransport, KeepaliveParams, StreamEvents } from './transport';
import { fail, ok, type Result } from './result';

declare module '../trace/trace' {
  interface TraceKinds {
    'grpc.resolver.update': { target: string; endpoints: string[] };
    'grpc.channel.idle': { target: string; action: 'enter' | 'exit' };
    'grpc.pick': { call: number; method: string; addr: string };
    'grpc.pick.wait': { call: number; method: string; error?: string };
    'grpc.pick.fail': { call: number; method: string; code: string; message: string };
  }
}

export const ERR_CLIENT_CONN_CLOSING = 'grpc: the client connection is closing';

/** grpc's default channel idle timeout (spec client.md §3.7). */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;

export interface CallOptions {
  waitForReady: boolean;
  maxSendBytes: number;
  maxRecvBytes: number;
  /** Trace id of the call, to tie pick events to the client's attempt events. */
  call: number;
}

export interface ClientConnOptions {
  /** Trace source: the client ("c1"). */
  owner: string;
  generation: GrpcGeneration;
  keepalive: KeepaliveParams | undefined;
  localAddress: () => Address;
  /** Per-RPC credentials: metadata for every attempt and stream creation (etcd's token). */
  perRPCMetadata?: () => Metadata;
}

/** Where an attempt went, for the caller's trace. */
export interface AttemptInfo {
  addr: string | undefined;
}

interface Picked {
  addr: string;
  transport: ClientTransport;
}

interface PendingPick {
  retry(): void;
}

/** status.FromContextError: the status a call ends with when its context ends. */
export function contextStatus(ctx: Context, message?: string): StatusError {
  const err = ctx.err() ?? ContextError.Canceled;
  return new StatusError(err === ContextError.DeadlineExceeded ? Code.DeadlineExceeded : Code.Canceled, message ?? err.message);
}

export class ClientConn {
  state: ConnectivityState = 'IDLE';
  private picker: Picker | undefined;
  private readonly pending = new Set<PendingPick>();
  /** Undefined while the channel is idle: no resolver state, no subchannels. */
  private balancer: RoundRobinBalancer | undefined;
  private closed = false;
  /** Calls and streams in progress, and the last time one started or ended (idleness, §3.7). */
  private active = 0;
  private lastActivity = 0;
  private idleTimer: Timer | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    /** e.g. "etcd-endpoints://0x1/m1:2379". */
    readonly target: string,
    private readonly resolver: Resolver,
    private readonly opts: ClientConnOptions,
  ) {
    // DialContext builds the resolver and balancer at once (it exits idle mode, §1.3).
    this.exitIdle(false);
  }

  get subchannels() {
    return this.balancer?.subchannels() ?? [];
  }

  /** A unary call: one attempt, no retries (etcd's interceptor retries). */
  invoke(ctx: Context, method: string, request: unknown, opts: CallOptions, whenDone: (r: Result<unknown>, info: AttemptInfo) => void): void {
    this.callStarted();
    const done = (r: Result<unknown>, info: AttemptInfo): void => {
      this.callEnded();
      whenDone(r, info);
    };
    const size = messageSize(request);
    if (size > opts.maxSendBytes) {
      done(fail(new StatusError(Code.ResourceExhausted, `trying to send message larger than max (${size} vs. ${opts.maxSendBytes})`)), { addr: undefined });
      return;
    }
    this.pick(ctx, method, opts, (p) => {
      if (!p.ok) return done(p, { addr: undefined });
      const sc = p.value;
      let response: unknown;
      let off = () => {};
      const stream = sc.transport.newStream(
        method,
        this.metadata(ctx),
        ctx.remaining(),
        {
          onMessage: (m) => {
            response = m;
          },
          onEnd: (err) => {
            off();
            const info = { addr: sc.addr };
            if (err !== undefined) return done(fail(err), info);
            const got = messageSize(response);
            if (got > opts.maxRecvBytes) {
              return done(fail(new StatusError(Code.ResourceExhausted, `grpc: received message larger than max (${got} vs. ${opts.maxRecvBytes})`)), info);
            }
            done(ok(response), info);
          },
        },
        { message: request },
      );
      off = ctx.onDone(() => stream.cancel(contextStatus(ctx)));
    });
  }

  /** Opens a stream on a picked subchannel; it ends with the context. */
  newStream(ctx: Context, method: string, opts: CallOptions, events: StreamEvents, done: (r: Result<ClientStream>, info: AttemptInfo) => void): void {
    this.callStarted();
    this.pick(ctx, method, opts, (p) => {
      if (!p.ok) {
        this.callEnded();
        return done(p, { addr: undefined });
      }
      const sc = p.value;
      let off = () => {};
      const stream = sc.transport.newStream(method, this.metadata(ctx), ctx.remaining(), {
        onMessage: (m) => events.onMessage(m),
        onEnd: (err) => {
          off();
          this.callEnded();
          events.onEnd(err);
        },
      });
      off = ctx.onDone(() => stream.cancel(contextStatus(ctx)));
      done(ok(stream), { addr: sc.addr });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== undefined) this.kernel.cancel(this.idleTimer);
    this.resolver.close();
    this.balancer?.close();
    this.state = 'SHUTDOWN';
    for (const p of [...this.pending]) p.retry();
  }

  /** Builds the resolver and the balancer; the resolver pushes its endpoints again. */
  private exitIdle(wasIdle: boolean): void {
    const opts = this.opts;
    const rng = (name: string) => this.kernel.random(`${opts.owner}/${name}`);
    const balancer = new RoundRobinBalancer(
      this.kernel,
      this.net,
      {
        owner: opts.owner,
        generation: opts.generation,
        keepalive: opts.keepalive,
        localAddress: opts.localAddress,
        pickerRng: rng('picker'),
        subchannelRng: (addr) => rng(`subchannel/${addr}`),
      },
      (state, picker) => {
        if (this.balancer === balancer) this.updatePicker(state, picker);
      },
    );
    this.balancer = balancer;
    this.lastActivity = this.kernel.now;
    this.armIdleTimer(IDLE_TIMEOUT_MS);
    if (wasIdle) this.kernel.trace.emit(opts.owner, 'grpc.channel.idle', { target: this.target, action: 'exit' }, { reason: 'a call started: the resolver is built again' });
    this.resolver.build({
      updateState: (s) => {
        if (this.closed || this.balancer !== balancer) return;
        this.kernel.trace.emit(opts.owner, 'grpc.resolver.update', { target: this.target, endpoints: [...s.endpoints] });
        balancer.updateEndpoints(s.endpoints);
      },
    });
  }

  /** After 30 min with no call or stream, the channel closes its connections hard. */
  private armIdleTimer(ms: number): void {
    if (this.idleTimer !== undefined) this.kernel.cancel(this.idleTimer);
    this.idleTimer = this.kernel.schedule(ms, () => {
      this.idleTimer = undefined;
      if (this.closed || this.balancer === undefined) return;
      const quiet = this.kernel.now - this.lastActivity;
      if (this.active > 0 || quiet < IDLE_TIMEOUT_MS) return this.armIdleTimer(IDLE_TIMEOUT_MS - (this.active > 0 ? 0 : quiet));
      this.kernel.trace.emit(this.opts.owner, 'grpc.channel.idle', { target: this.target, action: 'enter' }, { reason: 'no RPC for 30 min: resolver, balancer and subchannels closed' });
      this.resolver.close();
      this.balancer.close();
      this.balancer = undefined;
      this.picker = undefined;
      this.state = 'IDLE';
    }, 'grpc.idle');
  }

  private callStarted(): void {
    if (this.balancer === undefined && !this.closed) this.exitIdle(true);
    this.active++;
    this.lastActivity = this.kernel.now;
  }

  private callEnded(): void {
    this.active--;
    this.lastActivity = this.kernel.now;
  }

  private metadata(ctx: Context): Metadata {
    const creds = this.opts.perRPCMetadata?.();
    return creds === undefined ? ctx.metadata : { ...ctx.metadata, ...creds };
  }

  private updatePicker(state: ConnectivityState, picker: Picker): void {
    this.state = state;
    this.picker = picker;
    // Blocked picks are woken and re-pick with the new picker.
    for (const p of [...this.pending]) p.retry();
  }

  /** pickerWrapper.pick: block until a READY subchannel is picked or the call must fail. */
  private pick(ctx: Context, method: string, opts: CallOptions, done: (r: Result<Picked>) => void): void {
    const trace = this.kernel.trace;
    if (ctx.done) return done(fail(contextStatus(ctx)));
    let finished = false;
    let tried: Picker | undefined;
    let lastPickErr: string | undefined;
    const entry: PendingPick = { retry: () => attempt() };
    const finish = (r: Result<Picked>): void => {
      finished = true;
      this.pending.delete(entry);
      off();
      if (!r.ok) {
        const e = r.error as StatusError;
        trace.emit(this.opts.owner, 'grpc.pick.fail', { call: opts.call, method, code: codeName(e.code), message: e.details });
      }
      done(r);
    };
    const attempt = (): void => {
      if (finished) return;
      if (this.closed) return finish(fail(new StatusError(Code.Canceled, ERR_CLIENT_CONN_CLOSING)));
      const picker = this.picker;
      if (picker === undefined || picker === tried) return wait();
      tried = picker;
      const r = picker.pick();
      if ('error' in r) {
        if (r.error !== ERR_NO_SUBCONN_AVAILABLE) {
          lastPickErr = r.error;
          if (!opts.waitForReady) return finish(fail(new StatusError(Code.Unavailable, r.error)));
        }
        return wait(r.error);
      }
      const transport = r.subchannel.transport;
      // A subchannel whose transport is no longer usable raced with its state change.
      if (transport === undefined || transport.state !== 'ready') return wait();
      trace.emit(this.opts.owner, 'grpc.pick', { call: opts.call, method, addr: r.subchannel.addr });
      finish(ok({ addr: r.subchannel.addr, transport }));
    };
    const wait = (error?: string): void => {
      if (this.pending.has(entry)) return;
      this.pending.add(entry);
      trace.emit(this.opts.owner, 'grpc.pick.wait', { call: opts.call, method, ...(error === undefined ? {} : { error }) }, {
        reason: 'wait-for-ready: block until a subchannel is READY or the context ends',
      });
    };
    const off = ctx.onDone(() => {
      if (finished) return;
      const message =
        lastPickErr !== undefined
          ? `latest balancer error: ${lastPickErr}`
          : this.opts.generation === 'G71'
            ? `${(ctx.err() as ContextError).message} while waiting for connections to become ready`
            : undefined;
      finish(fail(contextStatus(ctx, message)));
    });
    attempt();
  }
}
