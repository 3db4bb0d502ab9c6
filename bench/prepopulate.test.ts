import { describe, expect, it } from 'vitest';
import { World } from '../src/sim/world/world';
import { prepopulate } from './prepopulate';
import { standardConfig } from './standard';

describe('prepopulate', () => {
  it('writes every key through Raft so that every member stores it', () => {
    const world = new World(standardConfig({ members: 3, idle: true }));
    const r = prepopulate(world, 'c1', 300, { batch: 128 });
    expect(r).toMatchObject({ keys: 300, proposals: 3 });
    for (const m of world.members) {
      expect(m.kv.liveKeys).toBe(300);
      const read = m.kv.read();
      expect(read.range('k/299', undefined).kvs.map((kv) => kv.value)).toEqual(['initial']);
      expect(read.range('k/300', undefined).kvs).toEqual([]);
      read.end();
    }
  });

  it('reports a client that cannot connect instead of hanging', () => {
    const world = new World({ ...standardConfig({ members: 3, idle: true }), clients: [{ endpoints: ['http://nowhere:2379'] }] });
    expect(() => prepopulate(world, 'c1', 10, { deadlineMs: 20_000 })).toThrow(/prepopulate: writing k\/0\.\. failed: /);
  });

  it('refuses a batch etcd would refuse to build', () => {
    const world = new World(standardConfig({ members: 3, idle: true }));
    expect(() => prepopulate(world, 'c1', 10, { batch: 0 })).toThrow(/batch must be a whole number >= 1, got 0/);
  });
});
