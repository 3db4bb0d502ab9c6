// The trace: one ordered record of every observable action in a world. The UI, the
// checkers and scenario expectations all read it (DESIGN.md principle 5).
//
// Each module declares the events it emits by augmenting `TraceKinds`:
//   declare module '../trace/trace' { interface TraceKinds { 'net.send': { id: number } } }
// so every event is typed by its kind.

import { canonicalJSON, Hasher64 } from '../kernel/hash';

/** Bumped whenever an event's fields change meaning; exported traces carry it. */
export const TRACE_SCHEMA_VERSION = 1;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface TraceKinds {}

export type TraceKind = keyof TraceKinds;

/**
 * How much to record. `info` (the default) keeps every decision the UI and the checkers
 * read; `debug` adds high-volume detail (per-message deliveries, ticks); `off` keeps
 * nothing but still counts.
 */
export type TraceLevel = 'off' | 'info' | 'debug';
const LEVEL_RANK: Record<TraceLevel, number> = { off: 0, info: 1, debug: 2 };

export interface TraceMeta {
  /** Virtual time in milliseconds. */
  t: number;
  /** Position in the trace, from 0. */
  seq: number;
  /** Who acted: a member, client or subsystem name such as "m1", "c1", "net". */
  source: string;
  kind: TraceKind;
  /** seq of the event that caused this one, when there is one. */
  cause?: number;
  /** The decision rule or explanation in words, for narration. */
  reason?: string;
}

export type TraceEvent = {
  [K in TraceKind]: TraceMeta & { kind: K } & TraceKinds[K];
}[TraceKind];

export type EventOf<K extends TraceKind> = TraceMeta & { kind: K } & TraceKinds[K];

export type TraceSubscriber = (event: TraceEvent) => void;

export interface EmitOptions {
  cause?: number;
  reason?: string;
}

export class Trace {
  private readonly events: TraceEvent[] = [];
  private subscribers: TraceSubscriber[] = [];
  private rank: number;
  private nextSeq = 0;

  constructor(
    private readonly now: () => number,
    readonly level: TraceLevel = 'info',
  ) {
    this.rank = LEVEL_RANK[level];
  }

  /** Whether events of `level` are recorded; check before building costly fields. */
  enabled(level: 'info' | 'debug'): boolean {
    return this.rank >= LEVEL_RANK[level];
  }

  /** Number of events emitted (recorded or not). */
  get count(): number {
    return this.nextSeq;
  }

  /** Number of events recorded. */
  get length(): number {
    return this.events.length;
  }

  /** The i-th recorded event (0-based). */
  at(i: number): TraceEvent | undefined {
    return this.events[i];
  }

  /** Recorded events with index in [from, to). */
  range(from: number, to = this.events.length): TraceEvent[] {
    return this.events.slice(from, to);
  }

  /** Every recorded event, in order. */
  all(): readonly TraceEvent[] {
    return this.events;
  }

  /**
   * Records an event. `fields` must be a fresh object: it becomes the event (no copy).
   * Returns the event's seq, or -1 when the level filtered it out.
   */
  emit<K extends TraceKind>(
    source: string,
    kind: K,
    fields: TraceKinds[K],
    opts?: EmitOptions,
    level: 'info' | 'debug' = 'info',
  ): number {
    if (this.rank < LEVEL_RANK[level]) return -1;
    const event = fields as unknown as TraceMeta;
    event.t = this.now();
    event.seq = this.nextSeq++;
    event.source = source;
    event.kind = kind;
    if (opts?.cause !== undefined) event.cause = opts.cause;
    if (opts?.reason !== undefined) event.reason = opts.reason;
    this.events.push(event as TraceEvent);
    for (const s of this.subscribers) s(event as TraceEvent);
    return event.seq;
  }

  subscribe(fn: TraceSubscriber): () => void {
    this.subscribers.push(fn);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== fn);
    };
  }

  /** Export as JSON lines: a header line, then one canonical line per event. */
  toJSONL(): string {
    const header = canonicalJSON({ etcdSimTrace: TRACE_SCHEMA_VERSION, events: this.events.length });
    return [header, ...this.events.map(eventLine)].join('\n') + '\n';
  }

  /** A stable 64-bit hash of the canonical form of every recorded event. */
  hash(): string {
    const h = new Hasher64();
    for (const e of this.events) h.update(eventLine(e)).update('\n');
    return h.digest();
  }
}

function eventLine(e: TraceEvent): string {
  return canonicalJSON(e);
}
