// etcd's unary retry interceptor and stream interceptor (client/v3/retry_interceptor.go,
// spec client.md §4.2, §4.6). Every attempt, verdict and backoff is a trace event.

import type { Kernel } from '../kernel/kernel';
import type { Context } from '../grpc/context';
import { contextStatus, type AttemptInfo, type CallOptions, type ClientConn } from '../grpc/clientconn';
import { codeName } from '../grpc/codes';
import { codeOf, messageOf } from '../grpc/status';
import { fail, ok, type Result } from '../grpc/result';
import type { ClientStream, StreamEvents } from '../grpc/transport';
import { isContextError, isSafeRetry, shouldRefreshToken, type BackoffDecision, type RetryPolicy } from './retry';
import type { ClientVersion } from './rpctypes';

declare module '../trace/trace' {
  interface TraceKinds {
    'client.call': { call: number; method: string; policy: RetryPolicy; maxAttempts: number };
    'client.attempt': { call: number; method: string; attempt: number; addr?: string; outcome: 'ok' | 'error'; code?: string; message?: string };
    'client.retry': { call: number; method: string; attempt: number; verdict: 'retry' | 'refresh-token' | 'return' };
    'client.backoff': { call: number; attempt: number; quorum: number; waitMs: number };
    'client.call.end': { call: number; method: string; outcome: 'ok' | 'error'; code?: string; message?: string };
  }
}

/** What the interceptors need from the client. */
export interface InterceptorHost {
  readonly kernel: Kernel;
  /** Trace source ("c1"). */
  readonly name: string;
  readonly conn: ClientConn;
  readonly version: ClientVersion;
  readonly maxUnaryRetries: number;
  /** len(Endpoints()), duplicates included, read on every use. */
  endpointCount(): number;
  backoff(attempt: number): BackoffDecision;
  hasCredentials(): boolean;
  /** getToken (§5.2). */
  getToken(ctx: Context, done: (err: Error | undefined) => void): void;
  /** refreshToken (§5.3): 3.5 clears the token first, 3.6 keeps it. */
  refreshToken(ctx: Context, done: (err: Error | undefined) => void): void;
  callOptions(call: number): CallOptions;
  nextCallId(): number;
}

/** defaultStreamMaxRetries (max uint): only Snapshot's stream retries. */
export const DEFAULT_STREAM_MAX_RETRIES = Number.MAX_SAFE_INTEGER;

export interface UnaryOptions {
  policy: RetryPolicy;
  /** withMax: total attempts; 0 = a single plain call. */
  max?: number;
}

export class RetryInterceptor {
  constructor(private readonly host: InterceptorHost) {}

  /** unaryClientInterceptor: up to `max` attempts with the quorum backoff between them. */
  unary(ctx: Context, method: string, request: unknown, opts: UnaryOptions, done: (r: Result<unknown>) => void): void {
    const h = this.host;
    ctx = ctx.withMetadata({ 'client-api-version': h.version });
    this.retry(ctx, method, opts.policy, opts.max ?? h.maxUnaryRetries, (call, report) => h.conn.invoke(ctx, method, request, h.callOptions(call), report), done);
  }

  /**
   * A server-streaming call wrapped like serverStreamingRetryingStream (Snapshot only,
   * §4.6): until the first message arrives, a failed stream is reopened and the request
   * re-sent under the unary retry rules; after it, errors go to the caller.
   */
  retryingServerStream(ctx: Context, method: string, request: unknown, events: StreamEvents, done: (r: Result<unknown>) => void): void {
    const h = this.host;
    ctx = ctx.withMetadata({ 'client-api-version': h.version });
    const attempt = (call: number, report: (r: Result<unknown>, info: AttemptInfo) => void): void => {
      let received = false;
      let addr: string | undefined;
      h.conn.newStream(ctx, method, h.callOptions(call), {
        onMessage: (m) => {
          if (!received) report(ok(undefined), { addr });
          received = true;
          events.onMessage(m);
        },
        onEnd: (err) => {
          if (received) return events.onEnd(err);
          report(err === undefined ? ok(undefined) : fail(err), { addr });
          if (err === undefined) events.onEnd(undefined);
        },
      }, (r, info) => {
        if (!r.ok) return report(r, info);
        addr = info.addr;
        r.value.send(request);
        r.value.closeSend();
      });
    };
    const open = (): void => this.retry(ctx, method, 'repeatable', DEFAULT_STREAM_MAX_RETRIES, attempt, done);
    if (h.version === '3.5' && !h.hasCredentials()) return open();
    h.getToken(ctx, (err) => (err !== undefined ? done(fail(err)) : open()));
  }

  /** The attempt loop shared by unary calls and the retrying stream (§4.2). */
  private retry(
    ctx: Context,
    method: string,
    policy: RetryPolicy,
    max: number,
    attemptFn: (call: number, report: (r: Result<unknown>, info: AttemptInfo) => void) => void,
    done: (r: Result<unknown>) => void,
  ): void {
    const h = this.host;
    const trace = h.kernel.trace;
    const call = h.nextCallId();
    trace.emit(h.name, 'client.call', { call, method, policy, maxAttempts: Math.max(1, max) });
    const end = (r: Result<unknown>): void => {
      trace.emit(h.name, 'client.call.end', r.ok ? { call, method, outcome: 'ok' } : { call, method, outcome: 'error', ...errFields(r.error) });
      done(r);
    };
    const verdict = (attempt: number, v: 'retry' | 'refresh-token' | 'return', reason: string): void => {
      trace.emit(h.name, 'client.retry', { call, method, attempt, verdict: v }, { reason });
    };
    let lastErr: Error | undefined;

    const invoke = (attempt: number): void => {
      attemptFn(call, (r, info) => {
        const f = r.ok ? { outcome: 'ok' as const } : { outcome: 'error' as const, ...errFields(r.error) };
        trace.emit(h.name, 'client.attempt', { call, method, attempt, ...(info.addr === undefined ? {} : { addr: info.addr }), ...f });
        if (max === 0 || r.ok) return end(r);
        decide(attempt, r.error);
      });
    };

    const decide = (attempt: number, err: Error): void => {
      lastErr = err;
      if (isContextError(err)) {
        if (ctx.done) {
          verdict(attempt, 'return', `not retried: the caller's context is done (${(ctx.err() as Error).message})`);
          return end(fail(err));
        }
        verdict(attempt, 'retry', `retried: ${codeName(codeOf(err))} came from the server while the caller's context is alive (any policy)`);
        return next(attempt + 1);
      }
      if (shouldRefreshToken(err, h.hasCredentials())) {
        verdict(attempt, 'refresh-token', `refresh the auth token: "${messageOf(err)}"`);
        h.refreshToken(ctx, (rerr) => {
          if (rerr !== undefined) return end(fail(rerr));
          next(attempt + 1);
        });
        return;
      }
      const v = isSafeRetry(err, policy, h.endpointCount(), h.version, method.slice(method.lastIndexOf('/') + 1));
      if (!v.retry) {
        verdict(attempt, 'return', v.reason);
        return end(fail(err));
      }
      verdict(attempt, 'retry', v.reason);
      next(attempt + 1);
    };

    const next = (attempt: number): void => {
      if (attempt >= max) {
        verdict(attempt - 1, 'return', `not retried: all ${max} attempts used`);
        return end(fail(lastErr as Error));
      }
      const b = h.backoff(attempt);
      trace.emit(h.name, 'client.backoff', { call, attempt, quorum: b.quorum, waitMs: b.waitMs }, { reason: b.reason });
      if (b.waitMs <= 0) return invoke(attempt);
      // waitRetryBackoff: a context that ends during the sleep discards the previous error.
      if (ctx.done) return end(fail(contextStatus(ctx)));
      const timer = h.kernel.schedule(b.waitMs, () => {
        off();
        invoke(attempt);
      }, 'client.backoff');
      const off = ctx.onDone(() => {
        h.kernel.cancel(timer);
        end(fail(contextStatus(ctx)));
      });
    };

    invoke(0);
  }

  /**
   * streamClientInterceptor with its installed default max = 0: a token fetch first (every
   * stream creation authenticates when credentials are set), then a plain stream (§4.6).
   */
  stream(ctx: Context, method: string, events: StreamEvents, done: (r: Result<ClientStream>) => void): void {
    const h = this.host;
    ctx = ctx.withMetadata({ 'client-api-version': h.version });
    const open = (): void => {
      const call = h.nextCallId();
      h.conn.newStream(ctx, method, h.callOptions(call), events, (r, info) => {
        const f = r.ok ? { outcome: 'ok' as const } : { outcome: 'error' as const, ...errFields(r.error) };
        h.kernel.trace.emit(h.name, 'client.attempt', { call, method, attempt: 0, ...(info.addr === undefined ? {} : { addr: info.addr }), ...f });
        done(r);
      });
    };
    // 3.6 calls getToken unconditionally (a no-op without credentials); 3.5 only with them.
    if (h.version === '3.5' && !h.hasCredentials()) return open();
    h.getToken(ctx, (err) => (err !== undefined ? done(fail(err)) : open()));
  }
}

function errFields(err: Error): { code: string; message: string } {
  return { code: codeName(codeOf(err)), message: messageOf(err) };
}
