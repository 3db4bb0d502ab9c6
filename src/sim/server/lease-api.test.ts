import { describe, expect, it } from 'vitest';
import type { AuthError } from '../auth/errors';
import type { EtcdServer } from './server';
import { TestCluster } from './testing/cluster';

describe('leases and auth through the server', () => {
  it('keeps a lease alive from a follower (forwarded to the leader) and reports its TTL', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const f = c.members.find((m) => m !== l) as EtcdServer;
    const g = c.call<{ id: number }>((d) => f.leaseGrant({ ttl: 3 }, {}, d));
    const id = g.resp?.id ?? 0;
    c.put(f, 'held', 'x');
    expect(c.call((d) => f.put({ key: 'held', value: 'y', lease: id }, {}, d)).err).toBeUndefined();
    // Renew every second for 10 s: the lease outlives its 3 s TTL.
    for (let i = 0; i < 10; i++) {
      const r = c.call<number>((d) => f.leaseRenew(id, {}, d));
      expect(r.err).toBeUndefined();
      expect(r.resp).toBe(3);
      c.run(1_000);
    }
    const ttl = c.call<{ ttl: number; grantedTtl: number; keys: string[] }>((d) => f.leaseTimeToLive(id, true, {}, d));
    expect(ttl.resp?.grantedTtl).toBe(3);
    expect(ttl.resp?.keys).toEqual(['held']);
    expect(c.get(f, 'held')).toBe('y');
    // Stop renewing: the leader revokes it and the key goes.
    c.run(6_000);
    expect(c.waitConverged()).toBe(true);
    expect(c.get(f, 'held')).toBeUndefined();
    const gone = c.call<{ ttl: number }>((d) => f.leaseTimeToLive(id, false, {}, d));
    expect(gone.resp?.ttl).toBe(-1);
    const renewGone = c.call<number>((d) => f.leaseRenew(id, {}, d));
    expect(renewGone.err?.name).toBe('ErrLeaseNotFound');
  });

  it('a renew in flight on a follower that becomes the leader is served there, not retried until ReqTimeout', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const g = c.call<{ id: number }>((d) => l.leaseGrant({ ttl: 30 }, {}, d));
    const id = g.resp?.id ?? 0;
    expect(c.waitConverged()).toBe(true);
    l.crash();
    const crashed = c.kernel.now;
    // Both followers renew at once: each forwards to the dead leader, then to whoever wins.
    const answers = new Map<string, { err?: Error; ttl?: number; at: number }>();
    for (const f of c.running()) f.leaseRenew(id, {}, (err, ttl) => answers.set(f.name, { err, ttl, at: c.kernel.now }));
    c.runUntil(() => answers.size === 2, 20_000);
    const next = c.leader();
    expect(next).toBeDefined();
    expect([...answers.values()].map((a) => [a.err?.message, a.ttl])).toEqual([
      [undefined, 30],
      [undefined, 30],
    ]);
    // Answered once the new leader's lessor is primary: well within an election or two, not ReqTimeout (7 s).
    expect((answers.get(next?.name ?? '')?.at ?? Infinity) - crashed).toBeLessThan(4_000);
    const ttl = c.call<{ ttl: number }>((d) => (next as EtcdServer).leaseTimeToLive(id, false, {}, d));
    expect(ttl.resp?.ttl).toBeGreaterThan(25);
    expect(c.violations).toEqual([]);
  });

  it('on the leader a renew waits for the apply to reach the commit, within 1 s (ErrTimeoutWaitAppliedIndex)', async () => {
    const c = await TestCluster.create({ size: 1, traceLevel: 'info', config: { applyDelayPerEntryMs: 5 } });
    const s = c.waitForLeader();
    const id = c.call<{ id: number }>((d) => s.leaseGrant({ ttl: 60 }, {}, d)).resp?.id ?? 0;
    // A short backlog (100 entries x 5 ms) is waited out; the renew then succeeds.
    for (let i = 0; i < 100; i++) s.put({ key: `a${i}`, value: 'v' }, {}, () => {});
    c.runUntil(() => s.committedIndex > s.appliedIndex + 50, 1_000);
    const waited = c.call<number>((d) => s.leaseRenew(id, {}, d));
    expect(waited.err).toBeUndefined();
    expect(waited.resp).toBe(60);
    expect(s.appliedIndex).toBeGreaterThanOrEqual(s.committedIndex - 1);
    // A long one (400 entries, 2 s) is not.
    for (let i = 0; i < 400; i++) s.put({ key: `b${i}`, value: 'v' }, {}, () => {});
    c.runUntil(() => s.committedIndex > s.appliedIndex + 300, 1_000);
    const start = c.kernel.now;
    const late = c.call<number>((d) => s.leaseRenew(id, {}, d));
    expect(late.err?.message).toBe('etcdserver: request timed out, waiting for the applied index took too long');
    expect(c.kernel.now - start).toBeCloseTo(1_000, 0);
    expect(c.kernel.trace.all().some((e) => e.kind === 'server.request.timeout' && e.op === 'lease')).toBe(true);
  });

  it('enables auth, authenticates, and checks permissions at apply time', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const auth = (op: string, args: Record<string, unknown>, token?: string) => c.call((d) => l.authRequest(op, args, { token }, d));
    expect(auth('AuthEnable', {}).err?.name).toBe('ErrRootUserNotExist');
    expect(auth('UserAdd', { name: 'root', password: 'rootpw' }).err).toBeUndefined();
    expect(auth('UserGrantRole', { user: 'root', role: 'root' }).err).toBeUndefined();
    expect(auth('UserAdd', { name: 'alice', password: 'pw' }).err).toBeUndefined();
    expect(auth('RoleAdd', { name: 'app' }).err).toBeUndefined();
    expect(auth('RoleGrantPermission', { name: 'app', perm: { permType: 2, key: 'app/', rangeEnd: 'app0' } }).err).toBeUndefined();
    expect(auth('UserGrantRole', { user: 'alice', role: 'app' }).err).toBeUndefined();
    expect(auth('AuthEnable', {}).err).toBeUndefined();
    const bad = c.call((d) => l.authenticate('alice', 'wrong', {}, d));
    expect((bad.err as AuthError).name).toBe('ErrAuthFailed');
    const tok = c.call<{ token: string }>((d) => l.authenticate('alice', 'pw', {}, d));
    expect(tok.err).toBeUndefined();
    const token = tok.resp?.token ?? '';
    expect(token).toMatch(/^[a-zA-Z]{16}\.\d+$/);
    expect(c.call((d) => l.put({ key: 'app/x', value: '1' }, { token }, d)).err).toBeUndefined();
    expect((c.call((d) => l.put({ key: 'other', value: '1' }, { token }, d)).err as AuthError).name).toBe('ErrPermissionDenied');
    expect((c.call((d) => l.put({ key: 'app/y', value: '1' }, {}, d)).err as AuthError).name).toBe('ErrUserEmpty');
    expect((c.call((d) => l.range({ key: 'other' }, { token }, d)).err as AuthError).name).toBe('ErrPermissionDenied');
    expect(c.call((d) => l.range({ key: 'app/x' }, { token }, d)).err).toBeUndefined();
    expect((c.call((d) => l.put({ key: 'app/z' }, { token: 'bogus.1' }, d)).err as AuthError).name).toBe('ErrInvalidAuthToken');
    expect(c.waitConverged()).toBe(true);
    expect(new Set(c.members.map((m) => m.auth.revision())).size).toBe(1);
  });
});

describe('lease expiry with auth enabled', () => {
  it('the leader revokes an expired lease with its internal root token', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    const auth = (op: string, args: Record<string, unknown>) => c.call((d) => l.authRequest(op, args, {}, d));
    auth('UserAdd', { name: 'root', password: 'pw' });
    auth('UserGrantRole', { user: 'root', role: 'root' });
    expect(auth('AuthEnable', {}).err).toBeUndefined();
    const token = c.call<{ token: string }>((d) => l.authenticate('root', 'pw', {}, d)).resp?.token;
    expect(c.call((d) => l.leaseGrant({ ttl: 2 }, {}, d)).err?.name).toBe('ErrUserEmpty');
    const g = c.call<{ id: number }>((d) => l.leaseGrant({ ttl: 2 }, { token }, d));
    expect(c.call((d) => l.put({ key: 'tmp', value: 'x', lease: g.resp?.id ?? 0 }, { token }, d)).err).toBeUndefined();
    c.run(6_000);
    expect(c.waitConverged()).toBe(true);
    for (const m of c.members) expect(m.kv.read().range('tmp', undefined).kvs).toEqual([]);
  });
});
