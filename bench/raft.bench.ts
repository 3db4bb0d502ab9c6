// Raft on the simulated network (src/sim/testing/raft-cluster.ts): 5 members with
// in-memory storage, one proposal of 64 bytes every 10 virtual ms to the leader (100
// per virtual second), links of 10-15 ms, no faults, default tracing ('info': a net.send
// row per message), invariant checker off, 600 virtual seconds including the first
// election. Everything is timed: Raft, the harness's Ready handling, the network, the
// trace and the kernel.
//   raft.messages_stepped_per_wall_second: messages delivered and stepped into members.
//   raft.virtual_seconds_per_wall_second: how much faster than real time the run goes.
// The run is repeated in one process and the figures are the median run's, as
// lincheck's are: V8 compiles the hot paths while the first run goes, whose first 10
// virtual seconds take about ten times as long as any later 10. The first run's figure
// is printed as `first_run`. Every run is the same seeded run, and must count the same.
import { RaftCluster } from '../src/sim/testing/raft-cluster';
import { rate, speed, timed, type Figure, type Timing } from './figures';

interface Run {
  t: Timing;
  messages: number;
  kernelEvents: number;
  traceEvents: number;
  committed: number;
}

function runOnce(virtualSeconds: number): Run {
  const c = new RaftCluster({ seed: 1, members: 5, check: false, network: { latency: { kind: 'uniform', min: 10, max: 15 } } });
  const payload = new Uint8Array(64);
  const propose = () => {
    c.propose(payload);
    c.kernel.schedule(10, propose);
  };
  c.kernel.schedule(0, propose);
  const t = timed(() => c.kernel.runUntil(virtualSeconds * 1000));
  return {
    t,
    messages: c.stepped,
    kernelEvents: c.kernel.fired,
    traceEvents: c.kernel.trace.length,
    committed: Math.min(...c.members.map((m) => m.applied)),
  };
}

export function raftSteady(virtualSeconds = 600, runs = 3): Figure[] {
  const all = Array.from({ length: runs }, () => runOnce(virtualSeconds));
  for (const r of all) {
    if (r.messages !== all[0].messages || r.traceEvents !== all[0].traceEvents) {
      throw new Error(`raft bench: the same seeded run counted ${all[0].messages} then ${r.messages} messages: the simulation is not deterministic`);
    }
  }
  const median = [...all].sort((a, b) => a.t.wall - b.t.wall)[Math.floor(runs / 2)];
  const first = all[0];
  return [
    rate('raft.messages_stepped_per_wall_second', median.messages, 'messages/s', median.t, {
      members: 5,
      messages: median.messages,
      kernelEvents: median.kernelEvents,
      traceEvents: median.traceEvents,
      runs,
      first_run: Math.round(first.messages / first.t.wall),
    }),
    speed('raft.virtual_seconds_per_wall_second', virtualSeconds, median.t, {
      committed: median.committed,
      runs,
      first_run: Math.round((virtualSeconds / first.t.wall) * 10) / 10,
    }),
  ];
}
