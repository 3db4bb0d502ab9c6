// Replaying a scenario: builds the world at the scenario's seed, applies each step's inputs
// at its virtual time or when its condition holds, collects the narration with the times
// it was reached, and evaluates the expectations. Pure: no clock, no I/O; the page drives
// a ScenarioRun step by step, the CLI and the tests run it to the end.

import { World } from '../sim/world/world';
import type { TraceEvent } from '../sim/trace/trace';
import type { EtcdServer } from '../sim/server/server';
import type { MemberStore } from './durability';
import type { InputRequest } from '../sim/world/inputs';
import { matches } from './match';
import { evaluate, type ExpectationResult } from './expectations';
import type { Condition, Scenario, Step } from './schema';
import { fillText, resolveBound, resolveMember, resolveRefs } from './refs';

export interface NarrationEntry {
  /** Index of the step, or -1 for the introduction and steps.length for the conclusion. */
  step: number;
  /** Virtual time (ms) the step was reached. */
  t: number;
  text: string;
}

export interface StepOutcome {
  step: number;
  /** Whether its condition held (always true for an `at` step). */
  reached: boolean;
  t: number;
  /** An input the world refused, or a condition that never held. */
  error?: string;
}

export interface ScenarioReport {
  name: string;
  seed: number;
  narration: NarrationEntry[];
  steps: StepOutcome[];
  expectations: ExpectationResult[];
  /** The simulation threw (a simulator bug): the run stopped there. */
  error?: string;
  passed: boolean;
  /** Virtual time the run ended at. */
  endMs: number;
  traceHash: string;
  traceEvents: number;
}

export class ScenarioRun {
  readonly world: World;
  readonly narration: NarrationEntry[] = [];
  readonly outcomes: StepOutcome[] = [];
  /** Members named by steps' `bind`. */
  readonly bindings = new Map<string, string>();
  /** Set when the simulation threw: the run cannot continue. */
  error: string | undefined;
  private nextStep = 0;

  /** `seed` overrides the scenario's own (to replay the story at another seed). */
  constructor(
    readonly scenario: Scenario,
    readonly seed: number = scenario.seed,
  ) {
    this.world = new World({ ...scenario.world, seed });
    this.narration.push({ step: -1, t: 0, text: scenario.description });
  }

  /** Index of the step `next()` applies; steps.length once all are done. */
  get position(): number {
    return this.nextStep;
  }

  get done(): boolean {
    return this.nextStep >= this.scenario.steps.length && this.world.now >= this.scenario.durationMs;
  }

  /**
   * Runs to the next step and applies it; once every step is applied, runs to the
   * scenario's end. Returns false when there is nothing left. A scenario that runs etcdctl
   * commands needs nextAsync (their continuations settle between events).
   */
  next(): boolean {
    return this.guard(() => {
      const r = this.advance().next();
      if (r.done !== true) throw new Error('this scenario runs etcdctl commands: replay it with nextAsync / runToEndAsync');
      return r.value;
    }) ?? false;
  }

  /** next() for every scenario, etcdctl commands included. */
  async nextAsync(): Promise<boolean> {
    const steps = this.guard(() => this.advance());
    if (steps === undefined) return false;
    for (;;) {
      const r = this.guard(() => steps.next());
      if (r === undefined) return false;
      if (r.done === true) return r.value;
      await this.world.settle();
    }
  }

  /** Plays every remaining step and runs to the end; returns the report. */
  runToEnd(): ScenarioReport {
    while (this.next()) {
      /* step by step */
    }
    return this.report();
  }

  async runToEndAsync(): Promise<ScenarioReport> {
    while (await this.nextAsync()) {
      /* step by step */
    }
    return this.report();
  }

  /** A simulator bug must not take the page or the CLI down: the run stops and says why. */
  private guard<T>(fn: () => T): T | undefined {
    if (this.error !== undefined) return undefined;
    try {
      return fn();
    } catch (err) {
      this.error = `simulator error at t=${this.world.now} ms: ${(err as Error).message}`;
      return undefined;
    }
  }

  /** One step of the story; yields whenever a running etcdctl command must settle. */
  private *advance(): Generator<void, boolean> {
    const steps = this.scenario.steps;
    if (this.nextStep < steps.length) {
      yield* this.apply(this.nextStep, steps[this.nextStep]);
      this.nextStep++;
      return true;
    }
    if (this.world.now >= this.scenario.durationMs) return false;
    yield* this.runUntilTrue(() => false, this.scenario.durationMs);
    if (this.scenario.conclusion !== undefined) this.narration.push({ step: steps.length, t: this.world.now, text: this.scenario.conclusion });
    return true;
  }

  /**
   * World.runUntilTrue up to an absolute virtual time, yielding after each event while an
   * etcdctl command runs.
   */
  private *runUntilTrue(pred: () => boolean, deadline: number): Generator<void, boolean> {
    const kernel = this.world.kernel;
    while (!pred()) {
      const next = kernel.nextTime();
      if (next === undefined || next > deadline) {
        if (deadline > kernel.now) kernel.runUntil(deadline);
        return pred();
      }
      kernel.step();
      if (this.world.busy) yield;
    }
    return true;
  }

  /** The expectations now: pending ones are decided when the run ends. */
  expectations(): ExpectationResult[] {
    return this.expectationsOver(this.world.trace, this.world.now, this.done || this.error !== undefined);
  }

  /**
   * The expectations over a prefix of this run's trace, as they stood at time `now` (the
   * page's cursor); `final` decides the pending ones. Client histories are cut at `now`.
   */
  expectationsOver(events: readonly TraceEvent[], now: number, final: boolean): ExpectationResult[] {
    const history = (c: string) => this.world.clients.find((x) => x.name === c)?.history.events.filter((e) => e.t <= now);
    const clients = this.world.clients.map((c) => c.name);
    const stores = () => this.world.members.filter((m) => m.isRunning).map(memberStore);
    return this.scenario.expectations.map((x) => evaluate(resolveBound(x, this.bindings), { events, now, final, history, clients, stores }));
  }

  report(): ScenarioReport {
    const expectations = this.expectations();
    const stepsOk = this.outcomes.every((o) => o.error === undefined);
    return {
      name: this.scenario.name,
      seed: this.seed,
      narration: this.narration,
      steps: this.outcomes,
      expectations,
      error: this.error,
      passed: stepsOk && this.error === undefined && this.done && expectations.every((x) => x.status === 'pass'),
      endMs: this.world.now,
      traceHash: this.world.hash(),
      traceEvents: this.world.kernel.trace.length,
    };
  }

  private *apply(index: number, step: Step): Generator<void, void> {
    const w = this.world;
    let reached = true;
    if (step.at !== undefined) {
      if (step.at > w.now) yield* this.runUntilTrue(() => false, step.at);
    } else if (step.when !== undefined) {
      reached = yield* this.runUntilTrue(this.condition(resolveBound(step.when, this.bindings)), w.now + step.withinMs);
      if (reached && step.afterMs > 0) yield* this.runUntilTrue(() => false, w.now + step.afterMs);
    }
    if (!reached) {
      this.narration.push({ step: index, t: w.now, text: fillText(step.narration, this.bindings) });
      this.outcomes.push({ step: index, reached, t: w.now, error: `condition ${JSON.stringify(step.when)} did not hold within ${step.withinMs} ms` });
      return;
    }
    const outcome: StepOutcome = { step: index, reached, t: w.now };
    try {
      for (const [name, ref] of Object.entries(step.bind ?? {})) {
        const m = resolveMember(w, ref);
        if (m instanceof Error) throw m;
        this.bindings.set(name, m);
      }
      for (const input of [...step.actions, ...etcdctlInputs(step)]) {
        w.input(resolveRefs(input, w, this.bindings));
        if (w.busy) yield;
      }
    } catch (err) {
      outcome.error = (err as Error).message;
    }
    this.narration.push({ step: index, t: w.now, text: fillText(step.narration, this.bindings) });
    this.outcomes.push(outcome);
  }

  /** A predicate over the world that reads only the trace since the wait began (and who leads). */
  private condition(c: Condition): () => boolean {
    const w = this.world;
    const trace = w.kernel.trace;
    switch (c.type) {
      case 'leader':
        return () => {
          const l = w.leader();
          return l !== undefined && l.name !== c.not;
        };
      case 'no-leader':
        return () => w.leader() === undefined;
      case 'event':
      case 'response': {
        let cursor = trace.length;
        const hit =
          c.type === 'event'
            ? (e: Parameters<typeof matches>[0]) => matches(e, c.match)
            : (e: Parameters<typeof matches>[0]) => e.kind === 'world.response' && e.label === c.label;
        let found = c.type === 'response' && w.trace.some(hit);
        return () => {
          for (; !found && cursor < trace.length; cursor++) found = hit(trace.at(cursor) as Parameters<typeof matches>[0]);
          return found;
        };
      }
    }
  }
}

/** A running member's key-value store as the durability expectation reads it. */
function memberStore(m: EtcdServer): MemberStore {
  const txn = m.kv.read();
  return {
    member: m.name,
    revision: txn.rev(),
    compacted: txn.firstRev(),
    readAt: (key, rev) => txn.range(key, undefined, { rev }).kvs[0],
  };
}

/** A step's etcdctl command lines as world inputs (run on the host "etcdctl"). */
function etcdctlInputs(step: Step): InputRequest[] {
  const lines = step.etcdctl === undefined ? [] : typeof step.etcdctl === 'string' ? [step.etcdctl] : step.etcdctl;
  return lines.map((line) => ({ type: 'etcdctl', line }));
}

/** Replays a scenario to its end headless (one without etcdctl commands). */
export function runScenario(scenario: Scenario, seed?: number): ScenarioReport {
  return new ScenarioRun(scenario, seed).runToEnd();
}

/** Replays any scenario to its end headless. */
export function runScenarioAsync(scenario: Scenario, seed?: number): Promise<ScenarioReport> {
  return new ScenarioRun(scenario, seed).runToEndAsync();
}
