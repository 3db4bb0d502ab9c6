// Raft on the simulated network: 5 members, 100 proposals per virtual second, latency
// 10-15 ms, 600 virtual seconds, invariant checker off, default tracing.
import { RaftCluster } from '../src/sim/testing/raft-cluster';
import { timed, type Figure } from './figures';

export function raftSteady(virtualSeconds = 600): Figure[] {
  const c = new RaftCluster({ seed: 1, members: 5, check: false, network: { latency: { kind: 'uniform', min: 10, max: 15 } } });
  const payload = new Uint8Array(64);
  const propose = () => {
    c.propose(payload);
    c.kernel.schedule(10, propose);
  };
  c.kernel.schedule(0, propose);
  const seconds = timed(() => c.kernel.runUntil(virtualSeconds * 1000));
  const committed = Math.min(...c.members.map((m) => m.applied));
  return [
    { name: 'raft.messages_stepped_per_wall_second', value: Math.round(c.stepped / seconds), unit: 'messages/s', members: 5, stepped: c.stepped },
    { name: 'raft.virtual_seconds_per_wall_second', value: Math.round((virtualSeconds / seconds) * 10) / 10, unit: 'x', committed },
  ];
}
