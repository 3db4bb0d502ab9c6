// Property: for random sequences of proposals, crashes (at any point of the persist/apply
// sequence: crashes land at random sub-millisecond offsets between fsync start and
// completion, message delivery and apply), restarts and partitions, no acknowledged
// write is lost, nothing committed changes (the Raft invariant checker), torn WAL tails
// are repaired, and the members converge to equal state.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EtcdServer } from './server';
import { TestCluster } from './testing/cluster';

type Action =
  | { kind: 'put'; member: number; count: number }
  | { kind: 'crash'; member: number; afterMs: number }
  | { kind: 'restart'; member: number }
  | { kind: 'partition'; member: number }
  | { kind: 'heal' }
  | { kind: 'run'; ms: number };

const action = (size: number): fc.Arbitrary<Action> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), member: fc.nat(size - 1), count: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), member: fc.nat(size - 1), afterMs: fc.double({ min: 0, max: 30, noNaN: true }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), member: fc.nat(size - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), member: fc.nat(size - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('run' as const), ms: fc.integer({ min: 1, max: 3_000 }) }) },
  );

let repairs = 0;

async function runScenario(seed: number, size: number, applyDelayPerEntryMs: number, actions: Action[]): Promise<void> {
  const c = await TestCluster.create({
    size,
    seed,
    traceLevel: 'info',
    config: { snapshotCount: 40, snapshotCatchUpEntries: 10, applyDelayPerEntryMs },
    disk: { fsyncLatency: { kind: 'uniform', minMs: 0.2, maxMs: 8 }, tornWriteProbability: 0.7 },
  });
  c.kernel.trace.subscribe((e) => {
    if (e.kind === 'server.storage' && e.type === 'wal.repaired') repairs++;
  });
  const acked = new Map<string, string>();
  let n = 0;
  c.run(2_000);
  for (const a of actions) {
    const m: EtcdServer = c.members[(a as { member?: number }).member ?? 0];
    switch (a.kind) {
      case 'put':
        for (let i = 0; i < a.count; i++) {
          const key = `k${n++}`;
          const value = `v${key}`;
          m.put({ key, value }, {}, (err) => {
            if (err === undefined) acked.set(key, value);
          });
        }
        break;
      case 'crash':
        c.kernel.schedule(a.afterMs, () => m.crash());
        break;
      case 'restart':
        m.start();
        break;
      case 'partition':
        c.partition([m.name], c.members.filter((x) => x !== m).map((x) => x.name));
        break;
      case 'heal':
        c.heal();
        break;
      case 'run':
        c.run(a.ms);
        break;
    }
    c.run(1);
  }
  c.run(100);
  c.heal();
  for (const m of c.members) m.start();
  for (const m of c.members) expect(m.failure?.message).toBeUndefined();
  c.waitForLeader(30_000);
  // Until the leader has committed its whole log (its term's first entry included), every
  // member may have applied up to the old commit only: converged, but not yet showing
  // writes acknowledged before the crashes (a run of seed 196829 did that).
  expect(c.runUntil(() => {
    const l = c.leader();
    return l !== undefined && l.node.rawNode.raft.raftLog.committed === l.node.rawNode.raft.raftLog.lastIndex();
  }, 60_000)).toBe(true);
  expect(c.waitConverged(60_000)).toBe(true);
  const dumps = new Set(c.members.map((m) => TestCluster.dump(m)));
  expect(dumps.size).toBe(1);
  const s = c.members[0];
  for (const [key, value] of acked) {
    const got = s.kv.read().range(key, undefined).kvs[0]?.value;
    expect(got, `acknowledged write ${key} lost`).toBe(value);
  }
  expect(c.violations).toEqual([]);
}

describe('faults', () => {
  it('random proposals, crashes, restarts and partitions lose no acknowledged write', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1_000_000),
        fc.constantFrom(3, 5),
        // A slow backend keeps an apply backlog for crashes to land in.
        fc.constantFrom(0, 0, 2),
        fc.array(action(5), { minLength: 5, maxLength: 30 }),
        async (seed, size, applyDelay, actions) => {
          await runScenario(seed, size, applyDelay, actions.map((a) => ('member' in a ? { ...a, member: a.member % size } : a)));
        },
      ),
      // A fixed seed keeps the run reproducible (FAULT_SEED and FAULT_RUNS explore further).
      { numRuns: Number(process.env.FAULT_RUNS ?? 30), seed: Number(process.env.FAULT_SEED ?? 1) },
    );
    // Torn tails happened and were repaired on restart.
    expect(repairs).toBeGreaterThan(0);
  }, 120_000);
});
