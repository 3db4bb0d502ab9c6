import { describe, expect, it } from 'vitest';
import { Kernel, HoldPendingError } from './kernel';
import { EventQueue, type Timer } from './event-queue';
import { RandomStream } from './random';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { canonicalJSON, Hasher64 } from './hash';

describe('EventQueue', () => {
  it('orders by time, then by insertion sequence', () => {
    const q = new EventQueue();
    const out: string[] = [];
    q.push(5, () => out.push('a5'), '');
    q.push(1, () => out.push('b1'), '');
    q.push(5, () => out.push('c5'), '');
    q.push(1, () => out.push('d1'), '');
    q.push(3, () => out.push('e3'), '');
    for (let t = q.pop(); t; t = q.pop()) (t.fn as () => void)();
    expect(out).toEqual(['b1', 'd1', 'e3', 'a5', 'c5']);
  });

  it('skips cancelled timers and keeps a live count', () => {
    const q = new EventQueue();
    const a = q.push(1, () => {}, 'a');
    q.push(2, () => {}, 'b');
    expect(q.size).toBe(2);
    q.cancel(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.pop()?.label).toBe('b');
    expect(q.pop()).toBeUndefined();
  });

  it('matches a sorted reference on many random operations', () => {
    const q = new EventQueue();
    const rng = RandomStream.derive(7, 'queue-test');
    const ref: { time: number; seq: number }[] = [];
    let seq = 0;
    for (let i = 0; i < 5000; i++) {
      if (rng.chance(0.6) || ref.length === 0) {
        const time = rng.int(0, 100);
        q.push(time, () => {}, String(seq));
        ref.push({ time, seq: seq++ });
      } else {
        ref.sort((x, y) => x.time - y.time || x.seq - y.seq);
        const want = ref.shift()!;
        const got = q.pop()!;
        expect([got.time, got.seq]).toEqual([want.time, want.seq]);
      }
    }
  });

  it('keeps (time, seq) order with many timers due at the instant just popped, and cancellations', () => {
    const q = new EventQueue();
    const rng = RandomStream.derive(8, 'queue-fifo-test');
    const live = new Map<number, Timer>();
    let now = 0;
    for (let i = 0; i < 20000; i++) {
      const r = rng.float();
      if (r < 0.5 || live.size === 0) {
        // Mostly "later in this instant", sometimes a little later, rarely in the past.
        const time = rng.chance(0.6) ? now : rng.chance(0.95) ? now + rng.int(1, 3) : Math.max(0, now - 1);
        const t = q.push(time, () => {}, '');
        live.set(t.seq, t);
      } else if (r < 0.6) {
        const victim = rng.pick([...live.values()]);
        q.cancel(victim);
        live.delete(victim.seq);
      } else {
        const want = [...live.values()].sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
        const got = q.pop()!;
        expect([got.time, got.seq]).toEqual([want.time, want.seq]);
        live.delete(got.seq);
        now = got.time;
      }
      expect(q.size).toBe(live.size);
    }
    expect(q.pending().map((t) => t.seq)).toEqual([...live.values()].sort((a, b) => a.time - b.time || a.seq - b.seq).map((t) => t.seq));
  });
});

describe('Kernel', () => {
  it('advances virtual time through scheduled events', () => {
    const k = new Kernel(1);
    const seen: number[] = [];
    k.schedule(10, () => seen.push(k.now));
    k.schedule(5, () => {
      seen.push(k.now);
      k.schedule(0, () => seen.push(k.now));
    });
    k.runUntil(100);
    expect(seen).toEqual([5, 5, 10]);
    expect(k.now).toBe(100);
    expect(k.fired).toBe(3);
  });

  it('tells whether an event is due at the current instant', () => {
    const k = new Kernel(1);
    const seen: boolean[] = [];
    k.schedule(5, () => {
      seen.push(k.dueNow());
      k.schedule(0, () => seen.push(k.dueNow()));
      seen.push(k.dueNow());
    });
    k.schedule(7, () => {});
    k.runUntil(6);
    expect(seen).toEqual([false, true, false]);
    expect(k.dueNow()).toBe(false);
  });

  it('fires atWith events in order among cancellable ones, reusing their timers', () => {
    const k = new Kernel(1);
    const seen: string[] = [];
    const note = (s: string) => seen.push(`${s}@${k.now}`);
    // Each posted event posts the next: after the first fires its timer serves the rest.
    const chain = (n: number) => {
      note(`p${n}`);
      if (n < 3) k.atWith(k.now + 1, chain, n + 1);
    };
    k.atWith(1, chain, 1);
    const late = k.at(2, () => note('cancelled'));
    k.at(2, () => note('a'));
    k.atWith(2, note, 'b');
    k.runUntil(1);
    // A handle cancelled after a posted timer was recycled still cancels only itself.
    k.cancel(late);
    k.runUntil(10);
    expect(seen).toEqual(['p1@1', 'a@2', 'b@2', 'p2@2', 'p3@3']);
    expect(k.pendingCount).toBe(0);
  });

  it('cancels timers', () => {
    const k = new Kernel(1);
    let fired = false;
    const t = k.schedule(10, () => (fired = true));
    k.cancel(t);
    k.runUntil(20);
    expect(fired).toBe(false);
  });

  it('rejects negative delays and past times', () => {
    const k = new Kernel(1);
    expect(() => k.schedule(-1, () => {})).toThrow(/>= 0/);
    k.runUntil(10);
    expect(() => k.at(5, () => {})).toThrow(/past/);
  });

  it('runs until a trace predicate holds', () => {
    const k = new Kernel(1);
    for (let i = 1; i <= 10; i++) k.schedule(i * 10, () => k.trace.emit('x', 'net.fault', { fault: 'f', detail: String(i) }));
    const e = k.runUntilEvent((ev) => ev.kind === 'net.fault' && ev.detail === '4', 1000);
    expect(e?.t).toBe(40);
    expect(k.now).toBe(40);
    expect(k.runUntilEvent(() => false, 500)).toBeUndefined();
    expect(k.now).toBe(500);
  });

  it('runs until a state predicate holds or the deadline passes', () => {
    const k = new Kernel(1);
    let fired = 0;
    for (let i = 1; i <= 10; i++) k.schedule(i * 10, () => fired++);
    expect(k.runUntilTrue(() => fired === 3, 1000)).toBe(true);
    expect(k.now).toBe(30);
    expect(k.runUntilTrue(() => fired === 99, 75)).toBe(false);
    expect(fired).toBe(7);
    expect(k.now).toBe(75);
  });

  it('refuses to pass a pending real write synchronously and waits for it asynchronously', async () => {
    const k = new Kernel(1);
    let resolve!: () => void;
    k.hold(20, new Promise<void>((r) => (resolve = r)));
    k.schedule(30, () => {});
    k.runUntil(10);
    expect(() => k.runUntil(40)).toThrow(HoldPendingError);
    const run = k.runUntilAsync(40);
    resolve();
    await run;
    expect(k.now).toBe(40);
    expect(k.fired).toBe(1);
  });
});

describe('RandomStream', () => {
  it('gives the same draws for the same (seed, name) and different ones otherwise', () => {
    const draw = (seed: number, name: string) => {
      const r = RandomStream.derive(seed, name);
      return Array.from({ length: 8 }, () => r.int(0, 1_000_000));
    };
    expect(draw(1, 'net')).toEqual(draw(1, 'net'));
    expect(draw(1, 'net')).not.toEqual(draw(2, 'net'));
    expect(draw(1, 'net')).not.toEqual(draw(1, 'm1'));
  });

  it('keeps draws within bounds and restores from saved state', () => {
    const r = RandomStream.derive(3, 'x');
    for (let i = 0; i < 1000; i++) {
      const v = r.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      const f = r.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    const state = r.getState();
    const a = [r.float(), r.float()];
    r.setState(state);
    expect([r.float(), r.float()]).toEqual(a);
  });

  it('draws floats exactly as pure-rand uniformFloat64 does from the same state (float() writes it out)', () => {
    for (const seed of [0, 1, 7, 2 ** 32 + 5]) {
      const r = RandomStream.derive(seed, 'net');
      const ref = xoroshiro128plusFromState(r.getState());
      for (let i = 0; i < 20_000; i++) {
        const want = uniformFloat64(ref);
        const got = r.float();
        if (got !== want) expect.fail(`seed ${seed}, draw ${i}: float() gave ${got}, uniformFloat64 ${want}`);
      }
      expect(r.getState()).toEqual(ref.getState());
    }
  });

  it('has sane distribution means', () => {
    const r = RandomStream.derive(5, 'dist');
    const n = 20000;
    let e = 0;
    let g = 0;
    for (let i = 0; i < n; i++) {
      e += r.exponential(10);
      g += r.normal(50, 5);
    }
    expect(e / n).toBeGreaterThan(9.5);
    expect(e / n).toBeLessThan(10.5);
    expect(g / n).toBeGreaterThan(49.8);
    expect(g / n).toBeLessThan(50.2);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => r.pick([])).toThrow(/no items/);
  });
});

describe('hashing', () => {
  it('serializes canonically regardless of key order', () => {
    expect(canonicalJSON({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(canonicalJSON({ x: new Uint8Array([1, 255]) })).toBe('{"x":{"$bytes":"01ff"}}');
  });

  it('computes 64-bit FNV-1a', () => {
    // Known FNV-1a 64 vectors for ASCII input.
    expect(new Hasher64().digest()).toBe('cbf29ce484222325');
    expect(new Hasher64().update('a').digest()).toBe('af63dc4c8601ec8c');
    expect(new Hasher64().update('foobar').digest()).toBe('85944171f73967e8');
  });
});

describe('detmath', () => {
  it('agrees with Math.log and Math.exp to within a few ulps', async () => {
    const { log, exp } = await import('./detmath');
    const rng = RandomStream.derive(1, 'detmath');
    for (let i = 0; i < 20000; i++) {
      const x = Math.pow(10, rng.uniform(-12, 12));
      expect(Math.abs(log(x) - Math.log(x))).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(Math.log(x))));
      const y = rng.uniform(-50, 50);
      expect(Math.abs(exp(y) / Math.exp(y) - 1)).toBeLessThan(1e-14);
    }
    expect(log(1)).toBe(0);
    expect(exp(0)).toBe(1);
    expect(log(0)).toBe(-Infinity);
    expect(Number.isNaN(log(-1))).toBe(true);
  });
});
