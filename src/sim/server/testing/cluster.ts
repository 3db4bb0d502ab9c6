// A test cluster: N EtcdServers on one Kernel and Network, each with its own disk (memory
// backend, or IndexedDB through fake-indexeddb), and the Raft invariant checker fed by
// every member. Helpers drive virtual time until something holds: a leader, a request's
// answer, convergence.

import { RaftInvariantChecker } from '../../check/raft/checker';
import type { Violation } from '../../check/raft/violation';
import { Kernel } from '../../kernel/kernel';
import { Network } from '../../net/network';
import type { NetworkSettings } from '../../net/faults';
import type { Backend } from '../../storage/backend/backend';
import { MemoryBackend } from '../../storage/backend/memory';
import type { DiskConfig } from '../../storage/disk';
import type { TraceLevel } from '../../trace/trace';
import type { InitialMember, ServerConfig } from '../config';
import { defaultServerConfig } from '../config';
import { openMemberDisk } from '../disk-host';
import { EtcdServer } from '../server';
import type { Callback } from '../v3-server';

export interface TestClusterOptions {
  size?: number;
  seed?: number;
  /** Applied to every member's config. */
  config?: Partial<ServerConfig>;
  disk?: DiskConfig;
  network?: NetworkSettings;
  traceLevel?: TraceLevel;
  /** Makes each member's storage backend; memory by default. */
  backend?: (name: string) => Backend | Promise<Backend>;
  /** Feed the Raft invariant checker (default true). */
  check?: boolean;
}

export interface CallResult<T> {
  err?: Error;
  resp?: T;
}

const fastDisk: DiskConfig = { fsyncLatency: { kind: 'uniform', minMs: 0.5, maxMs: 2 }, tornWriteProbability: 0.5 };

export class TestCluster {
  readonly kernel: Kernel;
  readonly net: Network;
  readonly members: EtcdServer[] = [];
  readonly checker: RaftInvariantChecker | undefined;
  readonly backends = new Map<string, Backend>();
  private readonly opts: TestClusterOptions;

  private constructor(opts: TestClusterOptions) {
    this.opts = opts;
    this.kernel = new Kernel(opts.seed ?? 1, opts.traceLevel ?? 'off');
    this.net = new Network(this.kernel, opts.network ?? { latency: { kind: 'uniform', min: 1, max: 3 }, drop: 0, duplicate: 0, reorder: 0 });
    this.checker = (opts.check ?? true) ? new RaftInvariantChecker() : undefined;
  }

  /** Builds and starts a cluster of `size` members named m1..mN. */
  static async create(opts: TestClusterOptions = {}): Promise<TestCluster> {
    const c = new TestCluster(opts);
    const size = opts.size ?? 3;
    const initial: InitialMember[] = Array.from({ length: size }, (_, i) => ({ name: `m${i + 1}`, peerURL: `http://m${i + 1}:2380` }));
    for (const m of initial) await c.addServer(m.name, initial, {});
    for (const s of c.members) s.start();
    return c;
  }

  /** Creates a member (not started) with its own disk. */
  async addServer(name: string, initialCluster: InitialMember[], config: Partial<ServerConfig>): Promise<EtcdServer> {
    const backend = (await this.opts.backend?.(name)) ?? new MemoryBackend();
    this.backends.set(name, backend);
    const disk = await openMemberDisk(this.kernel, name, backend, this.opts.disk ?? fastDisk);
    const checker = this.checker;
    const server = new EtcdServer({
      kernel: this.kernel,
      net: this.net,
      disk,
      config: { ...defaultServerConfig(name, initialCluster), ...this.opts.config, ...config },
      observe: checker === undefined ? undefined : (o) => checker.observe(o),
    });
    this.members.push(server);
    return server;
  }

  get violations(): readonly Violation[] {
    return this.checker?.violations ?? [];
  }

  member(name: string): EtcdServer {
    const m = this.members.find((s) => s.name === name);
    if (m === undefined) throw new Error(`no member ${name}`);
    return m;
  }

  running(): EtcdServer[] {
    return this.members.filter((s) => s.isRunning);
  }

  /** The leader every running member that knows a leader agrees on, if any. */
  leader(): EtcdServer | undefined {
    return this.running().find((s) => s.isLeader);
  }

  /** Fires events until `pred` holds or `ms` of virtual time pass; returns whether it held. */
  runUntil(pred: () => boolean, ms = 10_000): boolean {
    return this.kernel.runUntilTrue(pred, this.kernel.now + ms);
  }

  run(ms: number): void {
    this.kernel.runUntil(this.kernel.now + ms);
  }

  waitForLeader(ms = 10_000): EtcdServer {
    const ok = this.runUntil(() => {
      const l = this.leader();
      return l !== undefined && this.running().every((s) => s.lead === l.id);
    }, ms);
    const l = this.leader();
    if (!ok || l === undefined) throw new Error(`no leader within ${ms} ms`);
    return l;
  }

  /** Runs a callback-style request and drives time until it answers (or `ms` pass). */
  call<T>(start: (done: Callback<T>) => void, ms = 30_000): CallResult<T> {
    let result: CallResult<T> | undefined;
    start((err, resp) => {
      result ??= { err, resp };
    });
    this.runUntil(() => result !== undefined, ms);
    if (result === undefined) throw new Error(`request did not answer within ${ms} ms`);
    return result;
  }

  put(member: EtcdServer, key: string, value: string): CallResult<unknown> {
    return this.call((done) => member.put({ key, value }, {}, done));
  }

  get(member: EtcdServer, key: string, serializable = false): string | undefined {
    const r = this.call<{ kvs: { value: string }[] }>((done) => member.range({ key, serializable }, {}, done));
    if (r.err !== undefined) throw r.err;
    return r.resp?.kvs[0]?.value;
  }

  crash(name: string): void {
    this.member(name).crash();
  }

  restart(name: string): void {
    this.member(name).start();
  }

  partition(...groups: string[][]): void {
    this.net.partition(groups);
  }

  heal(): void {
    this.net.heal();
  }

  /** Waits until every running member has applied the same index as the leader's commit. */
  waitConverged(ms = 20_000): boolean {
    return this.runUntil(() => {
      const rs = this.running();
      if (rs.length === 0) return true;
      const applied = rs[0].appliedIndex;
      return rs.every((s) => s.appliedIndex === applied && s.committedIndex === applied && s.kv.currentRevision === rs[0].kv.currentRevision);
    }, ms);
  }

  /** Every live key and value of a member, for comparing state machines. */
  static dump(s: EtcdServer): string {
    const kvs = s.kv.snapshot();
    return JSON.stringify([kvs.currentRevision, kvs.compactRevision, kvs.records]);
  }
}
