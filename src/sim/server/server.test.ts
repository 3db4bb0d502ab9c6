import { describe, expect, it } from 'vitest';
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
