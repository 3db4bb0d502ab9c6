import { describe, expect, it } from 'vitest';
import { World } from '../../world/world';
import { FAULT_KINDS, generateSchedule, ScheduleError, type FaultKind, type Schedule, type ScheduleOptions } from './schedule';
import { runSchedule, worldConfig } from './run';
import { shrink } from './shrink';
import { toRepro, REPRO_FORMAT } from './repro';
import { InjectError, parseBug, type BugName } from './inject';
import { addRun, emptySummary } from './summary';
import { memberHashes } from './checks';

// The bounded search run with the test command: the default fault mode (every fault kind,
// client links and duplication included) with a short fault phase to bound CI time.
const DEFAULT_MODE: ScheduleOptions = { faultPhaseMs: 4000 };

describe('fault schedules', () => {
  it('one seed gives one schedule; another seed another', () => {
    expect(generateSchedule(7)).toEqual(generateSchedule(7));
    expect(generateSchedule(8)).not.toEqual(generateSchedule(7));
  });

  it('partitions never overlap, nor do crashes, so each revert undoes only its own fault', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = generateSchedule(seed);
      for (const lane of [['partition-leader', 'partition-minority', 'partition-ring', 'one-way'], ['crash', 'stop'], ['network']]) {
        const spans = s.faults.filter((f) => lane.includes(f.kind) && 'until' in f).map((f) => [f.at, 'until' in f ? f.until : f.at]);
        for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThan(spans[i - 1][1]);
      }
      for (const f of s.faults) expect(f.at).toBeLessThan(s.faultPhaseMs);
    }
  });

  it('over many seeds every kind of fault is drawn', () => {
    const kinds = new Set(Array.from({ length: 40 }, (_, seed) => generateSchedule(seed).faults.map((f) => f.kind)).flat());
    expect([...kinds].sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('--member-down and --large-values add to a seed\'s schedule without redrawing the rest', () => {
    const kinds: FaultKind[] = ['partition-leader', 'network', 'slow-disk'];
    for (let seed = 1; seed <= 20; seed++) {
      const plain = generateSchedule(seed, { kinds });
      const more = generateSchedule(seed, { kinds, memberDown: true, largeValues: true });
      const { largeValues, ...swarm } = more.swarm;
      expect(swarm).toEqual(plain.swarm);
      if (largeValues !== undefined) expect(largeValues.bytes).toBeGreaterThanOrEqual(256 * 1024);
      const down = more.faults.filter((f) => f.kind === 'crash');
      expect(down).toEqual([expect.objectContaining({ until: more.faultPhaseMs })]);
      expect(more.faults.filter((f) => f.kind !== 'crash')).toEqual(plain.faults);
    }
  });

  it('rejects bad options with a clear error', () => {
    expect(() => generateSchedule(-1)).toThrow(ScheduleError);
    expect(() => generateSchedule(1, { faultPhaseMs: 10 })).toThrow(/at least 1000 ms \(got 10\)/);
    expect(() => generateSchedule(1, { kinds: ['meteor' as FaultKind] })).toThrow(/fault kinds must be some of network, .* \(got \["meteor"\]\)/);
  });
});

describe('bounded fault search', () => {
  const BOUNDED_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

  it('a bounded search in the default fault mode passes every check', () => {
    const summary = emptySummary();
    for (const seed of BOUNDED_SEEDS) {
      const r = runSchedule(generateSchedule(seed, DEFAULT_MODE));
      addRun(summary, r);
      expect(r.failures, `seed ${seed}`).toEqual([]);
      expect(r.stats.recoveryMs).toBeDefined();
    }
    expect(summary.runs).toBe(BOUNDED_SEEDS.length);
    expect(summary.okOperations).toBeGreaterThan(500);
    expect(summary.watchEvents).toBeGreaterThan(500);
    // Every kind of fault fired, client links and duplication included.
    for (const kind of FAULT_KINDS) expect(summary.fired[kind], kind).toBeGreaterThan(0);
  }, 60_000);

  // Fuzz README known issues 6 (a restart during the leader's graceful stop was lost) and 7
  // (a progress notification meant for older watches ended a new one's range: its first
  // event counted as never delivered). Both failed in the default mode before their fixes.
  it.each([25, 29])('seed %i (a fixed known issue) passes every check', (seed) => {
    expect(runSchedule(generateSchedule(seed, DEFAULT_MODE)).failures).toEqual([]);
  });

  it('a run is deterministic, and World.replay of its inputs reaches the same store', () => {
    const s: Schedule = { ...generateSchedule(4, DEFAULT_MODE), swarm: { ...generateSchedule(4, DEFAULT_MODE).swarm, watchesPerClient: 0, compactEveryMs: 0 } };
    const a = runSchedule(s, { keepRecords: true });
    const b = runSchedule(s);
    expect(b.stats).toEqual(a.stats);
    expect(b.inputs).toEqual(a.inputs);
    expect(a.replayableByWorld).toBe(true);
    const replayed = World.replay(a.config, a.inputs, a.until);
    expect(memberHashes(replayed)).toEqual(memberHashes(a.records?.world as World));
  });
});

describe('bug re-injection', () => {
  /**
   * The first seed in [from, from + seeds) whose run with `bug` fails `check` while the
   * same schedule without the bug passes that check (so a simulator issue is never taken
   * for the bug); undefined when none does.
   */
  const caughtWithin = (
    bug: BugName, check: string, seeds: number, options: ScheduleOptions = DEFAULT_MODE, from = 1,
  ): { seed: number; check: string } | undefined => {
    for (let seed = from; seed < from + seeds; seed++) {
      const s = generateSchedule(seed, options);
      const r = runSchedule(s, { inject: bug });
      if (!r.failures.some((f) => f.check === check)) continue;
      if (runSchedule(s).failures.some((f) => f.check === check)) continue;
      return { seed, check };
    }
    return undefined;
  };

  it('stale-read is caught by the linearizability check', () => {
    expect(caughtWithin('stale-read', 'linearizability', 3)).toMatchObject({ check: 'linearizability' });
  });

  it('watch-resume-at-last-revision is caught by the watch check', () => {
    expect(caughtWithin('watch-resume-at-last-revision', 'watch', 2)).toMatchObject({ check: 'watch' });
  });

  it('raft-vote-before-persist is caught by the Raft invariants (a commit counted an ack not yet durable)', () => {
    expect(caughtWithin('raft-vote-before-persist', 'raft-invariants', 10)).toMatchObject({ check: 'raft-invariants' });
  });

  it('raft-lease-read-without-check-quorum is caught by linearizability (partitions and network faults)', () => {
    const partitions: ScheduleOptions = { faultPhaseMs: 4000, kinds: ['partition-leader', 'partition-minority', 'network'] };
    expect(caughtWithin('raft-lease-read-without-check-quorum', 'linearizability', 12, partitions)).toMatchObject({ check: 'linearizability' });
  });

  it('mvcc-watch-skip-compacted is caught by the watch check at seed 45', () => {
    // Seeds 1-44 of this mode do not catch it (searched offline; 13 of them fail the watch
    // check without the bug too, fuzz README open issue 5, and are not counted).
    const lagging: ScheduleOptions = { faultPhaseMs: 10_000, kinds: ['partition-minority', 'crash', 'partition-leader'] };
    expect(caughtWithin('mvcc-watch-skip-compacted', 'watch', 1, lagging, 45)).toEqual({ seed: 45, check: 'watch' });
  }, 60_000);

  it('raft-truncate-committed is caught by the Raft invariants (Committed Prefix Agreement) at seed 52', () => {
    // Seeds 1-51 of this mode do not catch it (searched offline): a stale append needs the
    // rafthttp pipeline, used only while a peer's stream is down.
    const streamsDown: ScheduleOptions = { faultPhaseMs: 10_000, kinds: ['network', 'partition-minority', 'partition-ring', 'one-way', 'crash'] };
    expect(caughtWithin('raft-truncate-committed', 'raft-invariants', 1, streamsDown, 52)).toEqual({ seed: 52, check: 'raft-invariants' });
  }, 60_000);

  it('raft-vote-without-log-check is caught by the Raft invariants (Leader Completeness) at seed 32', () => {
    // Seeds 1-31 of this mode do not catch it (searched offline); the test starts
    // at the first that does, to stay within the test time budget.
    const elections: ScheduleOptions = { faultPhaseMs: 10_000, kinds: ['partition-minority', 'crash', 'partition-leader', 'stop'] };
    expect(caughtWithin('raft-vote-without-log-check', 'raft-invariants', 2, elections, 32)).toEqual({ seed: 32, check: 'raft-invariants' });
  }, 60_000);

  it('raft-commit-old-term is caught by the Raft invariants (Quorum Log) at seed 15 with a member down and large values', () => {
    // Seeds 1-14 of this mode do not catch it (searched offline). Figure 8 needs a leader
    // whose older-term tail the followers lack and whose first append to them is cut by
    // MaxSizePerMsg (1 MiB), so their acks land inside that tail: here the leader is cut
    // off with a client while the third member is down (neither side has a quorum), takes
    // writes of up to 1 MiB, and wins again after the heal.
    const figure8: ScheduleOptions = { faultPhaseMs: 16_000, members: 3, kinds: ['partition-leader', 'partition-minority'], largeValues: true, memberDown: true };
    const s = generateSchedule(15, figure8);
    expect(s.swarm.largeValues).toBeDefined();
    expect(s.faults.filter((f) => f.kind === 'crash')).toEqual([expect.objectContaining({ until: 16_000 })]);
    expect(caughtWithin('raft-commit-old-term', 'raft-invariants', 1, figure8, 15)).toEqual({ seed: 15, check: 'raft-invariants' });
  }, 60_000);

  it('a failing run shrinks to a schedule that still fails, and its repro file names everything', () => {
    const failing = runSchedule(generateSchedule(2, DEFAULT_MODE), { inject: 'stale-read' });
    expect(failing.failures.length).toBeGreaterThan(0);
    const small = shrink(failing, { inject: 'stale-read' }, 8);
    expect(small.schedule.faults.length).toBeLessThanOrEqual(failing.schedule.faults.length);
    expect(small.result.failures.some((f) => f.check === 'linearizability')).toBe(true);
    const repro = toRepro(small.result, 'stale-read');
    expect(repro).toMatchObject({ format: REPRO_FORMAT, seed: 2, inject: 'stale-read', replayableByWorld: false });
    expect(repro.inputs.length).toBeGreaterThan(0);
  });

  it('rejects unknown bugs with the list of choices', () => {
    expect(() => parseBug('typo')).toThrow(InjectError);
    expect(() => parseBug('typo')).toThrow(/unknown bug "typo": choose one of stale-read, .*mvcc-watch-skip-compacted/);
  });

  it('a bug made inside the cluster travels in the world config, so World.replay makes it too', () => {
    const s = generateSchedule(1, DEFAULT_MODE);
    expect(worldConfig(s, 'off', 'raft-truncate-committed').injectBugs).toEqual(['raft-truncate-committed']);
    expect(worldConfig(s, 'off', 'stale-read').injectBugs).toBeUndefined();
  });
});

describe('repro scenario', () => {
  it('a run replayable by world inputs exports a scenario the scenario parser accepts', async () => {
    const { parseScenario } = await import('../../../scenarios/parse');
    const base = generateSchedule(4, DEFAULT_MODE);
    const r = runSchedule({ ...base, swarm: { ...base.swarm, watchesPerClient: 0, compactEveryMs: 0 } });
    const repro = toRepro(r);
    expect(repro.scenario).toBeDefined();
    const scenario = parseScenario(JSON.parse(JSON.stringify(repro.scenario)));
    expect(scenario.steps.flatMap((s) => s.actions).length).toBe(r.inputs.length);
    expect(scenario.durationMs).toBe(r.until);
  });
});
