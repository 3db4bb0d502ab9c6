// The Lease service (etcd server/etcdserver/api/v3rpc/lease.go, the LeaseRenew and
// LeaseTimeToLive paths of v3_server.go and lease/leasehttp; spec server.md §8).
//
// Renewals and TimeToLive are served by the leader's (primary) lessor. A follower forwards
// them to the leader as etcd does over its peer HTTP (POST <peerURL>/leases and
// /leases/internal) through peer-http.ts, retried every 50 ms until ReqTimeout (or the
// caller's deadline), waiting for a leader meanwhile.

import { AuthError } from '../../auth/errors';
import { ROOT_ROLE } from '../../auth/store';
import { LeaseError, isLeaseError } from '../../lease/errors';
import type { LeaseErrorName } from '../../lease/errors';
import type { LeaseInfo } from '../../lease/lease';
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
import { callLeader } from './peer-http';
import type { LeaderAnswer, PeerHTTP } from './peer-http';
import { newHeader, reject, requestContext, requireAuthInfo, unary, unmarshalError } from './util';

/** The leader's answer to a forwarded renew or TimeToLive (the leasehttp body). */
interface LeaseAnswer {
  err?: LeaseErrorName;
  ttl?: number;
  grantedTTL?: number;
  keys?: string[];
}

/** What the leader answers for a TimeToLive: undefined when the lease does not exist. */
type TTLResult = { ttl: number; grantedTTL: number; keys: string[] } | undefined;

/** etcd's leasehttp paths. */
const leasePath = { renew: '/leases', ttl: '/leases/internal' } as const;

export class LeaseService {
  constructor(
    private readonly s: EtcdServer,
    private readonly monitor: LeaderMonitor,
    private readonly http: PeerHTTP,
  ) {}

  register(grpc: GrpcServer): void {
    const s = this.s;
    for (const op of ['renew', 'ttl'] as const) {
      this.http.handle(leasePath[op], (body, reply) => this.local(op, (body as { id: number }).id, reply));
    }
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
      if (!Number.isSafeInteger(req.ID)) throw unmarshalError();
      s.leaseRevoke({ id: req.ID }, ctx, done);
    });
    unary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(s, grpc, M.Lease.LeaseTimeToLive, (req, ctx, _call, done) => {
      if (!Number.isSafeInteger(req.ID)) throw unmarshalError();
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
      const ids = s.leaseLeases();
      const denied = this.permissionError(ctx, ids, 'read');
      if (denied !== undefined) return done(denied);
      done(undefined, { header: newHeader(s), leases: ids.map((ID) => ({ ID })) });
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
   * The leader loop of v3_server.go LeaseRenew / LeaseTimeToLive (peer-http.ts): ErrNoLeader
   * if no leader was known at the deadline, else ErrTimeout.
   */
  private onLeader<T>(op: 'renew' | 'ttl', id: number, ctx: RequestContext, done: Callback<T>): void {
    const s = this.s;
    const answer = (m: LeaseAnswer): LeaderAnswer<T> => {
      if (m.err === 'ErrNotPrimary') return { retry: 'the leader is not primary yet' };
      if (m.err !== undefined) return { err: new LeaseError(m.err) };
      const v = op === 'renew' ? m.ttl : { ttl: m.ttl ?? 0, grantedTTL: m.grantedTTL ?? 0, keys: m.keys ?? [] };
      return { value: v as T };
    };
    callLeader<T>(
      s,
      this.http,
      ctx.deadline,
      {
        path: leasePath[op],
        body: { id },
        local: (settle) => this.local(op, id, (m) => settle(answer(m))),
        decode: (body) => answer(body as LeaseAnswer),
        timeout: () => (s.lead === 0 ? serverError('ErrNoLeader') : serverError('ErrTimeout')),
      },
      done,
    );
  }
}
