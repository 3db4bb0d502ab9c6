import { describe, expect, it } from 'vitest';
import { Trace } from './trace';
import { Tape } from './tape';

declare module './trace' {
  interface TraceKinds {
    'test.a': { n: number; s: string; b: boolean; o?: number[] };
  }
}

describe('Tape', () => {
  it('round-trips rows of every value type, with shapes changing between rows', () => {
    const tape = new Tape();
    tape.append(1, 'x', 'k', { n: 1.5, s: 'hi', b: true });
    tape.append(2, 'y', 'k', { n: -2, s: 'hi', b: false, o: [1, { z: 2 }] });
    tape.append(3, 'x', 'k', { n: 3, s: 7 });
    tape.append(4, 'x', 'k', { n: 4, skip: undefined, s: 'again', b: true });
    expect(tape.get(0)).toEqual({ t: 1, seq: 0, source: 'x', kind: 'k', n: 1.5, s: 'hi', b: true });
    expect(tape.get(1)).toEqual({ t: 2, seq: 1, source: 'y', kind: 'k', n: -2, s: 'hi', b: false, o: [1, { z: 2 }] });
    expect(tape.get(2)).toEqual({ t: 3, seq: 2, source: 'x', kind: 'k', n: 3, s: 7 });
    expect(tape.get(3)).toEqual({ t: 4, seq: 3, source: 'x', kind: 'k', n: 4, s: 'again', b: true });
    expect(tape.get(4)).toBeUndefined();
  });

  it('spans chunk boundaries', () => {
    const tape = new Tape();
    const n = 300_000; // 300k rows of 8 slots: two chunks of 2^21 slots
    for (let i = 0; i < n; i++) tape.append(i, 's', 'k', { a: i, b: i * 2, c: 'v' });
    expect(tape.length).toBe(n);
    for (const i of [0, 262_143, 262_144, 262_145, n - 1]) expect(tape.get(i)).toMatchObject({ t: i, a: i, b: i * 2, c: 'v' });
  });

  it('finds every row among rows of different widths, across chunks whose last row left a gap', () => {
    const tape = new Tape();
    const n = 500_000; // rows of 12, 8 and 8 slots: a chunk of 2^21 slots ends with a gap
    const row = (i: number) =>
      i % 3 === 0 ? { a: i, b: -i, c: 'w', d: i % 7, e: true, f: 'x', g: 1.5 } : { a: i, b: -i, c: 'v' };
    for (let i = 0; i < n; i++) tape.append(i / 2, 's', 'k', row(i));
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const e = tape.get(i);
      const want = row(i);
      if (e?.t !== i / 2 || e.a !== want.a || e.b !== want.b || e.c !== want.c || e.d !== (want as { d?: number }).d) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('Trace', () => {
  it('records events with meta fields, cause and reason, and filters by level', () => {
    let now = 5;
    const trace = new Trace(() => now, 'info');
    expect(trace.emit('m1', 'test.a', { n: 1, s: 'a', b: true }, { cause: 0, reason: 'because' })).toBe(0);
    expect(trace.emit('m1', 'test.a', { n: 2, s: 'a', b: true }, undefined, 'debug')).toBe(-1);
    now = 7;
    const rec = trace.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' });
    rec.values.set([3, rec.sym('z'), 0]);
    expect(rec.record('m2')).toBe(1);
    expect(trace.all()).toEqual([
      { t: 5, seq: 0, source: 'm1', kind: 'test.a', n: 1, s: 'a', b: true, cause: 0, reason: 'because' },
      { t: 7, seq: 1, source: 'm2', kind: 'test.a', n: 3, s: 'z', b: false },
    ]);
  });

  it('keeps integers, fractions, negative zero and large numbers exact, in either order', () => {
    const tape = new Tape();
    const values = [1, 2.5, -0, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, 0.1, 7];
    for (const v of values) tape.append(v, 's', 'k', { v, w: values.length - v });
    values.forEach((v, i) => {
      expect(Object.is(tape.get(i)?.v, v)).toBe(true);
      expect(tape.get(i)).toMatchObject({ t: v, w: values.length - v });
    });
  });

  it('widens a recorder shape when a fraction or a large number arrives where integers came so far', () => {
    const trace = new Trace(() => 1);
    const rec = trace.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' });
    for (const n of [1, 1.25, 3, 2 ** 40, -0]) {
      rec.values.set([n, rec.sym(`s${n}`), 1]);
      rec.record('m1');
    }
    const events = trace.all();
    expect(events.map((e) => (e as { n: number }).n)).toEqual([1, 1.25, 3, 2 ** 40, -0]);
    expect(Object.is((events[4] as { n: number }).n, -0)).toBe(true);
    expect(events[1]).toEqual({ t: 1, seq: 1, source: 'm1', kind: 'test.a', n: 1.25, s: 's1.25', b: true });
  });

  it('records recorder rows exactly as emit would, and nothing below its level', () => {
    const emitted = new Trace(() => 2);
    const recorded = new Trace(() => 2);
    const rec = recorded.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' });
    const debug = recorded.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' }, 'debug');
    for (const [n, s, b] of [[1, 'a', true], [2.5, 'b', false], [3, 'a', true]] as const) {
      emitted.emit('m1', 'test.a', { n, s, b });
      rec.values.set([n, rec.sym(s), b ? 1 : 0]);
      expect(rec.record('m1')).toBe(recorded.count - 1);
      debug.values.set([n, debug.sym(s), 0]);
      expect(debug.record('m1')).toBe(-1);
    }
    expect(recorded.toJSONL()).toBe(emitted.toJSONL());
    expect(recorded.hash()).toBe(emitted.hash());
  });

  it('writes rows in place (begin) exactly as emit would, and hands back to record() when it must', () => {
    const emitted = new Trace(() => 2);
    const direct = new Trace(() => 2);
    const rec = direct.recorder('test.a', { n: 'number', s: 'string', b: 'boolean' });
    const [n, s, b] = rec.slots;
    for (const [v, str, flag] of [[1, 'a', true], [2.5, 'b', false], [2 ** 40, 'a', true]] as const) {
      emitted.emit('m1', 'test.a', { n: v, s: str, b: flag });
      const at = rec.begin('m1');
      expect(at).toBeGreaterThanOrEqual(0);
      rec.rowFloats()[(at + n) >> 1] = v;
      rec.rowInts()[at + s] = rec.sym(str);
      rec.rowInts()[at + b] = flag ? 1 : 0;
    }
    expect(direct.count).toBe(3);
    expect(direct.toJSONL()).toBe(emitted.toJSONL());
    // A level may filter, a subscriber wants objects.
    expect(direct.recorder('test.a', { n: 'number', s: 'string', b: 'boolean' }, 'debug').begin('m1')).toBe(-1);
    direct.subscribe(() => {});
    expect(rec.begin('m1')).toBe(-1);
    expect(direct.count).toBe(3);
  });

  it("writes 'int' columns in place until a value widens them, then only through record()", () => {
    const emitted = new Trace(() => 3);
    const direct = new Trace(() => 3);
    const rec = direct.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' });
    const [n, s, b] = rec.slots;
    const inPlace = (v: number) => {
      const at = rec.begin('m1');
      if (at < 0) return false;
      rec.rowInts()[at + n] = v;
      rec.rowInts()[at + s] = rec.sym('a');
      rec.rowInts()[at + b] = 1;
      return true;
    };
    const recorded = (v: number) => {
      rec.values.set([v, rec.sym('a'), 1]);
      rec.record('m1');
    };
    for (const v of [1, -7, 2 ** 31 - 1]) {
      emitted.emit('m1', 'test.a', { n: v, s: 'a', b: true });
      expect(inPlace(v)).toBe(true);
    }
    // 2^31 does not fit in the 4-byte column: record() widens it, and begin() stops.
    for (const v of [2 ** 31, 4, 0.5]) {
      emitted.emit('m1', 'test.a', { n: v, s: 'a', b: true });
      if (v !== 2 ** 31) expect(inPlace(v)).toBe(false);
      recorded(v);
    }
    expect(direct.count).toBe(6);
    expect(direct.toJSONL()).toBe(emitted.toJSONL());
  });

  it('gives subscribers the same events as the record', () => {
    const trace = new Trace(() => 1);
    const seen: unknown[] = [];
    trace.subscribe((e) => seen.push({ ...e }));
    trace.emit('m1', 'test.a', { n: 1, s: 'a', b: true, o: [1] });
    const rec = trace.recorder('test.a', { n: 'int', s: 'string', b: 'boolean' });
    rec.values.set([2, rec.sym('b'), 0]);
    rec.record('m1');
    expect(seen).toEqual(trace.all());
  });

  it('exports JSON lines with a versioned header and hashes stably', () => {
    const mk = () => {
      const trace = new Trace(() => 0);
      trace.emit('m1', 'test.a', { n: 1, s: 'a', b: true });
      return trace;
    };
    const jsonl = mk().toJSONL().trim().split('\n');
    expect(JSON.parse(jsonl[0])).toEqual({ etcdSimTrace: 1, events: 1 });
    expect(JSON.parse(jsonl[1])).toMatchObject({ kind: 'test.a', n: 1 });
    expect(mk().hash()).toBe(mk().hash());
    const other = mk();
    other.emit('m1', 'test.a', { n: 2, s: 'a', b: true });
    expect(other.hash()).not.toBe(mk().hash());
  });
});
