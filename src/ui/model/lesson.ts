// A guided lesson: a scenario played to its end in the page by the same ScenarioRun the
// CLI uses (so the same scenario and seed give the same trace hash), then shown over its
// recorded trace. Next / previous move the page's cursor from step to step, and the
// expectations are evaluated at the cursor with the headless expectation code.

import { create } from 'zustand';
import type { TraceEvent } from '../../sim/trace/trace';
import { loadScenario, ScenarioRun, type ExpectationResult, type NarrationEntry, type Scenario, type ScenarioReport } from '../../scenarios';

export class Lesson {
  readonly run: ScenarioRun;
  readonly report: ScenarioReport;
  /** The run's trace up to its end: the page may run the world on afterwards. */
  readonly events: readonly TraceEvent[];
  /** Introduction, each step as it was reached, conclusion. */
  readonly steps: readonly NarrationEntry[];

  private constructor(
    readonly scenario: Scenario,
    run: ScenarioRun,
    report: ScenarioReport,
  ) {
    this.run = run;
    this.report = report;
    this.events = run.world.trace;
    this.steps = report.narration;
  }

  /** Plays the scenario to its end (asynchronously: its etcdctl commands settle between events). */
  static async open(scenario: Scenario, seed?: number): Promise<Lesson> {
    const run = new ScenarioRun(scenario, seed);
    return new Lesson(scenario, run, await run.runToEndAsync());
  }

  get world() {
    return this.run.world;
  }

  /** Virtual time the lesson ends at. */
  get endMs(): number {
    return this.report.endMs;
  }

  /**
   * The step shown at time t: the last one reached by then. Steps reached at the same
   * instant are told one by one, so `current` stays when it is one of them.
   */
  stepAt(t: number, current = 0): number {
    let last = 0;
    while (last + 1 < this.steps.length && this.steps[last + 1].t <= t) last++;
    const sameInstant = current <= last && current < this.steps.length && this.steps[current].t === this.steps[last].t;
    return sameInstant ? current : last;
  }

  /** The expectations as they stood at the cursor (its trace position and time). */
  expectationsAt(index: number, t: number): ExpectationResult[] {
    if (t >= this.endMs) return this.report.expectations;
    return this.run.expectationsOver(this.events.slice(0, Math.min(index, this.events.length)), t, false);
  }
}

/** A lesson from the page's URL: `?scenario=NAME` (a library name) with an optional `&seed=N`. */
export async function lessonFromURL(params: URLSearchParams): Promise<Lesson | undefined> {
  const name = params.get('scenario');
  if (name === null) return undefined;
  const seed = params.get('seed');
  return Lesson.open(loadScenario(name), seed === null ? undefined : seedOf(seed));
}

/** A seed from text, or a clear error. */
export function seedOf(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`seed: expected a whole number >= 0 (got "${text}")`);
  return n;
}

/** The link that opens a library lesson at a seed. */
export function lessonURL(name: string, seed: number): string {
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('scenario', name);
  url.searchParams.set('seed', String(seed));
  return url.toString();
}

interface LessonState {
  lesson: Lesson | undefined;
  /** Index into lesson.steps of the step shown. */
  step: number;
  set(patch: Partial<Omit<LessonState, 'set'>>): void;
}

export const useLessonStore = create<LessonState>((set) => ({
  lesson: undefined,
  step: 0,
  set: (patch) => set(patch),
}));
