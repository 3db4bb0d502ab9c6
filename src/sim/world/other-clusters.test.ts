// Further independent clusters in one world (config otherClusters): their own members,
// initial cluster, cluster ID and Raft checker; the main cluster's API is unchanged.
import { describe, expect, it } from 'vitest';
import { World } from './world';
import { ConfigError } from './config';

describe('a world with another cluster', () => {
  const w = new World({ members: 3, seed: 4, otherClusters: [{ name: 'b', members: 3 }], clients: [{}, { endpoints: ['http://b1:2379', 'http://b2:2379', 'http://b3:2379'] }] });
  w.runUntilTrue(() => w.leader() !== undefined && w.members.filter((m) => m.isLeader).length === 2, 10_000);

  it('runs two clusters, each with its own leader, members and cluster ID', () => {
    expect(w.members.map((m) => m.name)).toEqual(['m1', 'm2', 'm3', 'b1', 'b2', 'b3']);
    expect(w.mainMembers().map((m) => m.name)).toEqual(['m1', 'm2', 'm3']);
    expect(w.clusterOf('b2')).toBe('b');
    expect(w.clusterOf('m2')).toBe('');
    const leaders = w.members.filter((m) => m.isLeader);
    expect(leaders.map((m) => w.clusterOf(m.name)).sort()).toEqual(['', 'b']);
    expect(w.leader()?.name).toMatch(/^m/);
    expect(w.member('m1').memberList().map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(w.member('b1').memberList().map((m) => m.name).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(w.member('m1').clusterId).not.toBe(w.member('b1').clusterId);
  });

  it('keeps their data apart; each cluster is checked on its own', () => {
    w.input({ type: 'request', client: 'c2', label: 'put-b', request: { op: 'put', key: 'k', value: 'in-b' } });
    w.runFor(500);
    w.input({ type: 'request', client: 'c1', label: 'get-a', request: { op: 'get', key: 'k' } });
    w.runFor(500);
    const result = (label: string) => w.trace.find((e) => e.kind === 'world.response' && e.label === label);
    expect(result('put-b')).toMatchObject({ outcome: 'ok' });
    expect(result('get-a')).toMatchObject({ outcome: 'ok', result: 'no key' });
    expect(w.violations).toEqual([]);
    expect(World.replay(w.config, w.inputs, w.now).hash()).toBe(w.hash());
  });

  it('refuses a cluster name that clashes', () => {
    expect(() => new World({ otherClusters: [{ name: 'm' }] })).toThrow(ConfigError);
    expect(() => new World({ otherClusters: [{ name: 'b' }, { name: 'b' }] })).toThrow(/cluster names must differ/);
  });
});
