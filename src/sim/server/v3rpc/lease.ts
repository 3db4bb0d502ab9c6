// The Lease service (etcd server/etcdserver/api/v3rpc/lease.go, the LeaseRenew and
// LeaseTimeToLive paths of v3_server.go and lease/leasehttp; spec server.md §8).
//
// Renewals and TimeToLive are served by the leader's (primary) lessor: the server's
// lease API (../lease-api.ts) serves them there or forwards them to the leader's peer
// endpoint (POST <peerURL>/leases and /leases/internal), as etcd's v3_server.go does.

import { AuthError } from '../../auth/errors';
import { ROOT_ROLE } from '../../auth/store';
import { isLeaseError } from '../../lease/errors';
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
import type { EtcdServer } from '../server';
import type { RequestContext } from '../v3-server';
import type { LeaderMonitor } from './interceptor';
import { newHeader, reject, requestContext, requireAuthInfo, unary, unmarshalError } from './util';

export class LeaseService {
  constructor(
    private readonly s: EtcdServer,
    private readonly monitor: LeaderMonitor,
  ) {}

  register(grpc: GrpcServer): void {
    const s = this.s;
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
      // An unknown lease is a successful answer with TTL -1 (§8.3).
      s.leaseTimeToLive(req.ID, req.keys === true, ctx, (err, r) =>
        err !== undefined || r === undefined
          ? done(err)
          : done(undefined, { header: newHeader(s), ID: req.ID, TTL: r.ttl, grantedTTL: r.grantedTtl, keys: r.keys }),
      );
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
      s.leaseRenew(id, ctx, (err, ttl) => {
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
}
