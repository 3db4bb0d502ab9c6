import { beforeAll, describe, expect, it } from 'vitest';
import { Lesson, lessonFromURL, seedOf } from './lesson';
import { loadScenario, recordScenario, runScenario, runScenarioAsync, ScenarioRun } from '../../scenarios';

describe('a lesson in the page', () => {
  let lesson: Lesson;
  beforeAll(async () => {
    lesson = await Lesson.open(loadScenario('leader-crash'));
  });

  it('is the headless run: same trace hash at the same seed', async () => {
    expect(lesson.report.passed).toBe(true);
    expect(lesson.report.traceHash).toBe(runScenario(loadScenario('leader-crash')).traceHash);
    expect((await lessonFromURL(new URLSearchParams('scenario=leader-crash&seed=3')))?.report.traceHash).toBe(runScenario(loadScenario('leader-crash'), 3).traceHash);
  });

  it('plays scenarios with etcdctl steps as the CLI does', async () => {
    const l = await Lesson.open(loadScenario('force-new-cluster'), 2);
    expect(l.report.passed).toBe(true);
    expect(l.report.traceHash).toBe((await runScenarioAsync(loadScenario('force-new-cluster'), 2)).traceHash);
  });

  it('follows the cursor from step to step, telling steps of one instant one by one', () => {
    const times = lesson.steps.map((s) => s.t);
    expect(lesson.stepAt(0)).toBe(0);
    expect(lesson.stepAt(lesson.endMs)).toBe(lesson.steps.length - 1);
    for (let i = 1; i < times.length; i++) {
      const at = lesson.stepAt(times[i], i);
      expect(at).toBe(i);
      expect(lesson.stepAt(times[i] - 0.001, i)).toBeLessThan(i);
    }
  });

  it('evaluates the expectations at the cursor: pending early, the final verdicts at the end', () => {
    const early = lesson.expectationsAt(10, 1);
    expect(early.map((x) => x.status)).toContain('pending');
    expect(early.some((x) => x.status === 'fail')).toBe(false);
    expect(lesson.expectationsAt(lesson.events.length, lesson.endMs)).toEqual(lesson.report.expectations);
    // Past the story's end (the page runs on) the verdicts stay those of the story.
    lesson.world.runFor(1000);
    expect(lesson.expectationsAt(lesson.world.kernel.trace.length, lesson.world.now).every((x) => x.status === 'pass')).toBe(true);
  });

  it('refuses a bad seed or name clearly', async () => {
    expect(() => seedOf('-1')).toThrow(/seed: expected a whole number >= 0 \(got "-1"\)/);
    await expect(lessonFromURL(new URLSearchParams('scenario=nope'))).rejects.toThrow(/no scenario named "nope"/);
    expect(await lessonFromURL(new URLSearchParams('seed=4'))).toBeUndefined();
  });

  it('a session saved up to the cursor replays to the same trace', () => {
    const run = new ScenarioRun(loadScenario('leader-crash'));
    run.runToEnd();
    const until = 5000;
    const saved = recordScenario(run.world, { name: 'cut', title: 'Cut', description: 'Up to 5 s.' }, until);
    expect(saved.durationMs).toBe(until);
    expect(saved.steps.every((s) => (s.at ?? 0) <= until)).toBe(true);
    const replay = new ScenarioRun(saved);
    replay.runToEnd();
    const prefix = run.world.kernel.trace.range(0, replay.world.kernel.trace.length);
    expect(replay.world.trace).toEqual(prefix);
  });
});
