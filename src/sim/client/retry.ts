// The retry rules of etcd's client (client/v3/retry.go, client.go, utils.go; spec
// client.md §4.3-§4.5, §5.3): which RPCs are repeatable, which errors are safe to retry,
// when to refresh the auth token, and the round-robin quorum backoff between attempts.

import type { RandomStream } from '../kernel/random';
import { Code, codeName } from '../grpc/codes';
import { codeOf, messageOf, StatusError } from '../grpc/status';
import * as M from './methods';
import { EtcdError, isEtcdError, toEtcdError, type ClientVersion } from './rpctypes';

export type RetryPolicy = 'repeatable' | 'nonRepeatable';

/** retry.go: reads and idempotent operations are repeatable (§4.5). */
const REPEATABLE: ReadonlySet<string> = new Set<string>([
  M.KV.Range,
  M.Lease.LeaseGrant,
  M.Lease.LeaseRevoke,
  M.Lease.LeaseTimeToLive,
  M.Lease.LeaseLeases,
  M.Lease.LeaseKeepAlive,
  M.Cluster.MemberList,
  M.Maintenance.Alarm,
  M.Maintenance.Status,
  M.Maintenance.Hash,
  M.Maintenance.HashKV,
  M.Maintenance.MoveLeader,
  M.Maintenance.Snapshot,
  M.Auth.UserList,
  M.Auth.UserGet,
  M.Auth.RoleGet,
  M.Auth.RoleList,
]);

export function retryPolicy(method: string): RetryPolicy {
  return REPEATABLE.has(method) ? 'repeatable' : 'nonRepeatable';
}

/** isContextError: the gRPC code is DeadlineExceeded or Canceled. */
export function isContextError(err: Error): boolean {
  const c = codeOf(err);
  return c === Code.DeadlineExceeded || c === Code.Canceled;
}

/** The verdict on an error, with the rule that decided it (for the trace). */
export interface RetryVerdict {
  retry: boolean;
  reason: string;
}

/** isSafeRetry (§4.4). `endpoints` is len(Endpoints()), duplicates included. */
export function isSafeRetry(err: Error, policy: RetryPolicy, endpoints: number, version: ClientVersion, rpc = 'the RPC'): RetryVerdict {
  if (isContextError(err)) return { retry: false, reason: 'context error' };
  if (isEtcdError(err, 'ErrGRPCNotSupportedForLearner') && endpoints > 1) {
    return { retry: true, reason: `retried: the member is a learner and there are ${endpoints} endpoints` };
  }
  if (policy === 'repeatable') {
    const mapped = toEtcdError(err, version);
    if (mapped instanceof EtcdError && mapped.code !== Code.Unavailable) {
      return { retry: false, reason: `not retried: ${mapped.etcdName} is an etcd error with code ${codeName(mapped.code)}` };
    }
    if (!(err instanceof StatusError)) return { retry: false, reason: 'not retried: not a gRPC status' };
    return err.code === Code.Unavailable
      ? { retry: true, reason: `retried: ${rpc} is repeatable and the error is Unavailable` }
      : { retry: false, reason: `not retried: ${rpc} is repeatable but the error is ${codeName(err.code)}, not Unavailable` };
  }
  if (err instanceof StatusError && err.code !== Code.Unavailable) {
    return { retry: false, reason: `not retried: ${rpc} is non-repeatable and the error is ${codeName(err.code)}` };
  }
  // Only legacy grpc produced these two strings; modern grpc never does (§4.4, §10.3).
  const msg = messageOf(err);
  if (msg === 'there is no address available' || msg === 'there is no connection available') {
    return { retry: true, reason: `retried: ${rpc} is non-repeatable but the error is "${msg}"` };
  }
  return { retry: false, reason: `not retried: ${rpc} is non-repeatable and the error is ${codeName(codeOf(err))}` };
}

/** shouldRefreshToken (§5.3). */
export function shouldRefreshToken(err: Error, hasCredentials: boolean): boolean {
  if (isEtcdError(err, 'ErrUserEmpty')) return hasCredentials;
  return isEtcdError(err, 'ErrInvalidAuthToken') || isEtcdError(err, 'ErrAuthOldRevision');
}

/** jitterUp (utils.go): d × (1 + j × (2u − 1)). */
export function jitterUp(ms: number, jitter: number, rng: RandomStream): number {
  return ms * (1 + jitter * (rng.float() * 2 - 1));
}

export interface BackoffDecision {
  waitMs: number;
  quorum: number;
  reason: string;
}

/**
 * roundRobinQuorumBackoff (§4.3): sleep only before attempts divisible by the quorum of
 * the current endpoint list, so a quorum of members is tried back to back between pauses.
 */
export function roundRobinQuorumBackoff(attempt: number, endpoints: number, waitBetweenMs: number, jitter: number, rng: RandomStream): BackoffDecision {
  const quorum = Math.floor(endpoints / 2) + 1;
  if (attempt % quorum !== 0) return { waitMs: 0, quorum, reason: `backoff skipped: attempt ${attempt} % quorum ${quorum} != 0` };
  const waitMs = jitterUp(waitBetweenMs, jitter, rng);
  return { waitMs, quorum, reason: `wait ${waitMs.toFixed(1)} ms: attempt ${attempt} % quorum ${quorum} == 0` };
}

/** isHaltErr (client.go): the caller's context is done, or the code is neither Unavailable nor Internal. */
export function isHaltErr(ctxDone: boolean, err: Error): boolean {
  if (ctxDone) return true;
  const c = codeOf(err);
  return c !== Code.Unavailable && c !== Code.Internal;
}
