import { describe, expect, it } from 'vitest';
import { RaftCluster } from './raft-cluster';

const enc = new TextEncoder();

/** Runs a cluster under a seeded schedule of faults, then heals and lets it settle. */
function chaos(seed: number, members: number) {
  const c = new RaftCluster({ seed, members, network: { latency: { kind: 'uniform', min: 1, max: 30 }, drop: 0.02, duplicate: 0.01, reorder: 0.02 } });
  const rng = c.kernel.random('chaos');
  const names = c.members.map((m) => `m${m.id}`);
  let proposed = 0;
  let proposing = true;
  const propose = () => {
    if (!proposing) return;
    if (c.propose(enc.encode(`p${proposed}`))) proposed++;
    c.kernel.schedule(rng.int(5, 50), propose);
  };
  c.kernel.schedule(0, propose);
  for (let round = 0; round < 6; round++) {
    c.kernel.runUntil(c.kernel.now + rng.int(1000, 4000));
    switch (rng.int(0, 3)) {
      case 0: {
        const shuffled = rng.shuffle(names);
        const cut = rng.int(1, names.length - 1);
        c.net.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        break;
      }
      case 1: {
        const victim = rng.pick(c.members.filter((m) => m.up));
        if (victim && c.members.filter((m) => m.up).length > 1) victim.crash();
        break;
      }
      case 2:
        c.net.block(rng.pick(names), rng.pick(names));
        break;
      default:
        c.net.heal();
        for (const m of c.members) if (!m.up) m.restart();
    }
  }
  c.net.heal();
  for (const m of c.members) if (!m.up) m.restart();
  proposing = false;
  c.kernel.runUntil(c.kernel.now + 10_000);
  return { c, proposed };
}

describe('Raft cluster on the simulated network', () => {
  it('elects one leader and replicates proposals to every member', () => {
    const c = new RaftCluster({ seed: 1, members: 5 });
    c.kernel.runUntil(3000);
    expect(c.leader()).toBeDefined();
    for (let i = 0; i < 50; i++) c.propose(enc.encode(`v${i}`));
    c.kernel.runUntil(5000);
    const logs = c.members.map((m) => m.appliedProposals);
    expect(logs).toEqual([50, 50, 50, 50, 50]);
    expect(c.violations).toEqual([]);
  });

  it.each(Array.from({ length: 24 }, (_, i) => [i + 1, 3 + 2 * (i % 2)]))(
    'seed %i with %i members: no invariant violated under faults, and it recovers',
    (seed, members) => {
      const { c, proposed } = chaos(seed, members);
      expect(c.violations.map((v) => v.message)).toEqual([]);
      expect(proposed).toBeGreaterThan(0);
      const leader = c.leader();
      expect(leader, 'a leader after healing').toBeDefined();
      // After settling every member has applied the same log as the leader.
      const want = leader!.appliedTerms.join(',');
      for (const m of c.members) expect(m.appliedTerms.join(',')).toBe(want);
    },
  );

  it('is deterministic: same seed, same trace', () => {
    expect(chaos(7, 5).c.kernel.trace.hash()).toBe(chaos(7, 5).c.kernel.trace.hash());
  });
});
