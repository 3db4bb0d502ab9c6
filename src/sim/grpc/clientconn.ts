// grpc-go's ClientConn for one target: a resolver feeds a round_robin balancer, whose
// pickers choose a READY subchannel for each call attempt. With wait-for-ready (etcd's
// default) a call blocks in pick until some subchannel is READY or its context ends
// (spec client.md §3.4); fail-fast calls fail at once with Unavailable instead.

import type { Kernel } from '../kernel/kernel';
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
    'grpc.pick': { call: number; method: string; addr: string };
    'grpc.pick.wait': { call: number; method: string; error?: string };
    'grpc.pick.fail': { call: number; method: string; code: string; message: string };
  }
}

export const ERR_CLIENT_CONN_CLOSING = 'grpc: the client connection is closing';

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
  private readonly balancer: RoundRobinBalancer;
  private closed = false;

  constructor(
    private readonly kernel: Kernel,
    net: Network,
    /** e.g. "etcd-endpoints://0x1/m1:2379". */
    readonly target: string,
    private readonly resolver: Resolver,
    private readonly opts: ClientConnOptions,
  ) {
    const rng = (name: string) => kernel.random(`${opts.owner}/${name}`);
    this.balancer = new RoundRobinBalancer(
      kernel,
      net,
      {
        owner: opts.owner,
        generation: opts.generation,
        keepalive: opts.keepalive,
        localAddress: opts.localAddress,
        pickerRng: rng('picker'),
        subchannelRng: (addr) => rng(`subchannel/${addr}`),
      },
      (state, picker) => this.updatePicker(state, picker),
    );
    // DialContext builds the resolver and balancer at once (it exits idle mode, §1.3).
    resolver.build({
      updateState: (s) => {
        if (this.closed) return;
        this.kernel.trace.emit(opts.owner, 'grpc.resolver.update', { target, endpoints: [...s.endpoints] });
        this.balancer.updateEndpoints(s.endpoints);
      },
    });
  }

  get subchannels() {
    return this.balancer.subchannels();
  }

  /** A unary call: one attempt, no retries (etcd's interceptor retries). */
  invoke(ctx: Context, method: string, request: unknown, opts: CallOptions, done: (r: Result<unknown>, info: AttemptInfo) => void): void {
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
    this.pick(ctx, method, opts, (p) => {
      if (!p.ok) return done(p, { addr: undefined });
      const sc = p.value;
      let off = () => {};
      const stream = sc.transport.newStream(method, this.metadata(ctx), ctx.remaining(), {
        onMessage: (m) => events.onMessage(m),
        onEnd: (err) => {
          off();
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
    this.resolver.close();
    this.balancer.close();
    this.state = 'SHUTDOWN';
    for (const p of [...this.pending]) p.retry();
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
