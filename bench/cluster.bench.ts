// The standard workload, full stack: 5 etcd members (Raft, WAL on simulated memory disks,
// MVCC), one etcd client offering 100 puts per virtual second through gRPC and the retry
// interceptor (32 closed-loop processes: each waits for its answer, so about 82/s
// complete), latency 10-15 ms, default tracing, Raft invariant checker off. Figures:
// virtual seconds per wall second and completed puts (proposals committed and applied
// on the leader and answered) per wall second.
import { World } from '../src/sim/world/world';
import { rate, timed, type Figure } from './figures';

export function clusterStandard(virtualSeconds = 600): Figure[] {
  const world = new World({
    seed: 1,
    members: 5,
    check: false,
    network: { latency: { kind: 'uniform', min: 10, max: 15 } },
    clients: [{ workload: { mix: { put: 1 }, rate: 100, concurrency: 32, keys: 1000, timeoutMs: 5000 } }],
  });
  const t = timed(() => world.runUntil(virtualSeconds * 1000));
  const puts = world.client('c1').history.events.filter((e) => e.type === 'ok').length;
  return [
    { ...rate('cluster.virtual_seconds_per_wall_second', virtualSeconds, 'x', t), value: Math.round((virtualSeconds / t.wall) * 10) / 10 },
    rate('cluster.completed_puts_per_wall_second', puts, 'puts/s', t, { puts, members: 5 }),
  ];
}
