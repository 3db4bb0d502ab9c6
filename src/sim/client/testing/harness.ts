// Shared set-up for the client's tests: a kernel, a network with constant latency, fake
// clusters and clients created through Client.create.

import { Kernel } from '../../kernel/kernel';
import { Network } from '../../net/network';
import { NetworkSettingsSchema } from '../../net/faults';
import { Context } from '../../grpc/context';
import type { Result } from '../../grpc/result';
import { Client, type ClientEnv } from '../client';
import type { ConfigInput } from '../config';
import { FakeCluster, type FakeClusterOptions } from './fake-cluster';
import type { TraceEvent, TraceKind, EventOf } from '../../trace/trace';

export class Harness {
  readonly kernel: Kernel;
  readonly net: Network;

  constructor(seed = 1) {
    this.kernel = new Kernel(seed);
    this.net = new Network(this.kernel, NetworkSettingsSchema.parse({ latency: { kind: 'constant', ms: 1 } }));
  }

  cluster(opts: FakeClusterOptions): FakeCluster {
    return new FakeCluster(this.kernel, this.net, opts);
  }

  env(name = 'c1'): ClientEnv {
    return { kernel: this.kernel, net: this.net, name };
  }

  /** Creates a client and runs the kernel until New returns (or `withinMs` passes). */
  client(config: ConfigInput, name = 'c1', withinMs = 10_000): Client {
    let got: Result<Client> | undefined;
    Client.create(this.env(name), config, (r) => (got = r));
    const deadline = this.kernel.now + withinMs;
    while (got === undefined && this.kernel.now < deadline && this.kernel.step());
    if (got === undefined) throw new Error('client creation did not finish');
    if (!got.ok) throw got.error;
    return got.value;
  }

  ctx(timeoutMs?: number): Context {
    const bg = Context.background(this.kernel);
    return timeoutMs === undefined ? bg : bg.withTimeout(timeoutMs)[0];
  }

  run(ms: number): void {
    this.kernel.runUntil(this.kernel.now + ms);
  }

  events<K extends TraceKind>(kind: K, filter: (e: EventOf<K>) => boolean = () => true): EventOf<K>[] {
    return (this.kernel.trace.all().filter((e: TraceEvent) => e.kind === kind) as unknown as EventOf<K>[]).filter(filter);
  }
}

/** Collects continuation results. */
export function collect<T>(): { results: Result<T>[]; done: (r: Result<T>) => void } {
  const results: Result<T>[] = [];
  return { results, done: (r) => results.push(r) };
}
