// Raft on the simulated network: 5 members, 100 proposals per virtual second, latency
// 10-15 ms, 600 virtual seconds, invariant checker off, default tracing.
import { RaftCluster } from '../src/sim/testing/raft-cluster';
import { rate, timed, type Figure } from './figures';

export function raftSteady(virtualSeconds = 600): Figure[] {
  const c = new RaftCluster({ seed: 1, members: 5, check: false, network: { latency: { kind: 'uniform', min: 10, max: 15 } } });
  const payload = new Uint8Array(64);
  const propose = () => {
    c.propose(payload);
    c.kernel.schedule(10, propose);
  };
  c.kernel.schedule(0, propose);
  const t = timed(() => c.kernel.runUntil(virtualSeconds * 1000));
  const committed = Math.min(...c.members.map((m) => m.applied));
  return [
    rate('raft.messages_stepped_per_wall_second', c.stepped, 'messages/s', t, { members: 5 }),
    { ...rate('raft.virtual_seconds_per_wall_second', virtualSeconds, 'x', t, { committed }), value: Math.round((virtualSeconds / t.wall) * 10) / 10 },
  ];
}
