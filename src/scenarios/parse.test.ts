import { describe, expect, it } from 'vitest';
import { loadScenario } from './load';
import { ScenarioError } from './parse';
import { ScenarioRun } from './runner';
import { recordScenario } from './record';
import { leaderCrash } from './library/leader-crash';

const minimal = {
  version: 1,
  name: 'tiny',
  title: 'Tiny',
  description: 'A leader is elected.',
  seed: 3,
  world: { members: 3 },
  steps: [{ when: { type: 'leader' }, narration: 'A leader.' }],
  durationMs: 3000,
  expectations: [{ type: 'one-leader', byMs: 3000 }],
};

describe('scenario files', () => {
  it('a valid document replays and passes', () => {
    const run = new ScenarioRun(loadScenario(JSON.stringify(minimal)));
    expect(run.runToEnd().passed).toBe(true);
  });

  it.each([
    [{ ...minimal, version: 2 }, /version: this file uses scenario format 2, newer than the 1/],
    [{ ...minimal, version: 0 }, /version: /],
    [{ ...minimal, world: { members: 99 } }, /world.members: must be at most 51 \(got 99\)/],
    [{ ...minimal, steps: [{ narration: 'x' }] }, /steps.0: a step needs exactly one of "at"/],
    [{ ...minimal, steps: [{ at: 5, narration: 'x', actions: [{ type: 'crash' }] }] }, /steps.0.actions.0.member/],
    [{ ...minimal, expectations: [{ type: 'sometimes' }] }, /expectations.0.type/],
    [{ ...minimal, extra: 1 }, /unknown field\(s\) "extra"/],
  ])('refuses a bad document naming the field (%#)', (doc, message) => {
    expect(() => loadScenario(doc)).toThrow(ScenarioError);
    expect(() => loadScenario(doc)).toThrow(message);
  });

  it('refuses broken JSON and unknown names clearly', () => {
    expect(() => loadScenario('{ "version": 1,')).toThrow(/not valid JSON/);
    expect(() => loadScenario('no-such-story')).toThrow(/no scenario named "no-such-story": the library has bootstrap, /);
  });

  it('a step naming an unknown member fails that step, not the run', () => {
    const doc = { ...minimal, steps: [{ at: 100, narration: 'x', actions: [{ type: 'crash', member: 'm7' }] }] };
    const r = new ScenarioRun(loadScenario(doc)).runToEnd();
    expect(r.passed).toBe(false);
    expect(r.steps[0].error).toMatch(/no member named "m7"/);
  });

  it('a member crashed at t=0 never makes the run throw (a simulator error is reported, not raised)', () => {
    const doc = { ...minimal, steps: [{ at: 0, narration: 'x', actions: [{ type: 'crash', member: 'm1' }] }] };
    const r = new ScenarioRun(loadScenario(doc)).runToEnd();
    if (r.error !== undefined) expect(r.error).toMatch(/^simulator error at t=/);
    expect(typeof r.passed).toBe('boolean');
  });

  it('the same scenario and seed give the same trace hash; a session records as a scenario that replays it', () => {
    const a = new ScenarioRun(leaderCrash).runToEnd();
    const b = new ScenarioRun(leaderCrash).runToEnd();
    expect(a.traceHash).toBe(b.traceHash);
    const run = new ScenarioRun(leaderCrash);
    run.runToEnd();
    const recorded = recordScenario(run.world, { name: 'my-session', title: 'Mine', description: 'A recorded session.' });
    const replay = new ScenarioRun(loadScenario(JSON.stringify(recorded))).runToEnd();
    expect(replay.passed).toBe(true);
    expect(replay.traceHash).toBe(a.traceHash);
  });

  it('expectations are live: pending before their time, decided at the end', () => {
    const run = new ScenarioRun(leaderCrash);
    run.next();
    const statuses = run.expectations().map((x) => x.status);
    expect(statuses).toContain('pending');
    run.runToEnd();
    expect(run.expectations().every((x) => x.status === 'pass')).toBe(true);
  });
});
