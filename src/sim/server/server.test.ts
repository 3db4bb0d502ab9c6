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
