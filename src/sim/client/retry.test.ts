import { describe, expect, it } from 'vitest';
import { RandomStream } from '../kernel/random';
import { Code } from '../grpc/codes';
import { StatusError } from '../grpc/status';
import { isSafeRetry, retryPolicy, roundRobinQuorumBackoff, shouldRefreshToken } from './retry';
import * as M from './methods';
import { grpcError } from './rpctypes';

describe('roundRobinQuorumBackoff', () => {
  const pattern = (n: number) => {
    const rng = RandomStream.derive(42, 'c1/backoff');
    return Array.from({ length: 10 }, (_, i) => i + 1).map((a) => roundRobinQuorumBackoff(a, n, 25, 0.1, rng));
  };

  it('sleeps before every attempt with 1 endpoint (quorum 1)', () => {
    const p = pattern(1);
    expect(p.every((d) => d.quorum === 1 && d.waitMs >= 22.5 && d.waitMs < 27.5)).toBe(true);
  });

  it('sleeps before even attempts with 3 endpoints (quorum 2)', () => {
    const p = pattern(3);
    expect(p.map((d) => d.waitMs > 0)).toEqual([false, true, false, true, false, true, false, true, false, true]);
    expect(p[0].reason).toBe('backoff skipped: attempt 1 % quorum 2 != 0');
    expect(p[1].reason).toMatch(/^wait 2\d\.\d ms: attempt 2 % quorum 2 == 0$/);
  });

  it('sleeps before every third attempt with 5 endpoints (quorum 3)', () => {
    const p = pattern(5);
    expect(p.map((d) => d.waitMs > 0)).toEqual([false, false, true, false, false, true, false, false, true, false]);
    for (const d of p.filter((x) => x.waitMs > 0)) {
      expect(d.waitMs).toBeGreaterThanOrEqual(22.5);
      expect(d.waitMs).toBeLessThan(27.5);
    }
  });

  it('is deterministic at a fixed seed', () => {
    expect(pattern(3).map((d) => d.waitMs)).toEqual(pattern(3).map((d) => d.waitMs));
  });
});

describe('retry policy and safe-retry rules', () => {
  it('classifies RPCs as in retry.go', () => {
    expect(retryPolicy(M.KV.Range)).toBe('repeatable');
    expect(retryPolicy(M.KV.Put)).toBe('nonRepeatable');
    expect(retryPolicy(M.KV.Txn)).toBe('nonRepeatable');
    expect(retryPolicy(M.Lease.LeaseGrant)).toBe('repeatable');
    expect(retryPolicy(M.Auth.Authenticate)).toBe('nonRepeatable');
    expect(retryPolicy(M.Maintenance.MoveLeader)).toBe('repeatable');
  });

  it('retries Unavailable only for repeatable RPCs', () => {
    const unavailable = new StatusError(Code.Unavailable, 'error reading from server: EOF');
    expect(isSafeRetry(unavailable, 'repeatable', 3, '3.6', 'Range')).toEqual({ retry: true, reason: 'retried: Range is repeatable and the error is Unavailable' });
    expect(isSafeRetry(unavailable, 'nonRepeatable', 3, '3.6', 'Put')).toEqual({ retry: false, reason: 'not retried: Put is non-repeatable and the error is Unavailable' });
    expect(isSafeRetry(grpcError('ErrCompacted'), 'repeatable', 3, '3.6').retry).toBe(false);
    expect(isSafeRetry(grpcError('ErrNoLeader'), 'repeatable', 3, '3.6').retry).toBe(true);
  });

  it('retries the learner error for any policy when there is more than one endpoint', () => {
    expect(isSafeRetry(grpcError('ErrGRPCNotSupportedForLearner'), 'nonRepeatable', 2, '3.6').retry).toBe(true);
    expect(isSafeRetry(grpcError('ErrGRPCNotSupportedForLearner'), 'nonRepeatable', 1, '3.6').retry).toBe(false);
    // A 3.5 server sends it as Unavailable: a repeatable RPC retries it even with one endpoint.
    expect(isSafeRetry(grpcError('ErrGRPCNotSupportedForLearner', '3.5'), 'repeatable', 1, '3.5').retry).toBe(true);
  });

  it('refreshes the token on invalid token, old revision, and user-empty with credentials', () => {
    expect(shouldRefreshToken(grpcError('ErrInvalidAuthToken'), false)).toBe(true);
    expect(shouldRefreshToken(grpcError('ErrAuthOldRevision'), false)).toBe(true);
    expect(shouldRefreshToken(grpcError('ErrUserEmpty'), false)).toBe(false);
    expect(shouldRefreshToken(grpcError('ErrUserEmpty'), true)).toBe(true);
  });
});
