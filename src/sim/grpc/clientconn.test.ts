import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel';
import { Network } from '../net/network';
import { NetworkSettingsSchema } from '../net/faults';
import { Context } from './context';
import { ClientConn, type CallOptions } from './clientconn';
import { GrpcServer } from './server';
import type { Resolver, ResolverTarget } from './resolver';
import { connectionBackoff } from './backoff';
import { RandomStream } from '../kernel/random';
import type { Result } from './result';
import { StatusError } from './status';
import { Code } from './codes';

class StaticResolver implements Resolver {
  constructor(private readonly endpoints: string[]) {}
  build(t: ResolverTarget): void {
    t.updateState({ endpoints: this.endpoints });
  }
  close(): void {}
}

const CALL: CallOptions = { waitForReady: true, maxSendBytes: 2 * 1024 * 1024, maxRecvBytes: 2 ** 31 - 1, call: 0 };

function setup(members: string[], up: string[], generation: 'G71' | 'G59' = 'G71', seed = 7) {
  const kernel = new Kernel(seed);
  const net = new Network(kernel, NetworkSettingsSchema.parse({ latency: { kind: 'constant', ms: 2 } }));
  const servers = new Map<string, GrpcServer>();
  for (const m of members) {
    const s = new GrpcServer(kernel, net, `${m}:2379`, m);
    s.unary<{ x: number }, { from: string; x: number }>('/test.Echo/Echo', (call) => call.respond({ from: m, x: call.request.x }));
    servers.set(m, s);
    if (up.includes(m)) s.start();
  }
  let port = 40000;
  const cc = new ClientConn(kernel, net, 'etcd-endpoints://0x1/m1:2379', new StaticResolver(members.map((m) => `${m}:2379`)), {
    owner: 'c1',
    generation,
    keepalive: undefined,
    localAddress: () => `c1:${port++}`,
  });
  return { kernel, net, servers, cc };
}

function call(cc: ClientConn, ctx: Context, x: number): Result<unknown>[] {
  const out: Result<unknown>[] = [];
  cc.invoke(ctx, '/test.Echo/Echo', { x }, CALL, (r) => out.push(r));
  return out;
}

describe('subchannel connection backoff', () => {
  it('follows Backoff(n) exactly for a refused endpoint', () => {
    const { kernel } = setup(['m1'], []);
    kernel.runUntil(200_000);
    const tf = kernel.trace.all().filter((e) => e.kind === 'grpc.subchannel.state' && e.to === 'TRANSIENT_FAILURE');
    const waits = tf.map((e) => (e.kind === 'grpc.subchannel.state' ? e.backoffMs : 0));
    // The same draws from the subchannel's stream reproduce the sequence.
    const rng = RandomStream.derive(7, 'c1/subchannel/m1:2379');
    const expected = waits.map((_, i) => connectionBackoff(i, rng));
    expect(waits).toEqual(expected);
    expect(waits[0]).toBe(1000);
    expect(waits.slice(0, 8).map((w) => Math.round(w as number))).toMatchInlineSnapshot(`
      [
        1000,
        1481,
        2993,
        4557,
        6408,
        8804,
        13755,
        31069,
      ]
    `);
    for (let i = 1; i < waits.length; i++) {
      const nominal = Math.min(1000 * 1.6 ** i, 120_000);
      expect(waits[i]).toBeGreaterThanOrEqual(nominal * 0.8 - 1e-6);
      expect(waits[i]).toBeLessThan(nominal * 1.2);
    }
    // Each failure is one round trip after the attempt starts (refused, not timed out).
    const states = kernel.trace.all().filter((e) => e.kind === 'grpc.subchannel.state').map((e) => (e.kind === 'grpc.subchannel.state' ? e.to : ''));
    expect(states.slice(0, 7)).toEqual(['CONNECTING', 'TRANSIENT_FAILURE', 'IDLE', 'CONNECTING', 'TRANSIENT_FAILURE', 'IDLE', 'CONNECTING']);
  });

  it('a blackholed endpoint stays CONNECTING for the 20 s minimum connect timeout', () => {
    const { kernel, net } = setup(['m1'], ['m1']);
    net.setLink('c1', 'm1', { down: 'blackhole' });
    kernel.runUntil(60_000);
    const ev = kernel.trace.all().filter((e) => e.kind === 'grpc.subchannel.state');
    const t = ev.map((e) => [e.t, e.kind === 'grpc.subchannel.state' ? e.to : '']);
    expect(t.slice(0, 4)).toEqual([
      [0, 'CONNECTING'],
      [20_000, 'TRANSIENT_FAILURE'],
      [21_000, 'IDLE'],
      [21_000, 'CONNECTING'],
    ]);
  });
});

describe('round robin and wait-for-ready', () => {
  it('alternates over the two READY endpoints when one of three is down', () => {
    const { kernel, cc } = setup(['m1', 'm2', 'm3'], ['m1', 'm3']);
    kernel.runUntil(100);
    const ctx = Context.background(kernel);
    const froms: string[] = [];
    for (let i = 0; i < 6; i++) {
      cc.invoke(ctx, '/test.Echo/Echo', { x: i }, CALL, (r) => {
        if (r.ok) froms.push((r.value as { from: string }).from);
      });
    }
    kernel.runUntil(200);
    expect(froms).toHaveLength(6);
    expect(new Set(froms)).toEqual(new Set(['m1', 'm3']));
    for (let i = 1; i < froms.length; i++) expect(froms[i]).not.toBe(froms[i - 1]);
  });

  it('a call blocks until its deadline while every endpoint is down', () => {
    const { kernel, cc } = setup(['m1', 'm2', 'm3'], []);
    const [ctx] = Context.background(kernel).withTimeout(5000);
    const out = call(cc, ctx, 1);
    kernel.runUntil(4999);
    expect(out).toEqual([]);
    kernel.runUntil(5000);
    expect(out).toHaveLength(1);
    const r = out[0];
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect((r.error as StatusError).code).toBe(Code.DeadlineExceeded);
      expect((r.error as StatusError).details).toMatch(/^latest balancer error: connection error: desc = "transport: Error while dialing: dial tcp m\d:2379: connect: connection refused"$/);
    }
  });

  it('a call waiting for a connection proceeds when an endpoint comes up', () => {
    const { kernel, cc, servers } = setup(['m1'], []);
    const out = call(cc, Context.background(kernel), 1);
    kernel.runUntil(500);
    (servers.get('m1') as GrpcServer).start();
    kernel.runUntil(3000);
    expect(out).toEqual([{ ok: true, value: { from: 'm1', x: 1 } }]);
  });

  it('a stopped server fails in-flight calls with EOF and the subchannel goes IDLE', () => {
    const { kernel, cc, servers } = setup(['m1'], ['m1']);
    const s = servers.get('m1') as GrpcServer;
    s.unary('/test.Echo/Slow', () => {});
    kernel.runUntil(100);
    const out: Result<unknown>[] = [];
    cc.invoke(Context.background(kernel), '/test.Echo/Slow', {}, CALL, (r) => out.push(r));
    kernel.runUntil(200);
    s.stop();
    kernel.runUntil(300);
    expect(out).toHaveLength(1);
    expect(out[0].ok).toBe(false);
    if (!out[0].ok) expect(out[0].error.message).toBe('rpc error: code = Unavailable desc = error reading from server: EOF');
    const st = kernel.trace.all().filter((e) => e.kind === 'grpc.subchannel.state').map((e) => (e.kind === 'grpc.subchannel.state' ? e.to : ''));
    expect(st.slice(0, 5)).toEqual(['CONNECTING', 'READY', 'IDLE', 'CONNECTING', 'TRANSIENT_FAILURE']);
  });
});

describe('grpc generations and keepalive', () => {
  it('G59: a blocked call ends with plain "context deadline exceeded" while endpoints are still CONNECTING', () => {
    const { kernel, net, cc } = setup(['m1'], ['m1'], 'G59');
    net.setLink('c1', 'm1', { down: 'blackhole' });
    const [ctx] = Context.background(kernel).withTimeout(1000);
    const out = call(cc, ctx, 1);
    kernel.runUntil(1000);
    expect(out).toHaveLength(1);
    const r = out[0];
    expect(!r.ok && r.error.message).toBe('rpc error: code = DeadlineExceeded desc = context deadline exceeded');
  });

  it('G71: the same call says it was waiting for connections', () => {
    const { kernel, net, cc } = setup(['m1'], ['m1'], 'G71');
    net.setLink('c1', 'm1', { down: 'blackhole' });
    const [ctx] = Context.background(kernel).withTimeout(1000);
    const out = call(cc, ctx, 1);
    kernel.runUntil(1000);
    const r = out[0];
    expect(!r.ok && r.error.message).toBe('rpc error: code = DeadlineExceeded desc = context deadline exceeded while waiting for connections to become ready');
  });

  it('G59 publishes a picker only when the READY set changes; G71 on every child update', () => {
    const count = (g: 'G59' | 'G71') => {
      const { kernel } = setup(['m1', 'm2', 'm3'], ['m1', 'm2'], g);
      kernel.runUntil(30_000);
      return kernel.trace.all().filter((e) => e.kind === 'grpc.balancer.picker').length;
    };
    expect(count('G59')).toBeLessThan(count('G71'));
  });

  it('keepalive closes a blackholed connection after time + timeout; without it the call waits for its deadline', () => {
    for (const keepalive of [true, false]) {
      const kernel = new Kernel(9);
      const net = new Network(kernel, NetworkSettingsSchema.parse({ latency: { kind: 'constant', ms: 2 } }));
      const s = new GrpcServer(kernel, net, 'm1:2379', 'm1');
      s.unary('/test.Echo/Slow', () => {});
      s.start();
      let port = 40000;
      const cc = new ClientConn(kernel, net, 't', new StaticResolver(['m1:2379']), {
        owner: 'c1',
        generation: 'G71',
        keepalive: keepalive ? { timeMs: 10_000, timeoutMs: 20_000, permitWithoutStream: false } : undefined,
        localAddress: () => `c1:${port++}`,
      });
      kernel.runUntil(100);
      const [ctx] = Context.background(kernel).withTimeout(60_000);
      const out: Result<unknown>[] = [];
      cc.invoke(ctx, '/test.Echo/Slow', {}, CALL, (r) => out.push(r));
      kernel.runUntil(200);
      net.setLink('m1', 'c1', { down: 'blackhole' });
      net.setLink('c1', 'm1', { down: 'blackhole' });
      kernel.runUntil(60_100);
      expect(out).toHaveLength(1);
      const r = out[0];
      if (keepalive) {
        expect(!r.ok && r.error.message).toBe('rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout');
        const done = kernel.trace.all().find((e) => e.kind === 'grpc.keepalive.timeout');
        expect(done?.t).toBeGreaterThanOrEqual(30_000);
        expect(done?.t).toBeLessThanOrEqual(30_200);
      } else {
        expect(!r.ok && (r.error as StatusError).code).toBe(Code.DeadlineExceeded);
      }
    }
  });

  it('the server ends a call at the deadline the caller sent', () => {
    const { kernel, servers, cc } = setup(['m1'], ['m1']);
    let cancelled = '';
    (servers.get('m1') as GrpcServer).unary('/test.Echo/Slow', (c) => c.onCancel((e) => (cancelled = e.details)));
    kernel.runUntil(100);
    const [ctx] = Context.background(kernel).withTimeout(500);
    const out: Result<unknown>[] = [];
    cc.invoke(ctx, '/test.Echo/Slow', {}, CALL, (r) => out.push(r));
    kernel.runUntil(700);
    expect(cancelled).toBe('context deadline exceeded');
    expect(out[0].ok).toBe(false);
  });

  it('a call to an unknown method fails with Unimplemented', () => {
    const { kernel, cc } = setup(['m1'], ['m1']);
    kernel.runUntil(100);
    const out: Result<unknown>[] = [];
    cc.invoke(Context.background(kernel), '/test.Echo/Nope', {}, CALL, (r) => out.push(r));
    kernel.runUntil(200);
    expect(!out[0].ok && (out[0].error as StatusError).code).toBe(Code.Unimplemented);
  });
});

describe('channel idleness', () => {
  it('enters IDLE after 30 min without calls and reconnects on the next call', () => {
    const { kernel, cc } = setup(['m1', 'm2'], ['m1', 'm2']);
    kernel.runUntil(100);
    expect(call(cc, Context.background(kernel), 1)).toEqual([]);
    kernel.runUntil(200);
    kernel.runUntil(30 * 60 * 1000 + 300);
    const idle = kernel.trace.all().filter((e) => e.kind === 'grpc.channel.idle');
    expect(idle.map((e) => (e.kind === 'grpc.channel.idle' ? e.action : ''))).toEqual(['enter']);
    expect(cc.subchannels).toEqual([]);
    const out = call(cc, Context.background(kernel), 2);
    kernel.runUntil(30 * 60 * 1000 + 400);
    expect(out).toHaveLength(1);
    expect(out[0].ok).toBe(true);
    expect(cc.subchannels.map((s) => s.state)).toEqual(['READY', 'READY']);
  });
});

describe('graceful stop', () => {
  it('GOAWAY: the subchannel goes IDLE at once, an open call still completes, new calls go elsewhere', () => {
    const { kernel, servers, cc } = setup(['m1', 'm2'], ['m1', 'm2']);
    const m1 = servers.get('m1') as GrpcServer;
    for (const [name, s] of servers) {
      s.unary<object, { from: string }>('/test.Echo/Slow', (c) => kernel.schedule(1000, () => c.respond({ from: name })));
    }
    kernel.runUntil(100);
    const slow: Result<unknown>[] = [];
    // Two calls: round robin puts one on each member.
    cc.invoke(Context.background(kernel), '/test.Echo/Slow', {}, CALL, (r) => slow.push(r));
    cc.invoke(Context.background(kernel), '/test.Echo/Slow', {}, CALL, (r) => slow.push(r));
    kernel.runUntil(200);
    m1.gracefulStop(5000);
    kernel.runUntil(210);
    const sc = cc.subchannels.find((s) => s.addr === 'm1:2379');
    expect(sc?.state).not.toBe('READY');
    const after = call(cc, Context.background(kernel), 5);
    kernel.runUntil(2000);
    expect(slow.map((r) => r.ok)).toEqual([true, true]);
    expect(after).toEqual([{ ok: true, value: { from: 'm2', x: 5 } }]);
    expect(kernel.trace.all().some((e) => e.kind === 'grpc.transport.goaway')).toBe(true);
  });
});
