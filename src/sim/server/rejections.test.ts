// Every rejection on the request path is a trace event with its cause (server.propose,
// outcome 'rejected', or server.request.timeout), and a token issued at an index this
// member has not applied yet waits for that apply (etcd's applyWait) instead of failing.

import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/trace';
import type { EtcdServer } from './server';
import { TestCluster } from './testing/cluster';

function rejections(c: TestCluster, error: string): (TraceEvent & { kind: 'server.propose' })[] {
  return c.kernel.trace.all().filter((e): e is TraceEvent & { kind: 'server.propose' } => e.kind === 'server.propose' && e.outcome === 'rejected' && e.error === error);
}

describe('request-path rejections are traced with their cause', () => {
  it('ErrTooManyRequests: the apply lags the commit by more than 5,000 entries', async () => {
    const c = await TestCluster.create({ size: 1, traceLevel: 'info', config: { applyDelayPerEntryMs: 5 } });
    const s = c.waitForLeader();
    for (let i = 0; i < 5_200; i++) s.put({ key: `k${i % 50}`, value: 'v' }, {}, () => {});
    c.runUntil(() => s.committedIndex > s.appliedIndex + 5_000, 5_000);
    const r = c.call((d) => s.put({ key: 'late', value: 'v' }, {}, d), 1);
    expect(r.err?.name).toBe('ErrTooManyRequests');
    const [e] = rejections(c, 'ErrTooManyRequests');
    expect(e).toMatchObject({ source: s.name, op: 'put' });
    expect(e.reason).toMatch(/^commit \d+ is more than 5000 ahead of applied \d+$/);
  });

  it('ErrRequestTooLarge', async () => {
    const c = await TestCluster.create({ size: 3, traceLevel: 'info' });
    const l = c.waitForLeader();
    expect(c.call((d) => l.put({ key: 'big', value: 'x'.repeat(1.5 * 1024 * 1024) }, {}, d)).err?.name).toBe('ErrRequestTooLarge');
    expect(rejections(c, 'ErrRequestTooLarge')[0]?.reason).toMatch(/^\d+ bytes > max-request-bytes 1572864$/);
  });

  it('the backend quota (ErrNoSpace)', async () => {
    const c = await TestCluster.create({ size: 3, traceLevel: 'info', config: { quotaBackendBytes: 4_000 } });
    const l = c.waitForLeader();
    let err: Error | undefined;
    for (let i = 0; i < 20 && err === undefined; i++) err = c.call((d) => l.put({ key: `k${i}`, value: 'x'.repeat(300) }, {}, d)).err;
    expect(err?.name).toBe('ErrNoSpace');
    c.runUntil(() => l.alarms.has('NOSPACE'));
    expect(c.call((d) => l.put({ key: 'more', value: 'x'.repeat(300) }, {}, d)).err?.name).toBe('ErrNoSpace');
    expect(rejections(c, 'ErrNoSpace').at(-1)?.reason).toMatch(/^db size \d+ \+ request cost \d+ bytes exceeds the backend quota 4000$/);
  });

  it('no leader: the proposal is queued, then times out with the raw context error', async () => {
    const c = await TestCluster.create({ size: 3, traceLevel: 'info' });
    const l = c.waitForLeader();
    const f = c.members.find((m) => m !== l) as EtcdServer;
    for (const m of c.members) if (m !== f) m.crash();
    c.run(3_000); // f's leader is gone: it campaigns without a quorum
    expect(f.lead).toBe(0);
    const r = c.call((d) => f.put({ key: 'x', value: 'y' }, { deadline: c.kernel.now + 1_000 }, d));
    expect(r.err?.name).toBe('DeadlineExceeded');
    const trace = c.kernel.trace.all();
    expect(trace.some((e) => e.kind === 'server.propose' && e.source === f.name && e.outcome === 'queued' && e.reason === 'no leader known: the proposal waits')).toBe(true);
    expect(trace.some((e) => e.kind === 'server.request.timeout' && e.source === f.name && e.reason === 'no leader: the proposal never entered raft')).toBe(true);
  });
});

describe('a token issued at an index not applied here yet', () => {
  async function withAuth(): Promise<{ c: TestCluster; l: EtcdServer; f: EtcdServer }> {
    const c = await TestCluster.create({ size: 3, traceLevel: 'info' });
    const l = c.waitForLeader();
    const auth = (op: string, args: Record<string, unknown>) => c.call((d) => l.authRequest(op, args, {}, d)).err;
    expect(auth('UserAdd', { name: 'root', password: 'pw' })).toBeUndefined();
    expect(auth('UserGrantRole', { user: 'root', role: 'root' })).toBeUndefined();
    expect(auth('AuthEnable', {})).toBeUndefined();
    expect(c.waitConverged()).toBe(true);
    return { c, l, f: c.members.find((m) => m !== l) as EtcdServer };
  }

  /** Cuts f off, then authenticates twice on the leader: the second token's index is past f's applied index. */
  function tokenAheadOf(c: TestCluster, l: EtcdServer, f: EtcdServer): string {
    c.partition([f.name], c.members.filter((m) => m !== f).map((m) => m.name));
    c.call((d) => l.authenticate('root', 'pw', {}, d));
    const token = c.call<{ token: string }>((d) => l.authenticate('root', 'pw', {}, d)).resp?.token ?? '';
    expect(Number(token.split('.')[1])).toBeGreaterThan(f.appliedIndex);
    return token;
  }

  it('waits for this member to apply that index (applyWait), then serves the request', async () => {
    const { c, l, f } = await withAuth();
    const token = tokenAheadOf(c, l, f);
    let read: { err?: Error; at: number } | undefined;
    f.range({ key: 'a', serializable: true }, { token, deadline: c.kernel.now + 20_000 }, (err) => (read = { err, at: c.kernel.now }));
    c.run(2_000);
    expect(read).toBeUndefined(); // still waiting: the token's index is not applied here
    c.heal();
    const healed = c.kernel.now;
    c.runUntil(() => read !== undefined, 15_000);
    expect(read?.err).toBeUndefined();
    expect(read?.at).toBeGreaterThan(healed);
    expect(c.kernel.trace.all().some((e) => e.kind === 'server.auth' && e.source === f.name && e.event === 'auth-token' && 'action' in e && e.action === 'waiting')).toBe(true);
    expect(c.violations).toEqual([]);
  });

  it('is an invalid token once the request deadline passes first, and the rejection is traced', async () => {
    const { c, l, f } = await withAuth();
    const token = tokenAheadOf(c, l, f);
    const r = c.call((d) => f.put({ key: 'a', value: '1' }, { token, deadline: c.kernel.now + 1_000 }, d));
    expect(r.err?.name).toBe('ErrInvalidAuthToken');
    expect(rejections(c, 'ErrInvalidAuthToken')[0]?.reason).toBe('auth: etcdserver: invalid auth token');
  });
});
