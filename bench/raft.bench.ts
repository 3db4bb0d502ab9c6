// Raft on the simulated network (src/sim/testing/raft-cluster.ts): 5 members with
// in-memory storage, one proposal of 64 bytes every 10 virtual ms to the leader (100
// per virtual second), links of 10-15 ms, no faults, default tracing ('info': a net.send
// row per message), invariant checker off, 600 virtual seconds including the first
// election. Everything is timed: Raft, the harness's Ready handling, the network, the
// trace and the kernel.
//   raft.messages_stepped_per_wall_second: messages delivered and stepped into members.
//   raft.virtual_seconds_per_wall_second: how much faster than real time the run goes.
// One warm-up run, then five measured runs in the same process; the figures are the
// median measured run's. V8 compiles the hot paths during the warm-up, whose first 10
// virtual seconds take about ten times as long as any later 10: its figure is printed as
// `first_run`, and the measured runs' slowest and fastest as `min` and `max`, because on
// a shared machine the same code varies by a third within minutes. The warm-up stays out
// of the median: it is always the slowest, and a median of three runs counting it would
// be the slower of two warm ones. Every run is the same seeded run, and must count the same.
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

export function raftSteady(virtualSeconds = 600, measured = 5): Figure[] {
  const first = runOnce(virtualSeconds);
  const all = Array.from({ length: measured }, () => runOnce(virtualSeconds));
  for (const r of all) {
    if (r.messages !== first.messages || r.traceEvents !== first.traceEvents) {
      throw new Error(`raft bench: the same seeded run counted ${first.messages} then ${r.messages} messages: the simulation is not deterministic`);
    }
  }
  const byWall = [...all].sort((a, b) => a.t.wall - b.t.wall);
  const median = byWall[Math.floor(measured / 2)];
  const slowest = byWall[measured - 1];
  const fastest = byWall[0];
  const perSecond = (r: Run) => Math.round(r.messages / r.t.wall);
  const speedOf = (r: Run) => Math.round((virtualSeconds / r.t.wall) * 10) / 10;
  return [
    rate('raft.messages_stepped_per_wall_second', median.messages, 'messages/s', median.t, {
      members: 5,
      messages: median.messages,
      kernelEvents: median.kernelEvents,
      traceEvents: median.traceEvents,
      runs: measured,
      min: perSecond(slowest),
      max: perSecond(fastest),
      first_run: perSecond(first),
    }),
    speed('raft.virtual_seconds_per_wall_second', virtualSeconds, median.t, {
      committed: median.committed,
      runs: measured,
      min: speedOf(slowest),
      max: speedOf(fastest),
      first_run: speedOf(first),
    }),
  ];
}
