import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel';
import { Network, type Packet } from './network';
import { NetworkSettingsSchema } from './faults';
import { LatencySchema, sampleLatency, type Latency } from './latency';
import { RandomStream } from '../kernel/random';

function setup(settings: object = {}, seed = 42) {
  const kernel = new Kernel(seed);
  const net = new Network(kernel, NetworkSettingsSchema.parse(settings));
  const got: Packet[] = [];
  /** When each of `got` arrived. */
  const at: number[] = [];
  for (const h of ['a', 'b', 'c'])
    net.listen(`${h}:1`, (p) => {
      got.push(p);
      at.push(kernel.now);
    });
  return { kernel, net, got, at };
}

describe('latency distributions', () => {
  const rng = RandomStream.derive(1, 'lat');
  const stats = (d: Latency, n = 20000) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = sampleLatency(d, rng);
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      xs.push(v);
    }
    xs.sort((x, y) => x - y);
    return { min, max, mean: sum / n, median: xs[n >> 1], p99: xs[Math.floor(n * 0.99)] };
  };

  it('constant', () => {
    const s = stats({ kind: 'constant', ms: 7 });
    expect([s.min, s.max, s.mean]).toEqual([7, 7, 7]);
  });

  it('uniform stays in bounds with the right mean', () => {
    const s = stats({ kind: 'uniform', min: 10, max: 15 });
    expect(s.min).toBeGreaterThanOrEqual(10);
    expect(s.max).toBeLessThanOrEqual(15);
    expect(Math.abs(s.mean - 12.5)).toBeLessThan(0.1);
  });

  it('long tail stays in bounds, has its median and a heavy tail', () => {
    const d = LatencySchema.parse({ kind: 'longtail', min: 1, median: 5, sigma: 1, max: 200 });
    const s = stats(d);
    expect(s.min).toBeGreaterThanOrEqual(1);
    expect(s.max).toBeLessThanOrEqual(200);
    expect(Math.abs(s.median - 5)).toBeLessThan(0.3);
    // exp(2.326 sigma) * 4 + 1 ~ 42 at the 99th percentile: far above the median.
    expect(s.p99).toBeGreaterThan(30);
    expect(s.p99).toBeLessThan(60);
    // Mean of 1 + 4 * lognormal(0, 1) is 1 + 4 * e^(1/2) ~ 7.59 (the cap barely matters).
    expect(Math.abs(s.mean - 7.59)).toBeLessThan(0.3);
  });

  it('rejects impossible distributions with a clear message', () => {
    const r = LatencySchema.safeParse({ kind: 'uniform', min: 9, max: 3 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toMatch(/min must not exceed max/);
  });
});

describe('Network', () => {
  it('delivers after the link latency and keeps FIFO per link', () => {
    const { kernel, net, got, at } = setup({ latency: { kind: 'uniform', min: 1, max: 50 } });
    for (let i = 0; i < 500; i++) net.send('a:1', 'b:1', 'm', i, 10);
    kernel.runUntil(1000);
    expect(got.map((p) => p.payload)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const p of got) expect(p.fate).toBe('delivered');
    // All sent at 0: each arrives after at least the minimum latency, none before the one ahead.
    expect(Math.min(...at)).toBeGreaterThanOrEqual(1);
    expect(at.every((t, i) => i === 0 || t >= at[i - 1])).toBe(true);
  });

  it('a stream delivers in order exactly once whatever the duplication and reordering faults', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'uniform', min: 1, max: 50 }, reorder: 0.5, duplicate: 0.5 });
    for (let i = 0; i < 500; i++) net.send('a:1', 'b:1', 'm', i, 10);
    kernel.runUntil(1000);
    expect(got.map((p) => p.payload)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('loss delays a stream message by retransmissions and holds the ones behind it; nothing is lost', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'constant', ms: 5 }, drop: 0.1 });
    // Spaced out, each message is the head of its stream: every transmission may be lost.
    const n = 1000;
    for (let i = 0; i < n; i++) kernel.schedule(i * 10_000, () => net.send('a:1', 'b:1', 'm', i, 10));
    kernel.runUntil(n * 10_000);
    expect(got.map((p) => p.payload)).toEqual(Array.from({ length: n }, (_, i) => i));
    // Each transmission is lost with chance 0.1: about n * 0.1 / 0.9 retransmissions.
    expect(Math.abs(net.stats.retransmitted / n - 0.111)).toBeLessThan(0.04);
    const stalled = new Set(kernel.trace.all().flatMap((e) => (e.kind === 'net.stall' ? [e.id] : [])));
    expect(stalled.size).toBeGreaterThan(n * 0.07);

    // Back to back, a lost message holds the ones behind it: they arrive with it, in order.
    got.length = 0;
    const t0 = kernel.now;
    for (let i = 0; i < 200; i++) kernel.schedule(i, () => net.send('a:1', 'b:1', 'm', i, 10));
    kernel.runUntil(t0 + 60_000);
    expect(got.map((p) => p.payload)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(net.stats.breaks).toBe(0);
  });

  it('a partition stalls a stream; healed within the limit, everything arrives in order', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'constant', ms: 5 } });
    net.partition([['a'], ['b', 'c']]);
    net.send('a:1', 'b:1', 'x', 1, 1);
    net.send('a:1', 'b:1', 'x', 2, 1);
    net.send('b:1', 'c:1', 'x', 3, 1);
    kernel.runUntil(1000);
    expect(got.map((p) => p.payload)).toEqual([3]);
    net.heal();
    net.send('a:1', 'b:1', 'x', 4, 1);
    kernel.runUntil(5000);
    expect(got.map((p) => p.payload)).toEqual([3, 1, 2, 4]);
    expect(net.stats.breaks).toBe(0);
  });

  it('a stall longer than the sender limit breaks the connection: both ends told, both directions lost', () => {
    const kernel = new Kernel(1);
    const net = new Network(kernel, NetworkSettingsSchema.parse({ latency: { kind: 'constant', ms: 5 } }));
    const got: unknown[] = [];
    const breaks: string[] = [];
    net.listen('a:1', (p) => got.push(p.payload), { onBreak: (r, why) => breaks.push(`a<-${r}: ${why}`), stallLimitMs: 5000 });
    net.listen('b:1', (p) => got.push(p.payload), { onBreak: (r, why) => breaks.push(`b<-${r}: ${why}`) });
    net.send('a:1', 'b:1', 'x', 'early', 1);
    kernel.runUntil(100);
    net.block('a', 'b');
    const stalled = net.send('a:1', 'b:1', 'x', 'stalled', 1);
    // The stall starts on arrival (105 ms) and breaks the connection at 5105 ms.
    let reply: Packet | undefined;
    kernel.schedule(5000, () => (reply = net.send('b:1', 'a:1', 'x', 'reply in flight', 1)));
    kernel.runUntil(4002);
    expect(breaks).toEqual([]);
    kernel.runUntil(6000);
    expect(got).toEqual(['early']);
    expect(breaks).toEqual(['a<-b:1: connection timed out', 'b<-a:1: connection timed out']);
    expect(net.stats.broken).toBe(2);
    expect(net.inFlightCount).toBe(0);
    expect([stalled.fate, reply?.fate]).toEqual(['broken', 'broken']);
    const brk = kernel.trace.all().find((e) => e.kind === 'net.break');
    expect(brk).toMatchObject({ a: 'a:1', b: 'b:1', stall: 'partition', lost: 2 });
    // A new connection after the heal.
    net.unblock('a', 'b');
    net.send('a:1', 'b:1', 'x', 'later', 1);
    kernel.runUntil(7000);
    expect(got).toEqual(['early', 'later']);
  });

  it('a route sends on the same stream as send(), and stays good through a block and a break', () => {
    const kernel = new Kernel(1);
    const net = new Network(kernel, NetworkSettingsSchema.parse({ latency: { kind: 'constant', ms: 5 } }));
    const got: unknown[] = [];
    net.listen('a:1', () => {}, { stallLimitMs: 1000 });
    net.listen('b:1', (p) => got.push(p.payload));
    const r = net.route('a:1', 'b:1');
    net.sendOn(r, 'x', 1, 1);
    net.send('a:1', 'b:1', 'x', 2, 1);
    net.sendOn(r, 'x', 3, 1);
    kernel.runUntil(100);
    expect(got).toEqual([1, 2, 3]);
    // The block is seen by a route made before it: the message stalls, then is lost with the connection.
    net.block('a', 'b');
    const lost = net.sendOn(r, 'x', 4, 1);
    kernel.runUntil(3000);
    expect(lost.fate).toBe('broken');
    net.unblock('a', 'b');
    net.sendOn(r, 'x', 5, 1);
    kernel.runUntil(4000);
    expect(got).toEqual([1, 2, 3, 5]);
  });

  it('a one-way block stalls exactly one direction', () => {
    const { kernel, net, got } = setup();
    net.block('a', 'b');
    net.send('a:1', 'b:1', 'x', 'a>b', 1);
    net.send('b:1', 'a:1', 'x', 'b>a', 1);
    net.send('a:1', 'c:1', 'x', 'a>c', 1);
    kernel.runUntil(100);
    expect(got.map((p) => p.payload).sort()).toEqual(['a>c', 'b>a']);
    net.unblock('a', 'b');
    kernel.runUntil(1000);
    expect(got.map((p) => p.payload)).toContain('a>b');
  });

  it('one-shot messages keep no order; one that stalls past the limit fails to its sender', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'uniform', min: 1, max: 50 } });
    for (let i = 0; i < 200; i++) net.send('a:1', 'b:1', 'm', i, 10, undefined, 'one-shot');
    kernel.runUntil(1000);
    const order = got.map((p) => p.payload as number);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(order.filter((v, i) => i > 0 && v < order[i - 1]).length).toBeGreaterThan(20);

    const failed: number[] = [];
    net.listen('d:1', () => undefined, { stallLimitMs: 3000 });
    net.setLink('d', 'b', { latency: { kind: 'constant', ms: 5 } });
    net.partition([['d'], ['b']]);
    net.send('d:1', 'b:1', 'post', 'lost', 1, () => failed.push(kernel.now), 'one-shot');
    kernel.runUntil(10_000);
    expect(failed).toEqual([1000 + 5 + 3000]);
    expect(net.stats.breaks).toBe(0);
  });

  it('refused links fail fast to the sender; blackholed links stall', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'constant', ms: 5 } });
    const refusedAt: number[] = [];
    net.setLink('a', 'b', { down: 'refused' });
    net.setLink('a', 'c', { down: 'blackhole' });
    net.send('a:1', 'b:1', 'x', 1, 1, () => refusedAt.push(kernel.now));
    net.send('a:1', 'c:1', 'x', 2, 1, () => refusedAt.push(-1));
    net.send('a:1', 'nobody:1', 'x', 3, 1, () => refusedAt.push(kernel.now));
    kernel.runUntil(60_000);
    expect(got).toEqual([]);
    expect(refusedAt).toEqual([10, 10]);
    expect(net.stats.refused).toBe(2);
    expect(kernel.trace.all().some((e) => e.kind === 'net.stall' && e.stall === 'blackhole')).toBe(true);
    net.setLink('a', 'b', undefined);
    net.setLink('a', 'c', undefined);
    net.send('a:1', 'b:1', 'x', 4, 1);
    // Retransmissions back off (RTO doubling): the stalled one gets through at its next try.
    kernel.runUntil(110_000);
    expect(got.map((p) => p.payload)).toEqual([4, 2]);
  });

  it('per-link latency overrides the global setting', () => {
    const { kernel, net, got, at } = setup({ latency: { kind: 'constant', ms: 5 } });
    net.setLink('a', 'b', { latency: { kind: 'constant', ms: 100 } });
    net.send('a:1', 'b:1', 'x', 1, 1);
    net.send('a:1', 'c:1', 'x', 2, 1);
    kernel.runUntil(1000);
    expect(got.map((p, i) => [p.payload, at[i]])).toEqual([
      [2, 5],
      [1, 100],
    ]);
  });

  it('records sends, stalls and faults in the trace', () => {
    const { kernel, net } = setup({ latency: { kind: 'constant', ms: 5 } });
    net.partition([['a'], ['b']]);
    net.send('a:1', 'b:1', 'MsgApp', 1, 100);
    kernel.runUntil(10);
    const kinds = kernel.trace.all().map((e) => e.kind);
    expect(kinds).toEqual(['net.fault', 'net.send', 'net.stall']);
    expect(kernel.trace.at(1)).toMatchObject({ t: 0, source: 'net', kind: 'net.send', type: 'MsgApp', size: 100, fate: 'in-flight' });
    expect(kernel.trace.at(2)).toMatchObject({ t: 5, kind: 'net.stall', stall: 'partition', retryInMs: 200 });
  });

  it('traces the size of every send, a size past 32 bits and those after it too', () => {
    const { kernel, net } = setup({ latency: { kind: 'constant', ms: 5 } });
    const sizes = [100, 2 ** 31 - 1, 2 ** 32 + 5, 7, 0];
    for (const size of sizes) net.send('a:1', 'b:1', 'MsgApp', size, size);
    const sends = kernel.trace.all().filter((e) => e.kind === 'net.send');
    expect(sends.map((e) => [e.id, e.size, e.due])).toEqual(sizes.map((size, i) => [i + 1, size, 5]));
  });

  it('the same seed gives the same deliveries under loss and partitions', () => {
    const run = () => {
      const { kernel, net, got } = setup({ latency: { kind: 'longtail', min: 1, median: 10, max: 200 }, drop: 0.3 }, 7);
      for (let i = 0; i < 300; i++) kernel.schedule(i * 3, () => net.send(i % 2 === 0 ? 'a:1' : 'c:1', 'b:1', 'm', i, 1, undefined, i % 5 === 0 ? 'one-shot' : 'stream'));
      kernel.schedule(200, () => net.partition([['a'], ['b', 'c']]));
      kernel.schedule(700, () => net.heal());
      kernel.runUntil(30_000);
      return got.map((p) => `${p.payload}@${kernel.now}`).join() + JSON.stringify(net.stats);
    };
    expect(run()).toEqual(run());
  });
});
