// Raft on the simulated network (src/sim/testing/raft-cluster.ts): 5 members with
// in-memory storage, one proposal of 64 bytes every 10 virtual ms to the leader (100
// per virtual second), links of 10-15 ms, no faults, default tracing ('info': a net.send
// row per message), invariant checker off, 600 virtual seconds including the first
// election. Everything is timed: Raft, the harness's Ready handling, the network, the
// trace and the kernel.
//   raft.messages_stepped_per_wall_second: messages delivered and stepped into members.
//   raft.virtual_seconds_per_wall_second: how much faster than real time the run goes.
import { RaftCluster } from '../src/sim/testing/raft-cluster';
import { rate, speed, timed, type Figure } from './figures';

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
    rate('raft.messages_stepped_per_wall_second', c.stepped, 'messages/s', t, {
      members: 5,
      messages: c.stepped,
      kernelEvents: c.kernel.fired,
      traceEvents: c.kernel.trace.length,
    }),
    speed('raft.virtual_seconds_per_wall_second', virtualSeconds, t, { committed }),
  ];
}
