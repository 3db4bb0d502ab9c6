import { describe, expect, it } from 'vitest';
import { World } from '../../world/world';
import { FAULT_KINDS, generateSchedule, ScheduleError, type FaultKind, type Schedule, type ScheduleOptions } from './schedule';
import { runSchedule } from './run';
import { shrink } from './shrink';
import { toRepro, REPRO_FORMAT } from './repro';
import { BUGS, BUG_NAMES, InjectError, parseBug, requireAvailable, type BugName } from './inject';
import { addRun, emptySummary } from './summary';
import { memberHashes } from './checks';

// The bounded search run with the test command. It leaves out what the simulator gets
// wrong today, each reported with its minimal schedule in the fuzz README ("known issues"):
// a graceful stop then restart (the Raft checker is not told of the stop), message
// duplication (a duplicated forwarded MsgProp is applied twice) and faults on client
// links (a gRPC stream silently loses or duplicates one message).
const KNOWN_GOOD: ScheduleOptions = {
  faultPhaseMs: 4000,
  clientFaults: false,
  duplication: false,
  kinds: FAULT_KINDS.filter((k): k is FaultKind => k !== 'stop'),
};

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

  it('rejects bad options with a clear error', () => {
    expect(() => generateSchedule(-1)).toThrow(ScheduleError);
    expect(() => generateSchedule(1, { faultPhaseMs: 10 })).toThrow(/at least 1000 ms \(got 10\)/);
    expect(() => generateSchedule(1, { kinds: ['meteor' as FaultKind] })).toThrow(/fault kinds must be some of network, .* \(got \["meteor"\]\)/);
  });
});

describe('bounded fault search', () => {
  it('a handful of seeds under faults pass every check', () => {
    const summary = emptySummary();
    for (const seed of [1, 2, 3, 4]) {
      const r = runSchedule(generateSchedule(seed, KNOWN_GOOD));
      addRun(summary, r);
      expect(r.failures, `seed ${seed}`).toEqual([]);
      expect(r.stats.recoveryMs).toBeDefined();
    }
    expect(summary.runs).toBe(4);
    expect(summary.okOperations).toBeGreaterThan(100);
    expect(summary.watchEvents).toBeGreaterThan(100);
    expect(Object.values(summary.fired).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  });

  it('a run is deterministic, and World.replay of its inputs reaches the same store', () => {
    const s: Schedule = { ...generateSchedule(4, KNOWN_GOOD), swarm: { ...generateSchedule(4, KNOWN_GOOD).swarm, watchesPerClient: 0, compactEveryMs: 0 } };
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
  const caughtWithin = (bug: BugName, seeds: number): { seed: number; check: string } | undefined => {
    for (let seed = 1; seed <= seeds; seed++) {
      const r = runSchedule(generateSchedule(seed, KNOWN_GOOD), { inject: bug });
      if (r.failures.length > 0) return { seed, check: r.failures[0].check };
    }
    return undefined;
  };

  it('stale-read is caught by the linearizability check', () => {
    expect(caughtWithin('stale-read', 3)).toMatchObject({ check: 'linearizability' });
  });

  it('watch-resume-at-last-revision is caught by the watch check', () => {
    expect(caughtWithin('watch-resume-at-last-revision', 2)).toMatchObject({ check: 'watch' });
  });

  // Each needs a hook inside raft, the server or mvcc (BUGS[bug].hook says where).
  for (const bug of BUG_NAMES.filter((b) => !BUGS[b].available)) it.todo(`${bug} is caught within 200 seeds (hook missing: ${BUGS[bug].hook})`);

  it('a failing run shrinks to a schedule that still fails, and its repro file names everything', () => {
    const failing = runSchedule(generateSchedule(1, KNOWN_GOOD), { inject: 'stale-read' });
    expect(failing.failures.length).toBeGreaterThan(0);
    const small = shrink(failing, { inject: 'stale-read' }, 8);
    expect(small.schedule.faults.length).toBeLessThanOrEqual(failing.schedule.faults.length);
    expect(small.result.failures.some((f) => f.check === 'linearizability')).toBe(true);
    const repro = toRepro(small.result, 'stale-read');
    expect(repro).toMatchObject({ format: REPRO_FORMAT, seed: 1, inject: 'stale-read', replayableByWorld: false });
    expect(repro.inputs.length).toBeGreaterThan(0);
  });

  it('rejects unknown bugs and bugs whose hook is missing', () => {
    expect(() => parseBug('typo')).toThrow(/unknown bug "typo": choose one of stale-read, /);
    expect(() => requireAvailable('raft-commit-old-term')).toThrow(InjectError);
  });
});

describe('known simulator issues found by the fuzzer', () => {
  // Minimal schedule (shrunk from seed 2): 3 members, stop m3 at 3144 ms, restart at 5609 ms.
  // The restart makes the Raft checker throw "restarted without crashing first" (EtcdServer.stop
  // emits no observation), which fails the member; the checker also reports a Monotonicity
  // violation (applied entry 1 after entry N). Unskip once the server or world reports stops.
  it.skip('a graceful stop and restart passes every check (server: stop() emits no checker observation)', () => {
    const s = generateSchedule(2, { faultPhaseMs: 6000 });
    const stop = s.faults.filter((f) => f.kind === 'stop');
    expect(runSchedule({ ...s, faults: stop }).failures).toEqual([]);
  });
});

describe('repro scenario', () => {
  it('a run replayable by world inputs exports a scenario the scenario parser accepts', async () => {
    const { parseScenario } = await import('../../../scenarios/parse');
    const base = generateSchedule(4, KNOWN_GOOD);
    const r = runSchedule({ ...base, swarm: { ...base.swarm, watchesPerClient: 0, compactEveryMs: 0 } });
    const repro = toRepro(r);
    expect(repro.scenario).toBeDefined();
    const scenario = parseScenario(JSON.parse(JSON.stringify(repro.scenario)));
    expect(scenario.steps.flatMap((s) => s.actions).length).toBe(r.inputs.length);
    expect(scenario.durationMs).toBe(r.until);
  });
});
