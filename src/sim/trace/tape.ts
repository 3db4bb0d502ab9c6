// Compact storage for trace events. A long run records millions of events; kept as
// JavaScript objects they dominate the run through garbage collection. Here each event
// is a row of numbers, [shape, t, source, value...], in fixed-size Float64Array chunks,
// with strings interned and the field names and types of each distinct event shape
// stored once. Rare non-scalar values (arrays, objects, bytes) go to a side table.

const NUM = 0;
const STR = 1;
const BOOL = 2;
const OBJ = 3;

const CHUNK = 1 << 20;
/** Row starts are kept in chunks too: one growing array of millions would be copied as it grows. */
const STARTS_CHUNK = 1 << 16;

export type Scalar = number | string | boolean;

export interface Shape {
  readonly id: number;
  readonly kind: string;
  readonly names: readonly string[];
  readonly types: readonly number[];
  /** Per field, the last string written and its id: most rows repeat their neighbour's strings. */
  readonly lastStrings: (string | undefined)[];
  readonly lastIds: number[];
}

/** Fields every row carries besides the event's own. */
export interface RowMeta {
  t: number;
  seq: number;
  source: string;
  kind: string;
}

export class Tape {
  private chunks: Float64Array[] = [new Float64Array(CHUNK)];
  private chunk = this.chunks[0];
  private used = 0;
  /** Row start positions (chunk index * CHUNK + offset), STARTS_CHUNK rows per array. */
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
    const names = shape.names;
    let at = this.beginRow(shape, t, source);
    for (let i = 0; i < names.length; i++) at = this.put(at, shape.types[i], fields[names[i]]);
  }

  /**
   * Appends an event given positionally in `shape`'s field order: the fast path for
   * high-volume kinds (no object, no property lookups). Returns false, writing
   * nothing, when a value's type does not fit the shape.
   */
  appendValues(shape: Shape, t: number, source: string, values: readonly Scalar[]): boolean {
    const { types, lastStrings, lastIds } = shape;
    const at = this.beginRow(shape, t, source);
    const d = this.chunk;
    // Types are checked while writing: a mismatch takes the row back.
    for (let i = 0; i < types.length; i++) {
      const v = values[i];
      const type = types[i];
      if (typeof v === 'number' && type === NUM) {
        d[at + i] = v;
      } else if (typeof v === 'string' && type === STR) {
        if (v !== lastStrings[i]) {
          lastStrings[i] = v;
          lastIds[i] = this.intern(v);
        }
        d[at + i] = lastIds[i];
      } else if (typeof v === 'boolean' && type === BOOL) {
        d[at + i] = v ? 1 : 0;
      } else {
        this.used = at - 3;
        this.rows--;
        return false;
      }
    }
    return true;
  }

  /** The shape for a fixed list of fields with the given example values' types. */
  defineShape(kind: string, names: readonly string[], example: readonly Scalar[]): Shape {
    return this.internShape(kind, names.slice(), example.map(typeCode));
  }

  /** Rebuilds row `i` as a plain object {t, seq, source, kind, ...fields}. */
  get(i: number): (RowMeta & Record<string, unknown>) | undefined {
    if (!(i >= 0 && i < this.rows)) return undefined;
    const pos = this.starts[Math.floor(i / STARTS_CHUNK)][i % STARTS_CHUNK];
    const d = this.chunks[Math.floor(pos / CHUNK)];
    let at = pos % CHUNK;
    const shape = this.shapes[d[at++]];
    const event: RowMeta & Record<string, unknown> = { t: d[at++], seq: i, source: this.strings[d[at++]], kind: shape.kind };
    const { names, types } = shape;
    for (let k = 0; k < names.length; k++) {
      const v = d[at++];
      switch (types[k]) {
        case NUM:
          event[names[k]] = v;
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

  private beginRow(shape: Shape, t: number, source: string): number {
    if (this.used + 3 + shape.names.length > CHUNK) {
      this.chunk = new Float64Array(CHUNK);
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const at = this.used;
    this.used += 3 + shape.names.length;
    const row = this.rows++;
    if (row === this.starts.length * STARTS_CHUNK) this.starts.push(new Float64Array(STARTS_CHUNK));
    this.starts[this.starts.length - 1][row % STARTS_CHUNK] = (this.chunks.length - 1) * CHUNK + at;
    if (source !== this.lastSource) {
      this.lastSource = source;
      this.lastSourceId = this.intern(source);
    }
    const d = this.chunk;
    d[at] = shape.id;
    d[at + 1] = t;
    d[at + 2] = this.lastSourceId;
    return at + 3;
  }

  private put(at: number, type: number, v: unknown): number {
    switch (type) {
      case NUM:
        this.chunk[at] = v as number;
        break;
      case STR:
        this.chunk[at] = this.intern(v as string);
        break;
      case BOOL:
        this.chunk[at] = v ? 1 : 0;
        break;
      default:
        this.chunk[at] = this.objects.push(v) - 1;
    }
    return at + 1;
  }

  /** The shape of this event: the kind's last one when names and types match (the usual case). */
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
    const shape = this.internShape(kind, names, types);
    this.lastShape.set(kind, shape);
    return shape;
  }

  private internShape(kind: string, names: string[], types: number[]): Shape {
    const key = `${kind}|${names.join(',')}|${types.join('')}`;
    let shape = this.shapeByKey.get(key);
    if (shape === undefined) {
      shape = { id: this.shapes.length, kind, names, types, lastStrings: names.map(() => undefined), lastIds: names.map(() => 0) };
      this.shapes.push(shape);
      this.shapeByKey.set(key, shape);
    }
    return shape;
  }

  private intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.push(s) - 1;
      this.stringIds.set(s, id);
    }
    return id;
  }
}

function matches(shape: Shape, fields: Record<string, unknown>): boolean {
  const { names, types } = shape;
  let i = 0;
  for (const k in fields) {
    const v = fields[k];
    if (v === undefined) continue;
    if (names[i] !== k || types[i] !== typeCode(v)) return false;
    i++;
  }
  return i === names.length;
}

function typeCode(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return NUM;
    case 'string':
      return STR;
    case 'boolean':
      return BOOL;
    default:
      return OBJ;
  }
}
