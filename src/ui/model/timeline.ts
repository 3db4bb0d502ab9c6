// A run's timeline: the trace read incrementally, folded into frames, with checkpoints so
// any point can be shown quickly (RaftScope: scrubbing is a search over checkpoints).

import type { TraceEvent } from '../../sim/trace/trace';
import { foldEvent, type FrameState } from './frame';
import { isChatty } from './narration';
import { hostOf, type TraceSource } from './trace-source';

/** A message on its way at the cursor: where it is drawn is a function of the cursor. */
export interface Flight {
  id: number;
  from: string;
  to: string;
  type: string;
  sent: number;
  due: number;
}

/** A message seen in a time window, delivered or still in flight. */
export interface MessageSpan extends Flight {
  /** 'in-flight' (as sent), or how it was first lost: 'stalled' (a transmission did not get through; TCP retransmits), 'broken', 'refused'. */
  fate: string;
  /** When it was first lost, if it was. */
  lostAt?: number;
}

/** Frames are checkpointed every this many events: a jump folds at most this many. */
export const CHECKPOINT_EVERY = 2000;

export class Timeline {
  private readonly checkpoints: FrameState[] = [];
  private readonly live: FrameState;
  /** Longest send-to-due span seen, which bounds how far back a flight can start. */
  private maxFlight = 0;
  /** Positions of the events worth narrating (not chatty), in order. */
  readonly notable: number[] = [];

  constructor(
    readonly source: TraceSource,
    initial: FrameState,
    private readonly every = CHECKPOINT_EVERY,
  ) {
    this.live = structuredClone(initial);
    this.checkpoints.push(structuredClone(initial));
  }

  /** Events folded so far. */
  get length(): number {
    return this.live.index;
  }

  /** Folds the events the source recorded since the last call (up to event `until`). */
  ingest(until = this.source.length): void {
    for (let i = this.live.index; i < Math.min(until, this.source.length); i++) {
      const e = this.source.at(i) as TraceEvent;
      if (e.kind === 'net.send') this.maxFlight = Math.max(this.maxFlight, e.due - e.t);
      if (!isChatty(e)) this.notable.push(i);
      foldEvent(this.live, e);
      if (this.live.index % this.every === 0) this.checkpoints.push(structuredClone(this.live));
    }
  }

  /** Time of event i, or undefined past the end. */
  timeAt(i: number): number | undefined {
    return i < this.live.index ? this.source.at(i)?.t : undefined;
  }

  /** How many folded events happened at or before time t. */
  indexAtTime(t: number): number {
    let lo = 0;
    let hi = this.live.index;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.source.at(mid) as TraceEvent).t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The frame after the first `index` events: a fresh object the caller may keep. */
  frameAt(index: number): FrameState {
    const n = Math.max(0, Math.min(index, this.live.index));
    if (n === this.live.index) return structuredClone(this.live);
    const frame = structuredClone(this.checkpoints[Math.floor(n / this.every)]);
    for (let i = frame.index; i < n; i++) foldEvent(frame, this.source.at(i) as TraceEvent);
    return frame;
  }

  /** Messages sent among the first `index` events and still on their way at time t. */
  flightsAt(index: number, t: number): Flight[] {
    return inFlightAt(this.messagesIn(index, t, t), t);
  }

  /**
   * Messages among the first `index` events that were sent in [from, to] or were still in
   * flight at `from`, oldest first.
   */
  messagesIn(index: number, from: number, to: number): MessageSpan[] {
    const out: MessageSpan[] = [];
    const start = from - this.maxFlight;
    // Losses come after their send: scanning backwards meets them first, the earliest last.
    const lost = new Map<number, { fate: string; t: number }>();
    for (let i = Math.min(index, this.live.index) - 1; i >= 0; i--) {
      const e = this.source.at(i) as TraceEvent;
      if (e.t < start) break;
      if (e.kind === 'net.stall' || e.kind === 'net.drop') {
        lost.set(e.id, { fate: e.kind === 'net.stall' ? 'stalled' : e.fate, t: e.t });
        continue;
      }
      if (e.kind !== 'net.send' || e.t > to || e.due < from) continue;
      const loss = lost.get(e.id);
      const span: MessageSpan = { id: e.id, from: hostOf(e.from), to: hostOf(e.to), type: e.type, sent: e.t, due: e.due, fate: loss?.fate ?? e.fate };
      if (loss !== undefined) span.lostAt = loss.t;
      out.push(span);
    }
    return out.reverse();
  }
}

/** The spans still on their way at time t (sent at or before it, due after it, not lost). */
export function inFlightAt(spans: readonly MessageSpan[], t: number): MessageSpan[] {
  return spans.filter((m) => m.fate === 'in-flight' && m.sent <= t && m.due > t);
}
