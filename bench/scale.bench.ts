// How the standard workload's speed (virtual seconds per wall second, memory backend)
// falls as the cluster or the store grows. Shorter runs than the standard 600 virtual
// seconds keep the largest sizes affordable; each figure carries its virtual_s, and every
// run starts at t = 0, so the first election (a second or two) is inside it.
//   scale.members.<n>: n members, the standard client and workload.
//   scale.keys.<n>: 5 members; the store first holds n keys k/0 ... (written through
//     Raft by bench/prepopulate.ts, not timed), then the workload's puts go uniformly over
//     those n keys; timed from the workload's start.
import { World } from '../src/sim/world/world';
import { speed, timed, type Figure } from './figures';
import { prepopulate } from './prepopulate';
import { standardConfig, standardWorkload } from './standard';

export const MEMBER_SIZES: ReadonlyArray<{ members: number; virtualSeconds: number }> = [
  { members: 3, virtualSeconds: 60 },
  { members: 5, virtualSeconds: 60 },
  { members: 7, virtualSeconds: 60 },
  { members: 15, virtualSeconds: 60 },
  { members: 51, virtualSeconds: 20 },
];

export function scaleMembers(sizes = MEMBER_SIZES): Figure[] {
  return sizes.map(({ members, virtualSeconds }) => {
    const world = new World(standardConfig({ members }));
    const t = timed(() => world.runUntil(virtualSeconds * 1000));
    return speed(`scale.members.${members}.virtual_seconds_per_wall_second`, virtualSeconds, t, { members });
  });
}

export const KEY_SIZES: readonly number[] = [1_000, 100_000, 1_000_000];

export function scaleKeys(sizes = KEY_SIZES, virtualSeconds = 60): Figure[] {
  return sizes.map((keys) => {
    const world = new World(standardConfig({ idle: true }));
    const fill = timed(() => prepopulate(world, 'c1', keys));
    const from = world.now;
    world.input({ type: 'workload-start', client: 'c1', workload: standardWorkload(keys) });
    const t = timed(() => world.runUntil(from + virtualSeconds * 1000));
    return speed(`scale.keys.${keys}.virtual_seconds_per_wall_second`, virtualSeconds, t, {
      members: world.members.length,
      keys,
      prepopulate_wall_s: Math.round(fill.wall * 10) / 10,
      live_keys: Math.min(...world.members.map((m) => m.kv.liveKeys)),
      // etcd snapshots the store every --snapshot-count (10,000) entries; with a large
      // store those snapshots are a visible part of the run's cost.
      snapshots: world.trace.filter((e) => e.kind === 'server.snapshot' && e.t >= from).length,
      heap_used_mib: Math.round(process.memoryUsage().heapUsed / (1024 * 1024)),
    });
  });
}
