// clientv3.Client: New in etcd's order, SetEndpoints, Sync and auto-sync, the token
// fetch and refresh, Close (spec client.md §1, §2.5, §5). Asynchronous results are
// delivered to continuations on virtual time.

import type { Kernel } from '../kernel/kernel';
import type { Network } from '../net/network';
import { hashString32 } from '../kernel/hash';
import { Context, type Metadata } from '../grpc/context';
import { ClientConn, type CallOptions } from '../grpc/clientconn';
import type { ConnectivityState } from '../grpc/connectivity';
import { fail, ok, type Result } from '../grpc/result';
import { KEEPALIVE_DEFAULT_TIMEOUT_MS, KEEPALIVE_MIN_TIME_MS, type KeepaliveParams } from '../grpc/transport';
import { messageOf } from '../grpc/status';
import {
  DEFAULT_BACKOFF_JITTER_FRACTION,
  DEFAULT_BACKOFF_WAIT_BETWEEN_MS,
  DEFAULT_MAX_CALL_RECV_MSG_SIZE,
  DEFAULT_MAX_CALL_SEND_MSG_SIZE,
  DEFAULT_UNARY_MAX_RETRIES,
  parseConfig,
  type Config,
} from './config';
import { authority } from './endpoint';
import { EtcdEndpointsResolver, SCHEME } from './resolver';
import { RetryInterceptor, type InterceptorHost } from './retry-interceptor';
import { retryPolicy, roundRobinQuorumBackoff } from './retry';
import { contextError, ErrNoAvailableEndpoints, ErrOldCluster, isEtcdError, type ClientVersion } from './rpctypes';
import * as M from './methods';
import type { AuthenticateResponse, MemberListResponse, StatusResponse } from './rpc-types';
import { KV } from './kv';
import { Lease } from './lease';
import { Watcher } from './watch';
import { Auth } from './auth';
import { Maintenance } from './maintenance';
import { Cluster } from './cluster';

declare module '../trace/trace' {
  interface TraceKinds {
    'client.new': { endpoints: string[]; version: string; grpc: string; credentials: boolean };
    'client.endpoints': { endpoints: string[]; trigger: 'new' | 'set' | 'sync' };
    'client.token': { action: 'fetch' | 'stored' | 'auth-not-enabled' | 'failed' | 'clear' | 'refresh'; token?: string; error?: string };
    'client.sync': { outcome: 'ok' | 'error'; endpoints?: string[]; error?: string };
    'client.close': Record<string, never>;
  }
}

/** Where a client lives: its world's kernel and network, and its host name ("c1"). */
export interface ClientEnv {
  kernel: Kernel;
  net: Network;
  name: string;
}

/** What a view shows of a client: plain data, no references into it. */
export interface ClientState {
  endpoints: string[];
  channel: ConnectivityState;
  subchannels: { addr: string; state: ConnectivityState; backoffIdx: number; lastError?: string }[];
  token: string;
  watchers: number;
  keptAliveLeases: number[];
}

/** The timeout of each auto-sync round's Sync (§2.5). */
export const AUTO_SYNC_TIMEOUT_MS = 5000;

export class Client {
  readonly cfg: Config;
  readonly kernel: Kernel;
  readonly name: string;
  readonly version: ClientVersion;
  /** The client context: its cancellation ends everything (Close). */
  readonly ctx: Context;
  readonly conn: ClientConn;
  readonly kv: KV;
  readonly lease: Lease;
  readonly watcher: Watcher;
  readonly auth: Auth;
  readonly maintenance: Maintenance;
  readonly cluster: Cluster;
  private readonly cancel: () => void;
  private readonly resolver: EtcdEndpointsResolver;
  private readonly interceptor: RetryInterceptor;
  private eps: string[];
  private token = '';
  private nextPort = 40000;
  private nextCall = 1;
  private closed = false;

  /** Steps 3-11 of New; use newClient, which also runs steps 1-2 and 12-14. */
  private constructor(
    private readonly env: ClientEnv,
    cfg: Config,
  ) {
    this.cfg = cfg;
    this.kernel = env.kernel;
    this.name = env.name;
    this.version = cfg.version;
    [this.ctx, this.cancel] = Context.background(env.kernel).withCancel();
    this.eps = [...cfg.endpoints];
    this.resolver = new EtcdEndpointsResolver(this.eps);
    this.conn = this.dialConn(this.resolver, this.eps[0]);
    this.interceptor = new RetryInterceptor(this.interceptorHost(this.conn));
    this.kernel.trace.emit(this.name, 'client.endpoints', { endpoints: [...this.eps], trigger: 'new' });
    this.cluster = new Cluster(this);
    this.kv = new KV(this);
    this.lease = new Lease(this);
    this.watcher = new Watcher(this);
    this.auth = new Auth(this);
    this.maintenance = new Maintenance(this);
  }

  /** clientv3.New: `done` gets the client once it is usable, or the error New returns. */
  static create(env: ClientEnv, config: unknown, done: (r: Result<Client>) => void): void {
    let cfg: Config;
    try {
      cfg = parseConfig(config);
    } catch (e) {
      return done(fail(e as Error));
    }
    if (cfg.endpoints.length === 0) return done(fail(ErrNoAvailableEndpoints));
    if (cfg.maxCallRecvMsgSize > 0 && cfg.maxCallSendMsgSize > cfg.maxCallRecvMsgSize) {
      return done(
        fail(new Error(`gRPC message recv limit (${cfg.maxCallRecvMsgSize} bytes) must be greater than send limit (${cfg.maxCallSendMsgSize} bytes)`)),
      );
    }
    const c = new Client(env, cfg);
    env.kernel.trace.emit(c.name, 'client.new', { endpoints: [...cfg.endpoints], version: cfg.version, grpc: cfg.grpc, credentials: c.hasCredentials() });
    const [ctx] = cfg.dialTimeoutMs > 0 ? c.ctx.withTimeout(cfg.dialTimeoutMs) : [c.ctx];
    c.getToken(ctx, (err) => {
      if (err !== undefined) {
        c.close();
        return done(fail(err));
      }
      const finish = (): void => {
        c.startAutoSync();
        done(ok(c));
      };
      if (!cfg.rejectOldCluster) return finish();
      c.checkVersion((verr) => {
        if (verr === undefined) return finish();
        c.close();
        done(fail(verr));
      });
    });
  }

  endpoints(): string[] {
    return [...this.eps];
  }

  /** SetEndpoints: replace the list and push it to the balancer; no validation (§2.5). */
  setEndpoints(...eps: string[]): void {
    this.updateEndpoints(eps, 'set');
  }

  /** Sync: replace the endpoints with the started, non-learner members' client URLs. */
  sync(ctx: Context, done: (err: Error | undefined) => void): void {
    this.cluster.memberList(ctx, (r) => {
      if (!r.ok) {
        this.kernel.trace.emit(this.name, 'client.sync', { outcome: 'error', error: r.error.message });
        return done(r.error);
      }
      const eps = (r.value as MemberListResponse).members.filter((m) => m.name !== '' && !m.isLearner).flatMap((m) => m.clientURLs);
      this.kernel.trace.emit(this.name, 'client.sync', { outcome: 'ok', endpoints: eps });
      this.updateEndpoints(eps, 'sync');
      done(undefined);
    });
  }

  /** Close: cancel the client context, close the watcher, the lessor and the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kernel.trace.emit(this.name, 'client.close', {});
    this.cancel();
    this.watcher.close();
    this.lease.close();
    this.conn.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  state(): ClientState {
    return {
      endpoints: this.endpoints(),
      channel: this.conn.state,
      subchannels: this.conn.subchannels.map((s) => ({
        addr: s.addr,
        state: s.state,
        backoffIdx: s.backoffIdx,
        ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      })),
      token: this.token,
      watchers: this.watcher.count,
      keptAliveLeases: this.lease.keptAlive(),
    };
  }

  hasCredentials(): boolean {
    return this.cfg.username !== '' && this.cfg.password !== '';
  }

  /** The auth token currently held ('' when none). */
  get authToken(): string {
    return this.token;
  }

  /** A unary RPC through the retry interceptor; errors pass through ContextError (§9.2). */
  unary<Res>(ctx: Context, method: M.Method, request: unknown, done: (r: Result<Res>) => void, max?: number): void {
    this.interceptor.unary(ctx, method, request, { policy: retryPolicy(method), max }, this.toPublic(ctx, done));
  }

  /** A stream through the stream interceptor (token fetch, no retry wrapper). */
  stream(...args: Parameters<RetryInterceptor['stream']>): void {
    this.interceptor.stream(...args);
  }

  /** A server stream with Snapshot's retry wrapper; `done` reports a failure before the first message. */
  retryingServerStream(...args: Parameters<RetryInterceptor['retryingServerStream']>): void {
    this.interceptor.retryingServerStream(...args);
  }

  /**
   * Client.Dial(ep): a separate connection to one endpoint with the same interceptors,
   * used by Maintenance.Status(ep) and friends. The caller closes it.
   */
  dial(ep: string): { conn: ClientConn; unary: Client['unary'] } {
    const conn = this.dialConn(new EtcdEndpointsResolver([ep]), ep);
    const interceptor = new RetryInterceptor(this.interceptorHost(conn));
    return {
      conn,
      unary: (ctx, method, request, done, max) => interceptor.unary(ctx, method, request, { policy: retryPolicy(method), max }, this.toPublic(ctx, done)),
    };
  }

  /** What a public API method returns: the response, or the error through ContextError. */
  private toPublic<Res>(ctx: Context, done: (r: Result<Res>) => void): (r: Result<unknown>) => void {
    return (r) => done(r.ok ? ok(r.value as Res) : fail(contextError(ctx, r.error, this.version)));
  }

  /** getToken (§5.2): Authenticate when credentials are set; auth disabled clears the token. */
  getToken(ctx: Context, done: (err: Error | undefined) => void): void {
    if (!this.hasCredentials()) return done(undefined);
    const trace = this.kernel.trace;
    trace.emit(this.name, 'client.token', { action: 'fetch' }, { reason: `Authenticate as "${this.cfg.username}"` });
    this.auth.authenticate(ctx, this.cfg.username, this.cfg.password, (r) => {
      if (r.ok) {
        this.token = (r.value as AuthenticateResponse).token;
        trace.emit(this.name, 'client.token', { action: 'stored', token: this.token });
        return done(undefined);
      }
      if (isEtcdError(r.error, 'ErrAuthNotEnabled')) {
        this.token = '';
        trace.emit(this.name, 'client.token', { action: 'auth-not-enabled' }, { reason: 'auth is disabled on the server: no token is sent' });
        return done(undefined);
      }
      trace.emit(this.name, 'client.token', { action: 'failed', error: messageOf(r.error) });
      done(r.error);
    });
  }

  private refreshToken(ctx: Context, done: (err: Error | undefined) => void): void {
    if (!this.hasCredentials()) return done(undefined);
    if (this.version === '3.5') {
      // 3.5 clears the token before re-authenticating (PR #12165/#12549); concurrent
      // requests then carry no token and see "user name is empty" (issue #13305).
      this.token = '';
      this.kernel.trace.emit(this.name, 'client.token', { action: 'clear' }, { reason: '3.5: the token is cleared before the refresh' });
    } else {
      this.kernel.trace.emit(this.name, 'client.token', { action: 'refresh' }, { reason: '3.6: the old token is kept during the refresh' });
    }
    this.getToken(ctx, done);
  }

  private updateEndpoints(eps: string[], trigger: 'set' | 'sync'): void {
    this.eps = [...eps];
    this.kernel.trace.emit(this.name, 'client.endpoints', { endpoints: [...eps], trigger });
    this.resolver.setEndpoints(this.eps);
  }

  private dialConn(resolver: EtcdEndpointsResolver, firstEndpoint: string): ClientConn {
    const c = this.cfg;
    const target = `${SCHEME}://0x${hashString32(this.name).toString(16)}/${authority(firstEndpoint)}`;
    return new ClientConn(this.kernel, this.env.net, target, resolver, {
      owner: this.name,
      generation: c.grpc,
      keepalive: this.keepalive(),
      localAddress: () => `${this.name}:${this.nextPort++}`,
      perRPCMetadata: this.hasCredentials() ? (): Metadata => (this.token === '' ? {} : { token: this.token }) : undefined,
    });
  }

  private keepalive(): KeepaliveParams | undefined {
    const c = this.cfg;
    if (c.dialKeepAliveTimeMs <= 0) return undefined;
    return {
      timeMs: Math.max(KEEPALIVE_MIN_TIME_MS, c.dialKeepAliveTimeMs),
      timeoutMs: c.dialKeepAliveTimeoutMs > 0 ? c.dialKeepAliveTimeoutMs : KEEPALIVE_DEFAULT_TIMEOUT_MS,
      permitWithoutStream: c.permitWithoutStream,
    };
  }

  private interceptorHost(conn: ClientConn): InterceptorHost {
    const c = this.cfg;
    const rng = this.kernel.random(`${this.name}/backoff`);
    const callOptions: Omit<CallOptions, 'call'> = {
      waitForReady: true,
      maxSendBytes: c.maxCallSendMsgSize > 0 ? c.maxCallSendMsgSize : DEFAULT_MAX_CALL_SEND_MSG_SIZE,
      maxRecvBytes: c.maxCallRecvMsgSize > 0 ? c.maxCallRecvMsgSize : DEFAULT_MAX_CALL_RECV_MSG_SIZE,
    };
    return {
      kernel: this.kernel,
      name: this.name,
      conn,
      version: this.version,
      maxUnaryRetries: c.maxUnaryRetries > 0 ? c.maxUnaryRetries : DEFAULT_UNARY_MAX_RETRIES,
      endpointCount: () => this.eps.length,
      backoff: (attempt) =>
        roundRobinQuorumBackoff(
          attempt,
          this.eps.length,
          c.backoffWaitBetweenMs > 0 ? c.backoffWaitBetweenMs : DEFAULT_BACKOFF_WAIT_BETWEEN_MS,
          c.backoffJitterFraction > 0 ? c.backoffJitterFraction : DEFAULT_BACKOFF_JITTER_FRACTION,
          rng,
        ),
      hasCredentials: () => this.hasCredentials(),
      getToken: (ctx, done) => this.getToken(ctx, done),
      refreshToken: (ctx, done) => this.refreshToken(ctx, done),
      callOptions: (call) => ({ ...callOptions, call }),
      nextCallId: () => this.nextCall++,
    };
  }

  private startAutoSync(): void {
    const interval = this.cfg.autoSyncIntervalMs;
    if (interval <= 0) return;
    // A fresh timer each round: the period runs from the end of the previous Sync.
    const round = (): void => {
      if (this.closed) return;
      const [ctx] = this.ctx.withTimeout(AUTO_SYNC_TIMEOUT_MS);
      this.sync(ctx, () => this.kernel.schedule(interval, round, 'client.autosync'));
    };
    this.kernel.schedule(interval, round, 'client.autosync');
  }

  /** RejectOldCluster: Status on every endpoint; the first failure aborts New (§1.4). */
  private checkVersion(done: (err: Error | undefined) => void): void {
    const [ctx] = this.cfg.dialTimeoutMs > 0 ? this.ctx.withTimeout(this.cfg.dialTimeoutMs) : [this.ctx];
    let left = this.eps.length;
    let finished = false;
    const report = (err: Error | undefined): void => {
      if (finished) return;
      left--;
      if (err !== undefined || left === 0) {
        finished = true;
        done(err);
      }
    };
    for (const ep of this.eps) {
      this.maintenance.status(ctx, ep, (r) => {
        if (!r.ok) return report(r.error);
        report(isOldVersion((r.value as StatusResponse).version, this.version) ? ErrOldCluster : undefined);
      });
    }
  }
}

/** Too old for this client: 3.6 needs >= 3.5.0; 3.5 needs >= 3.4 (§1.4). */
export function isOldVersion(serverVersion: string, client: ClientVersion): boolean {
  const parts = serverVersion.split('.').map((p) => Number.parseInt(p, 10));
  const [major, minor] = parts.length < 2 || parts.some((p) => Number.isNaN(p)) ? [0, 0] : parts;
  return client === '3.6' ? major < 3 || (major === 3 && minor < 5) : major < 3 || (major === 3 && minor < 4);
}
