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
  for (const h of ['a', 'b', 'c']) net.listen(`${h}:1`, (p) => got.push(p));
  return { kernel, net, got };
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
    const { kernel, net, got } = setup({ latency: { kind: 'uniform', min: 1, max: 50 } });
    for (let i = 0; i < 500; i++) net.send('a:1', 'b:1', 'm', i, 10);
    kernel.runUntil(1000);
    expect(got.map((p) => p.payload)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const p of got) {
      expect(p.dueAt - p.sentAt).toBeGreaterThanOrEqual(1);
      expect(p.fate).toBe('delivered');
    }
  });

  it('reorders only when the reorder fault is on', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'uniform', min: 1, max: 50 }, reorder: 0.5 });
    for (let i = 0; i < 500; i++) net.send('a:1', 'b:1', 'm', i, 10);
    kernel.runUntil(1000);
    const order = got.map((p) => p.payload as number);
    expect(order.length).toBe(500);
    const inversions = order.filter((v, i) => i > 0 && v < order[i - 1]).length;
    expect(inversions).toBeGreaterThan(20);
    expect(Math.abs(net.stats.reordered / 500 - 0.5)).toBeLessThan(0.08);
  });

  it('drops and duplicates at the configured rates', () => {
    const n = 20000;
    const { kernel, net, got } = setup({ drop: 0.1, duplicate: 0.05 });
    for (let i = 0; i < n; i++) net.send('a:1', 'b:1', 'm', i, 10);
    kernel.runUntil(10_000);
    expect(Math.abs(net.stats.dropped / n - 0.1)).toBeLessThan(0.01);
    const delivered = n - net.stats.dropped;
    expect(Math.abs(net.stats.duplicated / delivered - 0.05)).toBeLessThan(0.01);
    expect(got.length).toBe(delivered + net.stats.duplicated);
    expect(got.filter((p) => p.duplicateOf !== undefined).length).toBe(net.stats.duplicated);
  });

  it('partitions block across groups, not within, and heal', () => {
    const { kernel, net, got } = setup();
    net.partition([['a'], ['b', 'c']]);
    net.send('a:1', 'b:1', 'x', 1, 1);
    net.send('b:1', 'a:1', 'x', 2, 1);
    net.send('b:1', 'c:1', 'x', 3, 1);
    kernel.runUntil(100);
    expect(got.map((p) => p.payload)).toEqual([3]);
    expect(net.stats.partitioned).toBe(2);
    net.heal();
    net.send('a:1', 'b:1', 'x', 4, 1);
    kernel.runUntil(200);
    expect(got.map((p) => p.payload)).toEqual([3, 4]);
  });

  it('a one-way block stops exactly one direction', () => {
    const { kernel, net, got } = setup();
    net.block('a', 'b');
    net.send('a:1', 'b:1', 'x', 'a>b', 1);
    net.send('b:1', 'a:1', 'x', 'b>a', 1);
    net.send('a:1', 'c:1', 'x', 'a>c', 1);
    kernel.runUntil(100);
    expect(got.map((p) => p.payload).sort()).toEqual(['a>c', 'b>a']);
    net.unblock('a', 'b');
    net.send('a:1', 'b:1', 'x', 'again', 1);
    kernel.runUntil(200);
    expect(got.map((p) => p.payload)).toContain('again');
  });

  it('drops a message whose path is cut while it is in flight', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'constant', ms: 10 } });
    const p = net.send('a:1', 'b:1', 'x', 1, 1);
    expect([...net.inFlight()].map((x) => x.id)).toEqual([p.id]);
    kernel.runUntil(5);
    net.partition([['a'], ['b']]);
    kernel.runUntil(20);
    expect(got).toEqual([]);
    expect(p.fate).toBe('partitioned');
    expect(net.inFlightCount).toBe(0);
  });

  it('refused links fail fast to the sender; blackholed links stay silent', () => {
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
    expect(net.stats.blackholed).toBe(1);
    net.setLink('a', 'b', undefined);
    net.send('a:1', 'b:1', 'x', 4, 1);
    kernel.runUntil(70_000);
    expect(got.map((p) => p.payload)).toEqual([4]);
  });

  it('per-link latency overrides the global setting', () => {
    const { kernel, net, got } = setup({ latency: { kind: 'constant', ms: 5 } });
    net.setLink('a', 'b', { latency: { kind: 'constant', ms: 100 } });
    net.send('a:1', 'b:1', 'x', 1, 1);
    net.send('a:1', 'c:1', 'x', 2, 1);
    kernel.runUntil(1000);
    expect(got.map((p) => [p.payload, p.dueAt])).toEqual([
      [2, 5],
      [1, 100],
    ]);
  });

  it('records sends, drops and faults in the trace', () => {
    const { kernel, net } = setup({ latency: { kind: 'constant', ms: 5 } });
    net.partition([['a'], ['b']]);
    net.send('a:1', 'b:1', 'MsgApp', 1, 100);
    kernel.runUntil(10);
    const kinds = kernel.trace.all().map((e) => e.kind);
    expect(kinds).toEqual(['net.fault', 'net.send']);
    const send = kernel.trace.at(1);
    expect(send).toMatchObject({ t: 0, source: 'net', kind: 'net.send', type: 'MsgApp', size: 100, fate: 'partitioned' });
  });
});
