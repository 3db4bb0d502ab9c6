// A test world for the v3rpc tests: a TestCluster whose members each serve etcd's gRPC
// services (registerV3RPC) on "<name>:2379", and real clients (src/sim/client) on the
// same kernel and network. Helpers drive virtual time until a client call answers.

import { Client } from '../../../client/client';
import type { ConfigInput } from '../../../client/config';
import { Context } from '../../../grpc/context';
import type { Result } from '../../../grpc/result';
import { GrpcServer } from '../../../grpc/server';
import type { EventOf, TraceKind, TraceLevel } from '../../../trace/trace';
import type { EtcdServer } from '../../server';
import { TestCluster } from '../../testing/cluster';
import type { TestClusterOptions } from '../../testing/cluster';
import { registerV3RPC } from '../grpc';
import type { V3RPCOptions } from '../grpc';

export const EPS = ['m1:2379', 'm2:2379', 'm3:2379'];

export class World {
  readonly grpc = new Map<string, GrpcServer>();
  private clients = 0;

  private constructor(
    readonly c: TestCluster,
    private readonly rpcOptions: V3RPCOptions,
  ) {}

  static async create(seed: number, size = 3, opts: { traceLevel?: TraceLevel; cluster?: TestClusterOptions; rpc?: V3RPCOptions } = {}): Promise<World> {
    const c = await TestCluster.create({ size, seed, traceLevel: opts.traceLevel ?? 'info', ...opts.cluster });
    const w = new World(c, opts.rpc ?? {});
    for (const m of c.members) w.serve(m);
    c.waitForLeader();
    return w;
  }

  /** A GrpcServer on the member's client address with etcd's services. */
  serve(m: EtcdServer): void {
    const g = new GrpcServer(this.c.kernel, this.c.net, `${m.name}:2379`, m.name);
    registerV3RPC(m, g, this.rpcOptions);
    g.start();
    this.grpc.set(m.name, g);
  }

  crash(name: string): void {
    this.c.crash(name);
    this.grpc.get(name)?.stop();
  }

  restart(name: string): void {
    this.c.restart(name);
    this.grpc.get(name)?.start();
  }

  client(config: ConfigInput): Client {
    let got: Result<Client> | undefined;
    Client.create({ kernel: this.c.kernel, net: this.c.net, name: `c${++this.clients}` }, config, (r) => (got = r));
    this.c.runUntil(() => got !== undefined, 10_000);
    if (got === undefined) throw new Error('client creation did not finish');
    if (!got.ok) throw got.error;
    return got.value;
  }

  ctx(timeoutMs = 10_000): Context {
    return Context.background(this.c.kernel).withTimeout(timeoutMs)[0];
  }

  /** Runs a client call to its answer. */
  call<T>(start: (done: (r: Result<T>) => void) => void, ms = 20_000): Result<T> {
    let r: Result<T> | undefined;
    start((x) => (r ??= x));
    this.c.runUntil(() => r !== undefined, ms);
    if (r === undefined) throw new Error(`no answer within ${ms} ms`);
    return r;
  }

  ok<T>(start: (done: (r: Result<T>) => void) => void): T {
    const r = this.call(start);
    if (!r.ok) throw r.error;
    return r.value;
  }

  events<K extends TraceKind>(kind: K, filter: (e: EventOf<K>) => boolean = () => true): EventOf<K>[] {
    return (this.c.kernel.trace.all().filter((e) => e.kind === kind) as unknown as EventOf<K>[]).filter(filter);
  }
}
