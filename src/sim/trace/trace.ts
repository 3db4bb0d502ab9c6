// The trace: one ordered record of every observable action in a world. The UI, the
// checkers and scenario expectations all read it (DESIGN.md principle 5).
//
// Each module declares the events it emits by augmenting `TraceKinds`:
//   declare module '../trace/trace' { interface TraceKinds { 'net.send': { id: number } } }
// so every event is typed by its kind.

import { canonicalJSON, Hasher64 } from '../kernel/hash';
import { Tape, type FieldType } from './tape';

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
  private readonly tape = new Tape();
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
    return this.tape.length;
  }

  /** The i-th recorded event (0-based; its seq is i). A fresh object each call. */
  at(i: number): TraceEvent | undefined {
    return this.tape.get(i) as TraceEvent | undefined;
  }

  /** Recorded events with index in [from, to). */
  range(from: number, to = this.tape.length): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.tape.length); i++) out.push(this.at(i) as TraceEvent);
    return out;
  }

  /** Every recorded event, in order (materialized: prefer range() on long runs). */
  all(): TraceEvent[] {
    return this.range(0);
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
    const t = this.now();
    const seq = this.nextSeq++;
    const row = fields as Record<string, unknown>;
    if (opts?.cause !== undefined) row.cause = opts.cause;
    if (opts?.reason !== undefined) row.reason = opts.reason;
    this.tape.append(t, source, kind, row);
    if (this.subscribers.length > 0) {
      const event = row as unknown as TraceMeta;
      event.t = t;
      event.seq = seq;
      event.source = source;
      event.kind = kind;
      for (const s of this.subscribers) s(event as TraceEvent);
    }
    return seq;
  }

  /**
   * A fast recorder for a high-volume kind with a fixed list of scalar fields (`columns`,
   * field name to type, in order). The caller writes a row into `values` and records it:
   * no object, no boxed number, no string lookup per event. Events are identical to emit()'s.
   */
  recorder<K extends TraceKind>(kind: K, columns: Columns<K>, level: 'info' | 'debug' = 'info'): Recorder {
    const names = Object.keys(columns);
    const types = Object.values(columns) as FieldType[];
    const values = new Float64Array(names.length);
    const first = this.tape.defineShape(kind, names, types);
    let shape = first;
    const rank = LEVEL_RANK[level];
    const tape = this.tape;
    return {
      values,
      sym: (s) => tape.id(s),
      slots: first.slots,
      begin: (source) => {
        // Once an 'int' column has widened, the slots given out are not the row's any more.
        if (shape !== first || this.rank < rank || this.subscribers.length > 0) return -1;
        const at = tape.beginRow(shape, this.now(), source);
        this.nextSeq++;
        return at;
      },
      rowInts: () => tape.rowInts,
      rowFloats: () => tape.rowFloats,
      record: (source) => {
        if (this.rank < rank) return -1;
        if (this.subscribers.length > 0) {
          const fields: Record<string, Scalar> = {};
          names.forEach((n, i) => (fields[n] = types[i] === 'string' ? tape.string(values[i]) : types[i] === 'boolean' ? values[i] === 1 : values[i]));
          return this.emit(source, kind, fields as TraceKinds[K], undefined, level);
        }
        const t = this.now();
        if (!tape.appendNumbers(shape, t, source, values)) {
          // A fraction (or a large number) where integers came so far widens the shape for good.
          shape = tape.widenShape(shape, values);
          tape.appendNumbers(shape, t, source, values);
        }
        return this.nextSeq++;
      },
    };
  }

  subscribe(fn: TraceSubscriber): () => void {
    this.subscribers.push(fn);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== fn);
    };
  }

  /** Export as JSON lines: a header line, then one canonical line per event. */
  toJSONL(): string {
    const lines = [canonicalJSON({ etcdSimTrace: TRACE_SCHEMA_VERSION, events: this.length })];
    for (let i = 0; i < this.length; i++) lines.push(canonicalJSON(this.at(i)));
    return lines.join('\n') + '\n';
  }

  /** A stable 64-bit hash of the canonical form of every recorded event. */
  hash(): string {
    const h = new Hasher64();
    for (let i = 0; i < this.length; i++) h.update(canonicalJSON(this.at(i))).update('\n');
    return h.digest();
  }
}

type Scalar = number | string | boolean;

/** A recorder's columns: each field of the kind it records, with its type. */
export type Columns<K extends TraceKind> = {
  readonly [F in keyof TraceKinds[K] & string]?: TraceKinds[K][F] extends string ? 'string' : TraceKinds[K][F] extends boolean ? 'boolean' : 'int' | 'number';
};

/** See Trace.recorder. */
export interface Recorder {
  /** The row to record next, in the columns' order: numbers as they are, strings as ids from sym(), booleans as 0 or 1. */
  readonly values: Float64Array;
  /** The id that stands for `s` in `values`. */
  sym(s: string): number;
  /** Records `values` as an event from `source`; returns its seq, or -1 when the level filtered it out. */
  record(source: string): number;
  /**
   * The hottest kinds skip `values` and write their row in place: begin() starts a row
   * from `source` and returns its first slot; the caller then writes column i at that slot
   * plus slots[i], in rowInts() (4-byte columns: 'int' values, string ids, booleans) or
   * rowFloats() ('number' values: index >> 1), before anything else is traced. A value
   * that is not a 32-bit integer must not go in an 'int' column this way: such a row goes
   * through values and record(), which widen the column for good. begin() returns -1,
   * starting nothing, when the event must go through values and record(): a column has
   * widened, the level filters it out, or subscribers want it as an object.
   */
  readonly slots: readonly number[];
  begin(source: string): number;
  rowInts(): Int32Array;
  rowFloats(): Float64Array;
}
