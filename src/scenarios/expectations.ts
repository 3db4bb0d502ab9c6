// Evaluating a scenario's expectations over the trace (and, for linearizability, the
// clients' recorded histories). Each result is pass, fail, or pending while the run has
// not reached the point that decides it; the page shows them live.

import type { TraceEvent } from '../sim/trace/trace';
import type { HistoryEvent } from '../sim/client/history';
import { loadSimHistory } from '../sim/check/linearizability/load';
import { describeMatch, matches } from './match';
import { acknowledgedPuts, lostWrites, type MemberStore } from './durability';
import type { Expectation } from './schema';

export type ExpectationStatus = 'pass' | 'fail' | 'pending';

export interface ExpectationResult {
  expectation: Expectation;
  /** The expectation in words. */
  title: string;
  status: ExpectationStatus;
  /** Why it passed or failed (times, values, errors). */
  detail: string;
}

export interface EvaluationInput {
  events: readonly TraceEvent[];
  now: number;
  /** The run has ended: pending becomes fail. */
  final: boolean;
  history(client: string): readonly HistoryEvent[] | undefined;
  /** The world's clients, by name. */
  clients: readonly string[];
  /** The running members' stores (read once the run has ended). */
  stores(): MemberStore[];
}

type Verdict = { status: ExpectationStatus; detail: string };

export function evaluate(x: Expectation, input: EvaluationInput): ExpectationResult {
  const v = judge(x, input);
  const status = v.status === 'pending' && input.final ? 'fail' : v.status;
  return { expectation: x, title: titleOf(x), status, detail: v.detail };
}

export function titleOf(x: Expectation): string {
  switch (x.type) {
    case 'one-leader':
      return `by t=${x.byMs} ms exactly one leader in the newest term${x.not === undefined ? '' : `, not ${x.not}`}`;
    case 'request-succeeds':
      return `request ${x.label} succeeds${x.result === undefined ? '' : ` with "${x.result}"`}`;
    case 'request-fails':
      return `request ${x.label} fails with "${x.message}"`;
    case 'event-occurs':
      return `${x.minCount > 1 ? `at least ${x.minCount}× ` : ''}${describeMatch(x.match)}${windowText(x)}`;
    case 'no-event':
      return `no ${describeMatch(x.match)}${windowText(x)}`;
    case 'sequence':
      return `in order: ${x.events.map(describeMatch).join(' → ')}`;
    case 'etcdctl-output':
      return `etcdctl ${x.line.split('\n')[0]} exits ${x.exitCode}${x.stdout === undefined ? '' : ` printing ${JSON.stringify(x.stdout)}`}${x.stderr === undefined ? '' : ` with error ${JSON.stringify(x.stderr)}`}`;
    case 'linearizable':
      return `client ${x.client}'s history is linearizable`;
    case 'no-acknowledged-write-lost':
      return 'no acknowledged write lost';
    case 'no-invariant-violations':
      return 'no Raft invariant violated';
  }
}

function windowText(x: { afterMs?: number; beforeMs?: number }): string {
  return `${x.afterMs === undefined ? '' : ` after t=${x.afterMs} ms`}${x.beforeMs === undefined ? '' : ` before t=${x.beforeMs} ms`}`;
}

function inWindow(e: TraceEvent, x: { afterMs?: number; beforeMs?: number }): boolean {
  return (x.afterMs === undefined || e.t >= x.afterMs) && (x.beforeMs === undefined || e.t <= x.beforeMs);
}

/** Pending until the window closes (or the run ends). */
function undecided(x: { beforeMs?: number }, now: number, detail: string): Verdict {
  return { status: x.beforeMs !== undefined && now > x.beforeMs ? 'fail' : 'pending', detail };
}

function judge(x: Expectation, input: EvaluationInput): Verdict {
  const { events, now } = input;
  switch (x.type) {
    case 'one-leader':
      return now < x.byMs ? { status: 'pending', detail: `not yet t=${x.byMs} ms` } : leadersAt(events, x.byMs, x.not);
    case 'request-succeeds':
    case 'request-fails':
      return judgeResponse(x, events);
    case 'event-occurs': {
      const hits = events.filter((e) => inWindow(e, x) && matches(e, x.match));
      if (hits.length >= x.minCount) return { status: 'pass', detail: `${hits.length}× first at t=${fmt(hits[0].t)} ms${sourceText(hits[0])}` };
      return undecided(x, now, `${hits.length} of ${x.minCount} seen`);
    }
    case 'no-event': {
      const hit = events.find((e) => inWindow(e, x) && matches(e, x.match));
      if (hit !== undefined) return { status: 'fail', detail: `seen at t=${fmt(hit.t)} ms${sourceText(hit)}${hit.reason === undefined ? '' : `: ${hit.reason}`}` };
      return { status: input.final || (x.beforeMs !== undefined && now > x.beforeMs) ? 'pass' : 'pending', detail: 'none seen' };
    }
    case 'sequence':
      return judgeSequence(x, events, now);
    case 'etcdctl-output':
      return judgeEtcdctl(x, events);
    case 'linearizable': {
      const history = input.history(x.client);
      if (history === undefined) return { status: 'fail', detail: `no client named ${x.client}` };
      if (!input.final) return { status: 'pending', detail: `${history.length} history events so far` };
      const verdict = loadSimHistory(history).check({ maxSteps: 5e6 }).verdict;
      return { status: verdict === 'linearizable' ? 'pass' : 'fail', detail: `${history.length} history events: ${verdict}` };
    }
    case 'no-acknowledged-write-lost': {
      const acked = acknowledgedPuts(events, input.clients.map((c) => input.history(c) ?? []), input.clients);
      if (!input.final) return { status: 'pending', detail: `${acked.length} puts acknowledged so far` };
      const stores = input.stores();
      const lost = lostWrites(acked, stores);
      if (lost.length > 0) return { status: 'fail', detail: `${lost.length} problem(s): ${lost.slice(0, 3).join('; ')}` };
      return { status: 'pass', detail: `${acked.length} acknowledged puts on all ${stores.length} running members (${stores.map((s) => s.member).join(', ')})` };
    }
    case 'no-invariant-violations': {
      const v = events.find((e) => e.kind === 'check.violation');
      if (v !== undefined && v.kind === 'check.violation') return { status: 'fail', detail: `${v.invariant} at t=${fmt(v.t)} ms: ${v.message}` };
      return { status: input.final ? 'pass' : 'pending', detail: input.final ? 'none' : 'none so far' };
    }
  }
}

function judgeResponse(x: Extract<Expectation, { type: 'request-succeeds' | 'request-fails' }>, events: readonly TraceEvent[]): Verdict {
  const r = events.find((e) => e.kind === 'world.response' && e.label === x.label);
  if (r === undefined || r.kind !== 'world.response') return { status: 'pending', detail: 'no response yet' };
  const at = `at t=${fmt(r.t)} ms after ${fmt(r.elapsedMs)} ms`;
  if (r.outcome === 'ok') {
    const detail = `succeeded ${at}: ${r.result ?? ''}`;
    if (x.type === 'request-fails') return { status: 'fail', detail };
    return { status: x.result === undefined || (r.result ?? '').includes(x.result) ? 'pass' : 'fail', detail };
  }
  const detail = `failed ${at}: ${r.error ?? ''}`;
  if (x.type === 'request-succeeds') return { status: 'fail', detail };
  return { status: (r.error ?? '').includes(x.message) ? 'pass' : 'fail', detail };
}

/** The output of the etcdctl command a step ran with this line: the events its input caused. */
function judgeEtcdctl(x: Extract<Expectation, { type: 'etcdctl-output' }>, events: readonly TraceEvent[]): Verdict {
  const run = events.find((e) => e.kind === 'world.input' && e.input.type === 'etcdctl' && e.input.line === x.line);
  if (run === undefined) return { status: 'pending', detail: 'not run yet' };
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  for (const e of events) {
    if (e.cause !== run.seq) continue;
    if (e.kind === 'etcdctl.stdout') stdout += e.text;
    else if (e.kind === 'etcdctl.stderr') stderr += e.text;
    else if (e.kind === 'etcdctl.exit') code = e.code;
  }
  const printed = `stdout ${JSON.stringify(stdout)}${stderr === '' ? '' : `, stderr ${JSON.stringify(stderr)}`}`;
  if (code === undefined) return { status: 'pending', detail: `running; so far ${printed}` };
  const ok = code === x.exitCode && (x.stdout === undefined || stdout.includes(x.stdout)) && (x.stderr === undefined || stderr.includes(x.stderr));
  return { status: ok ? 'pass' : 'fail', detail: `exit ${code} at t=${fmt(run.t)} ms run; ${printed}` };
}

function judgeSequence(x: Extract<Expectation, { type: 'sequence' }>, events: readonly TraceEvent[], now: number): Verdict {
  let i = 0;
  const times: string[] = [];
  for (const e of events) {
    if (i >= x.events.length) break;
    if (inWindow(e, x) && matches(e, x.events[i])) {
      times.push(`t=${fmt(e.t)}`);
      i++;
    }
  }
  if (i === x.events.length) return { status: 'pass', detail: times.join(', ') };
  return undecided(x, now, `stopped before ${describeMatch(x.events[i])} (${i} of ${x.events.length} seen)`);
}

/**
 * The leaders at time t from the members' role changes: a member leads if its last role
 * event says leader and it has not stopped since; only the newest term counts.
 */
function leadersAt(events: readonly TraceEvent[], t: number, not: string | undefined): Verdict {
  const last = new Map<string, { role: string; term: number }>();
  for (const e of events) {
    if (e.t > t) break;
    if (e.kind === 'server.role') last.set(e.source, { role: e.role, term: e.term });
    else if (e.kind === 'server.stop') last.set(e.source, { role: 'stopped', term: last.get(e.source)?.term ?? 0 });
  }
  const newest = Math.max(0, ...[...last.values()].map((r) => r.term));
  const leaders = [...last.entries()].filter(([, r]) => r.role === 'leader' && r.term === newest).map(([m]) => m);
  const detail = `term ${newest}: ${leaders.length === 0 ? 'no leader' : `leader ${leaders.join(', ')}`}`;
  const ok = leaders.length === 1 && leaders[0] !== not;
  return { status: ok ? 'pass' : 'fail', detail };
}

function sourceText(e: TraceEvent): string {
  return e.source === '' ? '' : ` (${e.source})`;
}

function fmt(ms: number): string {
  return String(Math.round(ms * 10) / 10);
}
