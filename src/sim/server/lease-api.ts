// LeaseRenew and LeaseTimeToLive (etcd v3_server.go and lease/leasehttp, spec server.md
// §8.3): served by the primary lessor on the leader; any other member forwards them to
// the leader's peer endpoint ("/leases", "/leases/internal"), retrying every 50 ms,
// waiting for a leader meanwhile, within ReqTimeout (or the client's deadline if earlier).
// Each round asks whoever leads now, this member included: etcd POSTs to its own peer
// URL when it has become the leader during the loop, which serves the call locally.

import { isLeaseError } from '../lease/errors';
import { LeaseError } from '../lease/errors';
import type { LeaseErrorName } from '../lease/errors';
import { None } from '../raft/raftpb';
import { applyTimeoutMs } from './config';
import { serverError } from './errors';
import type { EtcdServer } from './server';
import type { Callback, RequestContext } from './v3-server';

export interface TimeToLive {
  id: number;
  /** Remaining seconds (truncated); -1 when the lease does not exist. */
  ttl: number;
  grantedTtl: number;
  keys: string[];
}

type PeerAnswer<T> = { ok: T } | { error: LeaseErrorName };

/** The leasehttp paths and what the leader answers on each. */
const leasePath = { renew: '/leases', ttl: '/leases/internal' } as const;

const forwardRetryMs = 50;

/** Renews a lease; resolves to its TTL in seconds (etcd LeaseRenew). */
export function leaseRenew(s: EtcdServer, id: number, ctx: RequestContext, done: Callback<number>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  waitAppliedIndexOnLeader(s, done, () => onLeader<number>(s, leasePath.renew, { id }, ctx, done));
}

/** LeaseTimeToLive: an unknown lease answers TTL -1 (not an error). */
export function leaseTimeToLive(s: EtcdServer, id: number, keys: boolean, ctx: RequestContext, done: Callback<TimeToLive>): void {
  if (!s.isRunning) return done(serverError('ErrStopped'));
  waitAppliedIndexOnLeader(s, done, () => onLeader<TimeToLive>(s, leasePath.ttl, { id, keys }, ctx, done));
}

/**
 * waitAppliedIndex (§8.3): on the leader, the lessor is read only once this member has
 * applied what it has committed (applyWait), within applyTimeout (1 s), else
 * ErrTimeoutWaitAppliedIndex. Other members forward at once.
 */
function waitAppliedIndexOnLeader(s: EtcdServer, fail: (err: Error) => void, next: () => void): void {
  if (!s.isLeader || s.appliedIndex >= s.committedIndex) return next();
  const run = s.node;
  let settled = false;
  const timer = s.kernel.schedule(applyTimeoutMs, () => {
    if (settled) return;
    settled = true;
    s.kernel.trace.emit(
      s.name,
      'server.request.timeout',
      { reqId: '0', op: 'lease', error: serverError('ErrTimeoutWaitAppliedIndex').message },
      { reason: `applied index ${s.appliedIndex} did not reach the committed index within ${applyTimeoutMs} ms` },
    );
    fail(serverError('ErrTimeoutWaitAppliedIndex'));
  }, `${s.name} wait applied index`);
  s.applyWait.wait(s.committedIndex, () => {
    if (settled || s.node !== run) return;
    settled = true;
    s.kernel.cancel(timer);
    next();
  });
}

/** The leasehttp handler of a member: answers lease requests when it is the leader. */
export function servePeerLeaseRequest(s: EtcdServer, op: string, body: unknown, reply: (body: unknown) => void): void {
  const req = body as { id: number; keys?: boolean };
  if (op === leasePath.renew) {
    if (!s.isLeader || !s.lessor.isPrimary()) return reply({ error: 'ErrNotPrimary' } satisfies PeerAnswer<number>);
    renewLocal(s, req.id, reply);
    return;
  }
  if (op === leasePath.ttl) {
    if (!s.isLeader) return reply({ error: 'ErrNotPrimary' } satisfies PeerAnswer<TimeToLive>);
    reply({ ok: timeToLiveLocal(s, req.id, req.keys ?? false) } satisfies PeerAnswer<TimeToLive>);
  }
}

function renewLocal(s: EtcdServer, id: number, answer: (a: PeerAnswer<number>) => void): void {
  try {
    const r = s.lessor.renew(id);
    if (r.kind === 'renewed') return answer({ ok: r.ttl });
    // Expired: wait for the revoke (not found) or a demotion (not primary).
    s.lessor.whenRevokedOrDemoted(id, (err) => answer({ error: err.name }));
  } catch (err) {
    if (isLeaseError(err)) return answer({ error: err.name });
    throw err;
  }
}

function timeToLiveLocal(s: EtcdServer, id: number, keys: boolean): TimeToLive {
  const l = s.lessor.lookup(id);
  if (l === undefined) return { id, ttl: -1, grantedTtl: 0, keys: [] };
  const ttl = Number.isFinite(l.remainingMs) ? Math.trunc(l.remainingMs / 1000) : l.ttl;
  return { id, ttl, grantedTtl: l.ttl, keys: keys ? l.keys : [] };
}

/**
 * The loop of LeaseRenew / LeaseTimeToLive: each round asks the current leader (itself
 * when this member leads); "not primary", no answer or no leader means another round
 * after 50 ms. At the deadline: ErrNoLeader if no leader is known, else ErrTimeout.
 */
function onLeader<T>(s: EtcdServer, op: string, body: unknown, ctx: RequestContext, done: Callback<T>): void {
  const deadline = Math.min(s.kernel.now + s.reqTimeoutMs, ctx.deadline ?? Infinity);
  const run = s.node; // a restart makes a new node: the call ended with the old process
  const settle = (answer: unknown): void => {
    const a = answer as PeerAnswer<T> | undefined;
    if (a === undefined || ('error' in a && a.error === 'ErrNotPrimary')) {
      s.kernel.schedule(Math.min(forwardRetryMs, Math.max(0, deadline - s.kernel.now)), attempt, `${s.name} lease forward retry`);
      return;
    }
    if ('ok' in a) done(undefined, a.ok);
    else done(new LeaseError(a.error));
  };
  const attempt = (): void => {
    if (!s.isRunning || s.node !== run) return done(serverError('ErrStopped'));
    const remaining = deadline - s.kernel.now;
    if (remaining <= 0) return done(serverError(s.lead === None ? 'ErrNoLeader' : 'ErrTimeout'));
    const lead = s.lead;
    if (lead === None) {
      s.kernel.schedule(Math.min(forwardRetryMs, remaining), attempt, `${s.name} lease forward retry`);
      return;
    }
    if (lead === s.id) servePeerLeaseRequest(s, op, body, settle);
    else s.node.transport.request(lead, op, body, remaining, settle);
  };
  attempt();
}
