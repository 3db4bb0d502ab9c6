// A member's raft ticks and election timer as the trace tells them. The server ticks raft
// every tickMs from its start (raft-node.ts); a follower or candidate campaigns on the tick
// where electionElapsed reaches its randomized timeout, drawn in [ET, 2·ET) at each role
// change (raft.md §3.2: reset()); leader contact and a vote cast set electionElapsed to 0,
// and adjustTicks may fast-forward it at start-up (raft.md §10.2).
import type { TraceEvent } from '../../sim/trace/trace';
import { timerStart, type TimerView } from './frame';
import type { Timeline } from './timeline';

/** The kinds foldTimer reads, all of the member's own. */
export const TIMER_KINDS: ReadonlySet<string> = new Set(['server.start', 'server.stop', 'server.ticks.advance', 'raft.log']);

/** Folds one of the member's own TIMER_KINDS events into its timer, in place. */
export function foldTimer(v: TimerView, e: TraceEvent & Record<string, unknown>): void {
  switch (e.kind as string) {
    case 'server.start':
      v.ticksFrom = e.t;
      delete v.advanced;
      break;
    case 'server.stop':
      delete v.ticksFrom;
      delete v.timeoutTicks;
      delete v.advanced;
      break;
    case 'server.ticks.advance':
      v.advanced = { at: e.t, ticks: Number(e.ticks) };
      break;
    case 'raft.log':
      // "became <role> at term <n>" names the timeout it counts down; a vote cast restarts it.
      if (typeof e.randomizedElectionTimeout === 'number') {
        v.timeoutTicks = e.randomizedElectionTimeout;
        v.since = e.t;
      } else if (/ cast MsgVote for /.test(String(e.text))) {
        v.since = e.t;
      }
      break;
  }
}

/** Times are sums of float milliseconds: a tick within this of a time counts as at it. */
const EPS = 1e-6;

/** Raft ticks of a member ticking every tickMs since `from` that fall in (a, b]. */
function ticksIn(from: number, a: number, b: number, tickMs: number): number {
  const k = (u: number) => Math.max(0, Math.floor((u - from + EPS) / tickMs));
  return Math.max(0, k(b) - k(a));
}

/** The member's first tick after time t. */
function tickAfter(from: number, t: number, tickMs: number): number {
  return from + (Math.max(0, Math.floor((t - from + EPS) / tickMs)) + 1) * tickMs;
}

/** When a running member next ticks raft after time t; undefined when none runs. */
export function nextTick(timers: Readonly<Record<string, TimerView>>, t: number, tickMs: number): number | undefined {
  let next: number | undefined;
  for (const v of Object.values(timers)) {
    if (v.ticksFrom === undefined) continue;
    const at = tickAfter(v.ticksFrom, t, tickMs);
    if (next === undefined || at < next) next = at;
  }
  return next;
}

export interface Countdown {
  /** The member's randomized election timeout (ms). */
  totalMs: number;
  /** Until the tick on which it campaigns (0 once that has passed). */
  leftMs: number;
  /** Ticks counted since the timer last restarted (fast-forwarded ones included). */
  elapsedTicks: number;
}

/** A running member's election timer at time t; undefined before the trace names its timeout. */
export function electionCountdown(v: TimerView | undefined, t: number, tickMs: number): Countdown | undefined {
  if (v?.timeoutTicks === undefined || v.ticksFrom === undefined) return undefined;
  const start = timerStart(v, t);
  const forwarded = v.advanced !== undefined && v.advanced.at >= start && v.advanced.at <= t ? v.advanced.ticks : 0;
  const elapsedTicks = ticksIn(v.ticksFrom, start, t, tickMs) + forwarded;
  const left = v.timeoutTicks - elapsedTicks;
  const leftMs = left <= 0 ? 0 : tickAfter(v.ticksFrom, t, tickMs) + (left - 1) * tickMs - t;
  return { totalMs: v.timeoutTicks * tickMs, leftMs, elapsedTicks };
}

/**
 * The next raft tick after time t in a recorded run (the timeline's first `index` events):
 * on the recorded time of that tick's events when it has some, as tick times are float sums.
 * With no member running, the first tick of the next one to start.
 */
export function nextRecordedTick(tl: Timeline, index: number, t: number, tickMs: number): number | undefined {
  const at = nextTick(tl.frameAt(index).timers, t, tickMs) ?? firstTickAfterStart(tl, index, tickMs);
  if (at === undefined) return undefined;
  const recorded = tl.timeAt(tl.indexAtTime(at - EPS));
  return recorded !== undefined && recorded <= at + EPS ? recorded : at;
}

/** A tick period after the first server start among the timeline's events from `index` on. */
function firstTickAfterStart(tl: Timeline, index: number, tickMs: number): number | undefined {
  for (let i = index; i < tl.length; i++) {
    const e = tl.source.at(i) as TraceEvent;
    if (e.kind === 'server.start') return e.t + tickMs;
  }
  return undefined;
}
