// The Lease service (etcd server/etcdserver/api/v3rpc/lease.go, the LeaseRenew and
// LeaseTimeToLive paths of v3_server.go and lease/leasehttp; spec server.md §8).
//
// Renewals and TimeToLive are served by the leader's (primary) lessor. A follower forwards
// them to the leader as etcd does over its peer HTTP (POST <peerURL>/leases and
// /leases/internal): here a request/response pair over the simulated network between the
// members' "<peer host:port>/leases" addresses, retried every 50 ms until ReqTimeout (or
// the caller's deadline), waiting for a leader meanwhile.

import { AuthError } from '../../auth/errors';
import { ROOT_ROLE } from '../../auth/store';
import { LeaseError, isLeaseError } from '../../lease/errors';
import type { LeaseErrorName } from '../../lease/errors';
import type { LeaseInfo } from '../../lease/lease';
import type { Packet } from '../../net/network';
import type { GrpcServer, ServerStream } from '../../grpc/server';
import * as M from '../../client/methods';
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from '../../client/rpc-types';
import { serverError } from '../errors';
import type { EtcdServer } from '../server';
import type { Callback, RequestContext } from '../v3-server';
import type { LeaderMonitor } from './interceptor';
import { newHeader, reject, requestContext, requireAuthInfo, unary, unmarshalError } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.lease.forward': { op: 'renew' | 'ttl'; id: string; to: string; outcome: 'sent' | 'answered' | 'retry' | 'gave-up'; error?: string };
  }
}

/** Pause between forwarding rounds (etcd: 50 ms). */
export const forwardRetryMs = 50;

/** A forwarded renew or TimeToLive on the peer network. */
type LeaseHTTPMessage =
  | { t: 'req'; seq: number; op: 'renew' | 'ttl'; id: number }
  /** `down`: the member's process is not running (the connection is refused). */
  | { t: 'resp'; seq: number; down?: true; err?: LeaseErrorName; ttl?: number; grantedTTL?: number; keys?: string[] };

/** The leader's answer to a renew or TimeToLive. */
type LeaseAnswer = Omit<Extract<LeaseHTTPMessage, { t: 'resp' }>, 't' | 'seq'>;

/** What the leader answers for a TimeToLive: undefined when the lease does not exist. */
type TTLResult = { ttl: number; grantedTTL: number; keys: string[] } | undefined;

/** The lease HTTP endpoint of a peer URL ("http://m1:2380" → "m1:2380/leases"). */
export function leaseAddr(peerURL: string): string {
  const i = peerURL.indexOf('://');
  return `${i < 0 ? peerURL : peerURL.slice(i + 3)}/leases`;
}

export class LeaseService {
  private readonly addr: string;
  private seq = 0;
  private readonly pending = new Map<number, (m: Extract<LeaseHTTPMessage, { t: 'resp' }>) => void>();

  constructor(
    private readonly s: EtcdServer,
    private readonly monitor: LeaderMonitor,
  ) {
    this.addr = leaseAddr(s.config.peerURL);
  }

  register(grpc: GrpcServer): void {
    const s = this.s;
    s.options.net.listen(this.addr, (p) => this.receive(p as Packet<LeaseHTTPMessage>));
    unary<LeaseGrantRequest, LeaseGrantResponse>(s, grpc, M.Lease.LeaseGrant, (req, ctx, _call, done) => {
      requireAuthInfo(s, ctx);
      // TTL and ID are int64 fields: anything else does not decode.
      if (!Number.isSafeInteger(req.TTL) || (req.ID !== undefined && !Number.isSafeInteger(req.ID))) throw unmarshalError();
      s.leaseGrant({ ttl: req.TTL, id: req.ID ?? 0 }, ctx, (err, resp) =>
        err !== undefined || resp === undefined ? done(err) : done(undefined, { header: resp.header, ID: resp.id, TTL: resp.ttl, error: '' }),
      );
    });
    unary<LeaseRevokeRequest, LeaseRevokeResponse>(s, grpc, M.Lease.LeaseRevoke, (req, ctx, _call, done) => {
      requireAuthInfo(s, ctx);
      s.leaseRevoke({ id: req.ID }, ctx, done);
    });
    unary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(s, grpc, M.Lease.LeaseTimeToLive, (req, ctx, _call, done) => {
      const denied = this.permissionError(ctx, [req.ID], req.keys === true ? 'read' : 'user');
      if (denied !== undefined) return done(denied);
      this.timeToLive(req.ID, ctx, (err, r) => {
        if (err !== undefined && !isLeaseError(err, 'ErrLeaseNotFound')) return done(err);
        // An unknown lease is a successful answer with TTL -1 (§8.3).
        const found = err === undefined ? r : undefined;
        done(undefined, {
          header: newHeader(s),
          ID: req.ID,
          TTL: found?.ttl ?? -1,
          grantedTTL: found?.grantedTTL ?? 0,
          keys: req.keys === true ? (found?.keys ?? []) : [],
        });
      });
    });
    unary<Record<string, never>, LeaseLeasesResponse>(s, grpc, M.Lease.LeaseLeases, (_req, ctx, _call, done) => {
      const leases = s.lessor.leases();
      const denied = this.permissionError(ctx, leases.map((l) => l.id), 'read');
      if (denied !== undefined) return done(denied);
      done(undefined, { header: newHeader(s), leases: leases.map((l) => ({ ID: l.id })) });
    });
    grpc.stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>(M.Lease.LeaseKeepAlive, (stream) => this.keepAliveStream(stream));
  }

  /** LeaseKeepAlive: one renewal at a time, in order; a missing lease answers TTL 0 (§8.3). */
  private keepAliveStream(stream: ServerStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>): void {
    const s = this.s;
    this.monitor.watch(stream);
    const ctx = requestContext(stream);
    const queue: number[] = [];
    let busy = false;
    const next = (): void => {
      const id = queue.shift();
      if (id === undefined || stream.done) {
        busy = false;
        return;
      }
      busy = true;
      // The header is filled before renewing (etcd lease.go).
      const header = newHeader(s);
      const denied = this.permissionError(ctx, [id], 'write');
      if (denied !== undefined) {
        stream.end(reject(s, stream, denied, 'renew not permitted: the keep-alive stream ends'));
        return;
      }
      this.renew(id, ctx, (err, ttl) => {
        if (stream.done) return;
        if (err !== undefined && !isLeaseError(err, 'ErrLeaseNotFound')) {
          stream.end(reject(s, stream, err, 'renew failed: the keep-alive stream ends'));
          return;
        }
        stream.send({ header, ID: id, TTL: err === undefined ? (ttl ?? 0) : 0 });
        next();
      });
    };
    stream.onMessage((req) => {
      if (typeof req !== 'object' || req === null || !Number.isSafeInteger(req.ID)) {
        stream.end(reject(s, stream, unmarshalError(), 'the keep-alive request is not a message'));
        return;
      }
      queue.push(req.ID);
      if (!busy) next();
    });
    stream.onHalfClose(() => stream.end());
  }

  /**
   * The lease auth checks (§9.6): a user is required; unless admin, KeepAlive needs write
   * and TimeToLive(keys)/Leases read permission on every key attached to the lease, and
   * the auth revision must not change during the check (ErrAuthOldRevision).
   */
  private permissionError(ctx: RequestContext, ids: readonly number[], access: 'user' | 'read' | 'write'): Error | undefined {
    const auth = this.s.auth;
    try {
      const ai = requireAuthInfo(this.s, ctx);
      if (ai === undefined || access === 'user' || auth.hasRole(ai.username, ROOT_ROLE)) return undefined;
      for (const id of ids) {
        for (const key of this.s.lessor.lookup(id)?.keys ?? []) {
          if (access === 'write') auth.isPutPermitted(ai, key);
          else auth.isRangePermitted(ai, key, '');
        }
      }
      if (ai.revision !== auth.revision()) return new AuthError('ErrAuthOldRevision');
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /** EtcdServer.LeaseRenew: on the primary lessor, else forwarded to the leader. */
  renew(id: number, ctx: RequestContext, done: Callback<number>): void {
    this.onLeader<number>('renew', id, ctx, done);
  }

  private timeToLive(id: number, ctx: RequestContext, done: Callback<TTLResult>): void {
    this.onLeader<TTLResult>('ttl', id, ctx, done);
  }

  /** The leader's own answer: ErrNotPrimary while its lessor is not promoted yet. */
  private local(op: 'renew' | 'ttl', id: number, done: (r: LeaseAnswer) => void): void {
    if (!this.s.isLeader || !this.s.lessor.isPrimary()) return done({ err: 'ErrNotPrimary' });
    if (op === 'ttl') {
      const r = this.ttlLocal(id);
      return done(r === undefined ? { err: 'ErrLeaseNotFound' } : { ttl: r.ttl, grantedTTL: r.grantedTTL, keys: r.keys });
    }
    this.renewLocal(id, (err, ttl) => done(err === undefined ? { ttl } : { err: err instanceof LeaseError ? err.name : 'ErrNotPrimary' }));
  }

  private renewLocal(id: number, done: Callback<number>): void {
    const lessor = this.s.lessor;
    try {
      const r = lessor.renew(id);
      if (r.kind === 'renewed') return done(undefined, r.ttl);
      lessor.whenRevokedOrDemoted(id, (err) => done(err));
    } catch (err) {
      done(err as Error);
    }
  }

  private ttlLocal(id: number): TTLResult {
    const l: LeaseInfo | undefined = this.s.lessor.lookup(id);
    if (l === undefined) return undefined;
    return { ttl: Math.trunc(l.remainingMs / 1000), grantedTTL: l.ttl, keys: [...l.keys] };
  }

  /**
   * The leader loop of v3_server.go LeaseRenew / LeaseTimeToLive: served here when this
   * member leads with a primary lessor, else POSTed to the leader's lease endpoint; retried
   * every 50 ms (waiting for a leader, or for its lessor's promotion) until ReqTimeout or the
   * caller's deadline: ErrNoLeader if no leader was known by then, else ErrTimeout.
   */
  private onLeader<T>(op: 'renew' | 'ttl', id: number, ctx: RequestContext, done: Callback<T>): void {
    const s = this.s;
    const kernel = s.kernel;
    const deadline = Math.min(kernel.now + s.reqTimeoutMs, ctx.deadline ?? Infinity);
    const idHex = id.toString(16);
    let finished = false;
    const finish = (err: Error | undefined, v?: T) => {
      if (finished) return;
      finished = true;
      kernel.cancel(timer);
      done(err, v);
    };
    const timer = kernel.at(Math.max(kernel.now, deadline), () => {
      const err = s.lead === 0 ? serverError('ErrNoLeader') : serverError('ErrTimeout');
      kernel.trace.emit(s.name, 'v3rpc.lease.forward', { op, id: idHex, to: '', outcome: 'gave-up', error: err.message }, { reason: 'deadline passed' });
      finish(err);
    }, `${s.name} lease forward deadline`);
    const retry = (to: string, why: string): void => {
      kernel.trace.emit(s.name, 'v3rpc.lease.forward', { op, id: idHex, to, outcome: 'retry' }, { reason: why }, 'debug');
      kernel.schedule(forwardRetryMs, attempt, `${s.name} lease forward retry`);
    };
    const settle = (to: string, m: LeaseAnswer): void => {
      if (finished) return;
      if (m.down === true) return retry(to, 'connection refused: the member is down');
      if (m.err === 'ErrNotPrimary') return retry(to, 'the leader is not primary yet');
      if (m.err !== undefined) return finish(new LeaseError(m.err));
      const v = op === 'renew' ? m.ttl : { ttl: m.ttl ?? 0, grantedTTL: m.grantedTTL ?? 0, keys: m.keys ?? [] };
      finish(undefined, v as T);
    };
    const attempt = (): void => {
      if (finished) return;
      if (!s.isRunning) return retry('', `member is ${s.status}`);
      if (s.isLeader) return this.local(op, id, (m) => settle(s.name, m));
      const leader = s.lead === 0 ? undefined : s.cluster.member(s.lead);
      if (leader === undefined || leader.peerURLs.length === 0) return retry('', 'waiting for a leader');
      const to = leaseAddr(leader.peerURLs[0]);
      const seq = ++this.seq;
      this.pending.set(seq, (m) => {
        this.pending.delete(seq);
        if (m.down !== true) {
          kernel.trace.emit(s.name, 'v3rpc.lease.forward', { op, id: idHex, to, outcome: 'answered', error: m.err }, { reason: 'the leader answered' }, 'debug');
        }
        settle(to, m);
      });
      kernel.trace.emit(s.name, 'v3rpc.lease.forward', { op, id: idHex, to, outcome: 'sent' }, { reason: 'not the leader: forward to its lease endpoint' }, 'debug');
      const req: LeaseHTTPMessage = { t: 'req', seq, op, id };
      s.options.net.send(this.addr, to, `lease.${op}`, req, 64, () => {
        this.pending.delete(seq);
        retry(to, 'connection refused');
      });
    };
    attempt();
  }

  /** The lease HTTP endpoint: the leader serves forwarded requests; answers go to their waiters. */
  private receive(p: Packet<LeaseHTTPMessage>): void {
    const m = p.payload;
    if (m.t === 'resp') {
      this.pending.get(m.seq)?.(m);
      return;
    }
    const answer = (r: LeaseAnswer) => {
      const resp: LeaseHTTPMessage = { t: 'resp', seq: m.seq, ...r };
      this.s.options.net.send(this.addr, p.from, 'lease.resp', resp, 64);
    };
    if (!this.s.isRunning) return answer({ down: true });
    this.local(m.op, m.id, answer);
  }
}
