// Compact storage for trace events. A long run records millions of events; kept as
// JavaScript objects they dominate the run through garbage collection. Here each event
// is a row in fixed-size chunks of memory: the shape and source ids, the time, then the
// fields, with strings interned and the field names and types of each distinct event
// shape stored once. Rare non-scalar values (arrays, objects, bytes) go to a side table.
//
// A row is 8-byte aligned and laid out in 4-byte slots: [shape, source, t (2 slots),
// 8-byte fields..., 4-byte fields..., padding]. Numbers that are 32-bit integers take
// one slot, other numbers two; the smaller the rows, the less memory a run writes.
// Fixed slots, not varints: a byte-coded tape (varint fields, the time only when it
// changed) took net.send rows from 48 to 22 bytes, but writing them cost the Raft bench
// about 900 more instructions per message in V8 than these stores, for no wall time
// that could be told from the host's noise (2026-11).

const INT = 0;
const STR = 1;
const BOOL = 2;
const OBJ = 3;
/** A number that is not a 32-bit integer (a fraction, a large or negative-zero value). */
const FLT = 4;

/** Chunk size in 4-byte slots (8 MB). */
const CHUNK = 1 << 21;
/** Only every STRIDE-th row's start is kept; the rows between are found by their widths. */
const STRIDE = 16;
/** Row starts are kept in chunks too: one growing array of millions would be copied as it grows. */
const STARTS_CHUNK = 1 << 16;
/** Written after a chunk's last row when the next row did not fit. */
const CHUNK_END = -1;

/** A field's type for defineShape: 'int' fields widen to 'number' when a fraction comes. */
export type FieldType = 'int' | 'number' | 'string' | 'boolean';
const FIELD_CODES: Record<FieldType, number> = { int: INT, number: FLT, string: STR, boolean: BOOL };

export interface Shape {
  readonly id: number;
  readonly kind: string;
  readonly names: readonly string[];
  readonly types: readonly number[];
  /** Slot of each field in the row, from the row start. */
  readonly slots: readonly number[];
  /** Row length in slots (even). */
  readonly width: number;
}

/** Fields every row carries besides the event's own. */
export interface RowMeta {
  t: number;
  seq: number;
  source: string;
  kind: string;
}

export class Tape {
  private chunks: Int32Array[] = [];
  private floatChunks: Float64Array[] = [];
  private ints!: Int32Array;
  private floats!: Float64Array;
  private used = CHUNK;
  /** Start positions (chunk index * CHUNK + slot) of rows 0, STRIDE, 2*STRIDE..., STARTS_CHUNK per array. */
  private readonly starts: Float64Array[] = [];
  private rows = 0;
  private readonly shapes: Shape[] = [];
  private readonly shapeByKey = new Map<string, Shape>();
  private readonly lastShape = new Map<string, Shape>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly objects: unknown[] = [];
  /** The last source and its id: consecutive rows mostly share their source. */
  private lastSource: string | undefined;
  private lastSourceId = 0;

  get length(): number {
    return this.rows;
  }

  /** Appends an event given as an object; its shape is found or learned. */
  append(t: number, source: string, kind: string, fields: Record<string, unknown>): void {
    const shape = this.shapeFor(kind, fields);
    const { names, types, slots } = shape;
    const at = this.beginRow(shape, t, source);
    for (let i = 0; i < names.length; i++) this.put(at + slots[i], types[i], fields[names[i]]);
  }

  /**
   * Appends an event given positionally in `shape`'s field order, every value a number:
   * strings as their ids from id(), booleans as 0 or 1. The fast path for high-volume
   * kinds: no object, no boxed number, no string lookup. Returns false, writing nothing,
   * when an integer field gets a value that is not a 32-bit integer.
   */
  appendNumbers(shape: Shape, t: number, source: string, values: Float64Array): boolean {
    const { types, slots } = shape;
    const at = this.beginRow(shape, t, source);
    const ints = this.ints;
    for (let i = 0; i < types.length; i++) {
      const v = values[i];
      const slot = at + slots[i];
      const type = types[i];
      if (type === FLT) this.floats[slot >> 1] = v;
      else if (type !== INT || isInt32(v)) ints[slot] = v;
      else return this.takeBack(shape);
    }
    return true;
  }

  /** Removes the row just begun (its values did not fit its shape); returns false. */
  private takeBack(shape: Shape): false {
    this.used -= shape.width;
    this.rows--;
    return false;
  }

  /** The shape for a fixed list of fields of the given types. */
  defineShape(kind: string, names: readonly string[], types: readonly FieldType[]): Shape {
    return this.internShape(kind, names.slice(), types.map((type) => FIELD_CODES[type]));
  }

  /** `shape` with its integer fields that hold a fraction in `values` made fractional (itself if none). */
  widenShape(shape: Shape, values: Float64Array): Shape {
    const types = shape.types.map((type, i) => (type === INT && !isInt32(values[i]) ? FLT : type));
    return this.internShape(shape.kind, shape.names.slice(), types);
  }

  /** The id that stands for string `s` in appendNumbers' values. */
  id(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.push(s) - 1;
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** The string of an id from id(). */
  string(id: number): string {
    return this.strings[id];
  }

  /** Rebuilds row `i` as a plain object {t, seq, source, kind, ...fields}. */
  get(i: number): (RowMeta & Record<string, unknown>) | undefined {
    if (!(i >= 0 && i < this.rows)) return undefined;
    const block = Math.floor(i / STRIDE);
    const pos = this.starts[Math.floor(block / STARTS_CHUNK)][block % STARTS_CHUNK];
    let c = Math.floor(pos / CHUNK);
    let at = pos % CHUNK;
    for (let k = i % STRIDE; k > 0; k--) {
      at += this.shapes[this.chunks[c][at]].width;
      if (at === CHUNK || this.chunks[c][at] === CHUNK_END) {
        c++;
        at = 0;
      }
    }
    const ints = this.chunks[c];
    const floats = this.floatChunks[c];
    const shape = this.shapes[ints[at]];
    const event: RowMeta & Record<string, unknown> = { t: floats[(at >> 1) + 1], seq: i, source: this.strings[ints[at + 1]], kind: shape.kind };
    const { names, types, slots } = shape;
    for (let k = 0; k < names.length; k++) {
      const slot = at + slots[k];
      const v = ints[slot];
      switch (types[k]) {
        case INT:
          event[names[k]] = v;
          break;
        case FLT:
          event[names[k]] = floats[slot >> 1];
          break;
        case STR:
          event[names[k]] = this.strings[v];
          break;
        case BOOL:
          event[names[k]] = v === 1;
          break;
        default:
          event[names[k]] = this.objects[v];
      }
    }
    return event;
  }

  /** The chunk the last beginRow() wrote into, as 4-byte slots and as 8-byte ones (slot s is floats[s >> 1]). */
  get rowInts(): Int32Array {
    return this.ints;
  }

  get rowFloats(): Float64Array {
    return this.floats;
  }

  /**
   * Starts a row: writes its shape, source and time; returns its first slot in rowInts.
   * The caller writes every field of `shape` at its slot right away.
   */
  beginRow(shape: Shape, t: number, source: string): number {
    // Every event runs this: the rare work is in functions of their own, so it stays small enough to be inlined.
    if (this.used + shape.width > CHUNK) this.newChunk();
    const at = this.used;
    this.used += shape.width;
    const row = this.rows++;
    if (row % STRIDE === 0) {
      const block = row / STRIDE;
      if (block === this.starts.length * STARTS_CHUNK) this.starts.push(new Float64Array(STARTS_CHUNK));
      this.starts[this.starts.length - 1][block % STARTS_CHUNK] = (this.chunks.length - 1) * CHUNK + at;
    }
    if (source !== this.lastSource) this.newSource(source);
    this.ints[at] = shape.id;
    this.ints[at + 1] = this.lastSourceId;
    this.floats[(at >> 1) + 1] = t;
    return at;
  }

  private newChunk(): void {
    if (this.used < CHUNK) this.ints[this.used] = CHUNK_END;
    const buf = new ArrayBuffer(CHUNK * 4);
    this.ints = new Int32Array(buf);
    this.floats = new Float64Array(buf);
    this.chunks.push(this.ints);
    this.floatChunks.push(this.floats);
    this.used = 0;
  }

  private newSource(source: string): void {
    this.lastSource = source;
    this.lastSourceId = this.id(source);
  }

  private put(slot: number, type: number, v: unknown): void {
    switch (type) {
      case INT:
        this.ints[slot] = v as number;
        break;
      case FLT:
        this.floats[slot >> 1] = v as number;
        break;
      case STR:
        this.ints[slot] = this.id(v as string);
        break;
      case BOOL:
        this.ints[slot] = v ? 1 : 0;
        break;
      default:
        this.ints[slot] = this.objects.push(v) - 1;
    }
  }

  /** The shape of this event: the kind's last one when its fields fit (the usual case). */
  private shapeFor(kind: string, fields: Record<string, unknown>): Shape {
    const last = this.lastShape.get(kind);
    if (last !== undefined && matches(last, fields)) return last;
    const names: string[] = [];
    const types: number[] = [];
    for (const k in fields) {
      const v = fields[k];
      if (v === undefined) continue;
      names.push(k);
      types.push(typeCode(v));
    }
    // Keep fractional fields of the last shape fractional, so rows do not flip between two shapes.
    if (last !== undefined && sameNames(last.names, names)) {
      for (let i = 0; i < types.length; i++) types[i] = widen(last.types[i], types[i]);
    }
    const shape = this.internShape(kind, names, types);
    this.lastShape.set(kind, shape);
    return shape;
  }

  private internShape(kind: string, names: string[], types: number[]): Shape {
    const key = `${kind}|${names.join(',')}|${types.join('')}`;
    let shape = this.shapeByKey.get(key);
    if (shape === undefined) {
      // Slots 0-3 hold shape, source and t; 8-byte fields follow while aligned, then 4-byte ones.
      const slots: number[] = new Array<number>(names.length).fill(0);
      let next = 4;
      types.forEach((type, i) => {
        if (type === FLT) {
          slots[i] = next;
          next += 2;
        }
      });
      types.forEach((type, i) => {
        if (type !== FLT) slots[i] = next++;
      });
      shape = {
        id: this.shapes.length,
        kind,
        names,
        types,
        slots,
        width: next + (next & 1),
      };
      this.shapes.push(shape);
      this.shapeByKey.set(key, shape);
    }
    return shape;
  }

}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function matches(shape: Shape, fields: Record<string, unknown>): boolean {
  const { names, types } = shape;
  let i = 0;
  for (const k in fields) {
    const v = fields[k];
    if (v === undefined) continue;
    if (names[i] !== k || !fits(types[i], v)) return false;
    i++;
  }
  return i === names.length;
}

/** Whether a value can be stored in a field of the given type. */
function fits(type: number, v: unknown): boolean {
  switch (type) {
    case INT:
      return typeof v === 'number' && isInt32(v);
    case FLT:
      return typeof v === 'number';
    case STR:
      return typeof v === 'string';
    case BOOL:
      return typeof v === 'boolean';
    default:
      return typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean';
  }
}

/** A type holding values of both: an integer field widens to a fractional one. */
function widen(a: number, b: number): number {
  return (a === INT && b === FLT) || (a === FLT && b === INT) ? FLT : b;
}

function isInt32(v: number): boolean {
  return (v | 0) === v && !(v === 0 && 1 / v < 0);
}

function typeCode(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return isInt32(v) ? INT : FLT;
    case 'string':
      return STR;
    case 'boolean':
      return BOOL;
    default:
      return OBJ;
  }
}
