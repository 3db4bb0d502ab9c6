import { describe, expect, it } from 'vitest';
import type { EtcdServer } from './server';
import { TestCluster } from './testing/cluster';

describe('EtcdServer basics', () => {
  it('elects a leader, commits and applies a put on every member', async () => {
    const c = await TestCluster.create({ size: 3 });
    const leader = c.waitForLeader();
    const r = c.put(leader, 'foo', 'bar');
    expect(r.err).toBeUndefined();
    expect(c.waitConverged()).toBe(true);
    for (const m of c.members) expect(c.get(m, 'foo', true)).toBe('bar');
    expect(c.violations).toEqual([]);
  });

  it('gives the page a read-only view of a member', async () => {
    const c = await TestCluster.create({ size: 3 });
    const l = c.waitForLeader();
    c.put(l, 'a', '1');
    expect(c.waitConverged()).toBe(true);
    const v = l.view(5);
    expect(v.role).toBe('leader');
    expect(v.status).toBe('running');
    expect(v.progress).toHaveLength(2);
    expect(v.progress.every((p) => p.match === v.lastIndex)).toBe(true);
    expect(v.log.length).toBeLessThanOrEqual(5);
    expect(v.log[v.log.length - 1].index).toBe(v.lastIndex);
    expect(v.log.find((e) => e.what === 'put a')?.type).toBe('EntryNormal');
    expect(v.revision).toBe(2);
    expect(v.keys).toBe(1);
    expect(v.members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    const f = c.members.find((m) => m !== l) as EtcdServer;
    f.crash();
    expect(f.view()).toMatchObject({ status: 'crashed', role: 'stopped' });
  });
});

describe('determinism', () => {
  async function run(seed: number): Promise<string> {
    const c = await TestCluster.create({ size: 3, seed, traceLevel: 'info' });
    const l = c.waitForLeader();
    for (let i = 0; i < 20; i++) l.put({ key: `k${i}`, value: `v${i}` }, {}, () => {});
    c.run(500);
    c.crash(l.name);
    c.waitForLeader();
    c.restart(l.name);
    c.run(3_000);
    return c.kernel.trace.hash();
  }

  it('the same seed gives the same trace', async () => {
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
  });
});
