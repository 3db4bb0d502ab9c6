// etcdctl scripts against a World of real simulated etcd members (Raft, WAL, MVCC,
// leases) reached through the simulated client over the simulated network.
import { describe, expect, it } from 'vitest';
import { World } from '../world/world';
import { clientEtcdctlEnv } from './client-backend';
import { runScript } from './runner';

async function run(world: World, script: string): Promise<{ out: string; codes: number[] }> {
  let out = '';
  const env = clientEtcdctlEnv({ kernel: world.kernel, net: world.net }, world.members.map((m) => `${m.name}:2379`));
  const r = await runScript(script.trim().split('\n'), { env, clock: world.kernel, sink: (c) => (out += c.text) });
  return { out, codes: r.codes };
}

describe('etcdctl against a simulated etcd cluster', () => {
  it('puts, gets, deletes and counts with etcdctl outputs', async () => {
    const world = new World({ members: 3, seed: 2 });
    world.runUntilTrue(() => world.leader() !== undefined, 10_000);
    const { out, codes } = await run(
      world,
      `
put foo bar
get foo
put foo baz --prev-kv
get foo --print-value-only
del foo
get foo --count-only -w fields
put "" x
`,
    );
    const ids = out.replace(/"(ClusterID|MemberID)" : \d+/g, '"$1" : ID');
    expect(ids).toBe(
      [
        'OK', 'foo', 'bar', 'OK', 'foo', 'bar', 'baz', '1',
        '"ClusterID" : ID', '"MemberID" : ID', '"Revision" : 4', '"RaftTerm" : 2', '"More" : false', '"Count" : 0',
        'Error: etcdserver: key is not provided', '',
      ].join('\n'),
    );
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(world.violations).toEqual([]);
  });

  it('keeps working when a member crashes: reads retry on another endpoint', async () => {
    const world = new World({ members: 3, seed: 4 });
    world.runUntilTrue(() => world.leader() !== undefined, 10_000);
    await run(world, 'put k v');
    const follower = world.members.find((m) => !m.isLeader)!;
    world.input({ type: 'crash', member: follower.name });
    const { out } = await run(world, 'get k --print-value-only\nget k --print-value-only\nget k --print-value-only');
    expect(out).toBe('v\nv\nv\n');
  });
});
