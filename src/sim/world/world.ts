// A world: one kernel, one network, the etcd members of a cluster (and, later, its
// clients), the Raft invariant checker, and the log of inputs. It is the public API the
// UI and scenarios use to observe and change a simulation.

import { Kernel } from '../kernel/kernel';
import { Network } from '../net/network';
import type { TraceEvent } from '../trace/trace';
import { RaftInvariantChecker } from '../check/raft/checker';
import type { Violation } from '../check/raft/violation';
import { EtcdServer, type ServerView } from '../server/server';
import { defaultServerConfig, type InitialMember } from '../server/config';
import { freshMemberDisk, openMemberDisk } from '../server/disk-host';
import { MemoryBackend } from '../storage/backend/memory';
import type { Backend } from '../storage/backend/backend';
import type { Disk } from '../storage/disk';
import { GrpcServer } from '../grpc/server';
import { registerV3RPC } from '../server/v3rpc/grpc';
import { Client } from '../client/client';
import { Workload } from '../client/workload';
import { MemoryHistory } from '../client/history';
import { MAX_CLIENTS, MAX_MEMBERS, parseWorldConfig, type ClientSettings, type WorldConfig } from './config';
import { InputSchema, type Input, type InputRequest, type RecordedInput } from './inputs';
import { sendRequest } from './requests';
import { EtcdctlProcesses } from './etcdctl-input';
import { flushMicrotasks } from '../etcdctl/runner';

declare module '../trace/trace' {
  interface TraceKinds {
    'world.input': { input: Input };
    'check.violation': { invariant: string; member: number; message: string };
    'world.client': { client: string; outcome: 'ready' | 'failed'; error?: string };
    'world.restart-deferred': { member: string };
  }
}

/** A client host of the world: the etcd client once New has finished, its workload and history. */
export class WorldClient {
  client: Client | undefined;
  error: Error | undefined;
  workload: Workload | undefined;
  readonly history = new MemoryHistory();

  constructor(
    readonly name: string,
    readonly settings: ClientSettings,
  ) {}
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Where each member keeps its files: memory by default, IndexedDB in a persistent page. */
export type BackendFactory = (member: string) => Promise<Backend>;

/** Passed by open() so the constructor leaves booting to it. */
const DEFER_BOOT: unique symbol = Symbol('defer boot');

export const PEER_PORT = 2380;
export const CLIENT_PORT = 2379;

export class World {
  readonly config: WorldConfig;
  readonly kernel: Kernel;
  readonly net: Network;
  readonly members: EtcdServer[] = [];
  /** Each member's gRPC server on its client port, by member name. */
  readonly grpc = new Map<string, GrpcServer>();
  readonly clients: WorldClient[] = [];
  /** The Raft invariant checker of the main cluster. */
  readonly checker: RaftInvariantChecker | undefined;
  /** Members of the further clusters (config otherClusters): member name -> cluster name. */
  private readonly otherCluster = new Map<string, string>();
  private readonly otherCheckers: RaftInvariantChecker[] = [];
  private readonly recorded: RecordedInput[] = [];
  private readonly etcdctl: EtcdctlProcesses;
  /** An input or event left etcdctl continuations to run: settle() before going on. */
  private unsettled = false;

  /**
   * Builds and starts a cluster from a raw config, with every member on a fresh memory
   * disk. Throws ConfigError naming each bad field.
   */
  constructor(config: unknown = {}, boot?: typeof DEFER_BOOT) {
    this.config = parseWorldConfig(config);
    this.kernel = new Kernel(this.config.seed, this.config.traceLevel);
    this.net = new Network(this.kernel, this.config.network);
    this.checker = this.config.check ? new RaftInvariantChecker() : undefined;
    this.etcdctl = new EtcdctlProcesses(this.kernel, this.net);
    if (boot !== DEFER_BOOT) this.boot(this.initialMembers().map((m) => freshMemberDisk(this.kernel, m.name, new MemoryBackend(), this.config.disk)));
  }

  /**
   * Builds a world whose members keep their files in the given backends (e.g. IndexedDB);
   * members with files restart from them as etcd does, the others bootstrap.
   */
  static async open(config: unknown, backends: BackendFactory): Promise<World> {
    const world = new World(config, DEFER_BOOT);
    const disks: Disk[] = [];
    for (const m of world.initialMembers()) disks.push(await openMemberDisk(world.kernel, m.name, await backends(m.name), world.config.disk));
    world.boot(disks);
    return world;
  }

  /**
   * Replays a recorded run: the same config and inputs give the same trace. A run with
   * etcdctl commands replays with replayAsync.
   */
  static replay(config: unknown, inputs: readonly RecordedInput[], until: number): World {
    if (inputs.some((r) => r.input.type === 'etcdctl')) throw new InputError('this run has etcdctl commands: replay it with World.replayAsync');
    const steps = World.replaySteps(config, inputs, until);
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
    }
  }

  /** Replays a recorded run, etcdctl commands included. */
  static async replayAsync(config: unknown, inputs: readonly RecordedInput[], until: number): Promise<World> {
    const steps = World.replaySteps(config, inputs, until);
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
      await flushMicrotasks();
    }
  }

  /**
   * Replay in slices: yields the fraction done every `slice` events, so a page can show
   * progress while it re-executes; returns the world at `until`. While an etcdctl
   * command runs it yields after every input and event, and the caller must await
   * flushMicrotasks() (etcdctl/runner) after each yield for the command to replay exactly.
   */
  static *replaySteps(config: unknown, inputs: readonly RecordedInput[], until: number, slice = 20_000): Generator<number, World> {
    const world = new World(config);
    const kernel = world.kernel;
    let n = 0;
    const progress = () => (until > 0 ? Math.min(1, kernel.now / until) : 1);
    for (const r of inputs) {
      while (kernel.fired < r.at && kernel.step()) if (++n % slice === 0 || world.busy) yield* world.settled(progress());
      if (kernel.fired !== r.at) {
        throw new InputError(`replay diverged: expected ${r.at} events fired before the input at t=${r.t}, got ${kernel.fired}`);
      }
      if (r.t > kernel.now) kernel.runUntil(r.t);
      world.input(r.input);
      if (world.busy) yield* world.settled(progress());
    }
    for (let next = kernel.nextTime(); next !== undefined && next <= until; next = kernel.nextTime()) {
      kernel.step();
      if (++n % slice === 0 || world.busy) yield* world.settled(progress());
    }
    kernel.runUntil(until);
    return world;
  }

  /** Yields to the replay's caller, who settles the etcdctl continuations. */
  private *settled(progress: number): Generator<number, void> {
    yield progress;
    this.unsettled = false;
  }

  private initialMembers(prefix = 'm', count = this.config.members): InitialMember[] {
    return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i + 1}`, peerURL: `http://${prefix}${i + 1}:${PEER_PORT}` }));
  }

  /** The main cluster on the given disks, then each further cluster on memory disks. */
  private boot(disks: Disk[]): void {
    const initial = this.initialMembers();
    initial.forEach((m, i) => this.createMember(m.name, disks[i], initial, 'new', this.checker));
    for (const other of this.config.otherClusters) {
      const checker = this.config.check ? new RaftInvariantChecker() : undefined;
      if (checker !== undefined) this.otherCheckers.push(checker);
      const members = this.initialMembers(other.name, other.members);
      for (const m of members) {
        this.otherCluster.set(m.name, other.name);
        this.createMember(m.name, freshMemberDisk(this.kernel, m.name, new MemoryBackend(), this.config.disk), members, 'new', checker);
      }
    }
    for (const s of this.members) this.startMember(s);
    this.config.clients.forEach((settings, i) => this.addClient(`c${i + 1}`, settings));
  }

  /** An etcd member process (not started) with its gRPC server on the client port. */
  private createMember(name: string, disk: Disk, initialCluster: InitialMember[], state: 'new' | 'existing', checker: RaftInvariantChecker | undefined): EtcdServer {
    const c = this.config;
    const server = new EtcdServer({
      kernel: this.kernel,
      net: this.net,
      disk,
      config: {
        ...defaultServerConfig(name, initialCluster),
        initialClusterState: state,
        tickMs: c.tickMs,
        electionMs: c.electionTicks * c.tickMs,
        snapshotCount: c.snapshotCount,
        snapshotCatchUpEntries: c.snapshotCatchUpEntries,
        preVote: c.preVote,
        applyDelayPerEntryMs: c.applyDelayPerEntryMs,
      },
      observe: checker === undefined ? undefined : (o) => this.check(checker, o),
      injected: c.injectBugs.length === 0 ? undefined : new Set(c.injectBugs),
    });
    this.members.push(server);
    const g = new GrpcServer(this.kernel, this.net, `${name}:${CLIENT_PORT}`, name);
    registerV3RPC(server, g);
    this.grpc.set(name, g);
    return server;
  }

  /**
   * Starts a new member process that joins the running cluster (--initial-cluster-state
   * existing), as an operator does after `etcdctl member add`; on a memory disk.
   */
  private joinMember(name: string): void {
    const peers = [...this.mainMembers().map((m) => ({ name: m.name, peerURL: `http://${m.name}:${PEER_PORT}` })), { name, peerURL: `http://${name}:${PEER_PORT}` }];
    const disk = freshMemberDisk(this.kernel, name, new MemoryBackend(), this.config.disk);
    this.startMember(this.createMember(name, disk, peers, 'existing', this.checker));
  }

  private startMember(s: EtcdServer, forceNewCluster = false): void {
    s.start({ forceNewCluster });
    const g = this.grpc.get(s.name) as GrpcServer;
    if (!g.isServing) g.start();
  }

  private addClient(name: string, settings: ClientSettings): void {
    const wc = new WorldClient(name, settings);
    this.clients.push(wc);
    const endpoints = settings.endpoints ?? this.mainMembers().map((m) => `http://${m.name}:${CLIENT_PORT}`);
    const config = { endpoints, version: settings.version, username: settings.username ?? '', password: settings.password ?? '' };
    Client.create({ kernel: this.kernel, net: this.net, name }, config, (r) => {
      if (!r.ok) {
        wc.error = r.error;
        this.kernel.trace.emit(name, 'world.client', { client: name, outcome: 'failed', error: r.error.message });
        return;
      }
      wc.client = r.value;
      this.kernel.trace.emit(name, 'world.client', { client: name, outcome: 'ready' });
      if (settings.workload !== undefined) this.startWorkload(wc, settings.workload);
    });
  }

  private startWorkload(wc: WorldClient, workload: unknown): void {
    if (wc.client === undefined) throw new InputError(`client ${wc.name} is not connected yet${wc.error ? `: ${wc.error.message}` : ''}`);
    wc.workload?.stop();
    wc.workload = new Workload(wc.client, workload ?? wc.settings.workload ?? {}, wc.history);
    wc.workload.start();
  }

  private sendRequest(input: Extract<Input, { type: 'request' }>): void {
    const { client: name, label, request, timeoutMs } = input;
    const trace = this.kernel.trace;
    const sent = this.kernel.now;
    const detail = JSON.stringify(request);
    trace.emit(name, 'world.request', { client: name, label, op: request.op, detail, timeoutMs });
    const host = {
      kernel: this.kernel,
      client: this.client(name).client as Client,
      memberId: (m: string) => this.member(m).id,
      watched: (w: { events: string; compactRevision: number; error?: string }) => trace.emit(name, 'world.watch', { client: name, label, ...w }),
    };
    sendRequest(host, request, timeoutMs, (r) => trace.emit(name, 'world.response', { client: name, label, op: request.op, ...r, elapsedMs: this.kernel.now - sent }));
  }

  private check(checker: RaftInvariantChecker, o: Parameters<RaftInvariantChecker['observe']>[0]): void {
    for (const v of checker.observe(o)) {
      this.kernel.trace.emit(`m${v.member}`, 'check.violation', { invariant: v.invariant, member: v.member, message: v.message });
    }
  }

  get now(): number {
    return this.kernel.now;
  }

  get trace(): readonly TraceEvent[] {
    return this.kernel.trace.all();
  }

  get inputs(): readonly RecordedInput[] {
    return this.recorded;
  }

  /**
   * Whether an etcdctl command is running. Its continuations must run between kernel
   * events: advance the world with the async methods (or await settle() after each step).
   */
  get busy(): boolean {
    return this.etcdctl.busy;
  }

  /** Lets running etcdctl commands take their next steps (see etcdctl-input.ts). */
  async settle(): Promise<void> {
    await flushMicrotasks();
    this.unsettled = false;
  }

  /** Raft safety violations found so far (none in a correct run). */
  get violations(): readonly Violation[] {
    return [...(this.checker?.violations ?? []), ...this.otherCheckers.flatMap((c) => c.violations)];
  }

  client(name: string): WorldClient {
    const c = this.clients.find((x) => x.name === name);
    if (c === undefined) {
      const known = this.clients.map((x) => x.name).join(', ') || 'none';
      throw new InputError(`no client named "${name}": clients are ${known}`);
    }
    return c;
  }

  member(name: string): EtcdServer {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) {
      throw new InputError(`no member named "${name}": members are ${this.members.map((x) => x.name).join(', ')}`);
    }
    return m;
  }

  /** The member every running member agrees leads, if any. */
  /** The leader of the main cluster, if any. */
  leader(): EtcdServer | undefined {
    return this.mainMembers().find((m) => m.isLeader);
  }

  /** The cluster a member belongs to: "" for the main one, else its otherClusters name. */
  clusterOf(member: string): string {
    return this.otherCluster.get(member) ?? '';
  }

  /** The members of the main cluster (those a default client and etcdctl talk to). */
  mainMembers(): EtcdServer[] {
    return this.members.filter((m) => !this.otherCluster.has(m.name));
  }

  /** What the page shows of each member. */
  view(): ServerView[] {
    return this.members.map((m) => m.view());
  }

  /** Applies and records an input now. Throws InputError for an invalid one. */
  input(request: InputRequest): void {
    const parsed = InputSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`invalid input ${JSON.stringify(request)}: ${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    const input = parsed.data;
    if (this.unsettled) throw new InputError(`etcdctl command "${this.etcdctl.oldest ?? ''}" is running: await world.settle() before the next input`);
    this.validateHosts(input);
    this.recorded.push({ t: this.kernel.now, at: this.kernel.fired, input });
    const seq = this.kernel.trace.emit('world', 'world.input', { input });
    this.apply(input, seq);
    this.unsettled = this.busy;
  }

  step(): boolean {
    this.requireIdle();
    return this.kernel.step();
  }

  runUntil(time: number): void {
    this.requireIdle();
    this.kernel.runUntil(time);
  }

  runFor(ms: number): void {
    this.requireIdle();
    this.kernel.runUntil(this.kernel.now + ms);
  }

  runUntilEvent(predicate: (e: TraceEvent) => boolean, deadline: number): TraceEvent | undefined {
    this.requireIdle();
    return this.kernel.runUntilEvent(predicate, deadline);
  }

  /** runUntil that also runs etcdctl commands: they settle after every kernel event. */
  async runUntilAsync(time: number): Promise<void> {
    await this.runUntilTrueAsync(() => false, time - this.kernel.now);
  }

  /** runUntilTrue that also runs etcdctl commands: they settle after every kernel event. */
  async runUntilTrueAsync(pred: () => boolean, ms: number): Promise<boolean> {
    const deadline = this.kernel.now + ms;
    if (this.busy) await this.settle();
    while (!pred()) {
      const next = this.kernel.nextTime();
      if (next === undefined || next > deadline) {
        if (deadline > this.kernel.now) this.kernel.runUntil(deadline);
        return pred();
      }
      this.kernel.step();
      if (this.busy) await this.settle();
    }
    return true;
  }

  /** Runs until `pred` holds or `ms` of virtual time pass; returns whether it held. */
  runUntilTrue(pred: () => boolean, ms: number): boolean {
    this.requireIdle();
    return this.kernel.runUntilTrue(pred, this.kernel.now + ms);
  }

  hash(): string {
    return this.kernel.trace.hash();
  }

  /** The synchronous ways to advance would run etcdctl's continuations late (not replayable). */
  private requireIdle(): void {
    if (this.busy || this.unsettled) {
      throw new InputError(`etcdctl command "${this.etcdctl.oldest ?? ''}" is running: advance the world with runUntilAsync / runUntilTrueAsync`);
    }
  }

  private validateHosts(input: Input): void {
    const hosts: string[] = [];
    switch (input.type) {
      case 'partition':
        hosts.push(...input.groups.flat());
        break;
      case 'block':
      case 'unblock':
        hosts.push(input.from, input.to);
        break;
      case 'link':
        hosts.push(input.a, input.b);
        break;
      case 'crash':
      case 'stop':
      case 'disk':
        this.member(input.member);
        break;
      case 'restart': {
        const m = this.member(input.member);
        if (input.forceNewCluster === true && (m.status === 'running' || m.status === 'joining') && !m.isStopping) {
          throw new InputError(`member ${m.name} is ${m.status}: crash or stop it before restarting it with forceNewCluster`);
        }
        break;
      }
      case 'transfer-leader':
        this.member(input.to);
        break;
      case 'client-endpoints':
      case 'workload-stop':
        this.client(input.client);
        break;
      case 'request':
        if (input.request.op === 'member-promote' || input.request.op === 'member-remove') this.member(input.request.member);
        if (this.client(input.client).client === undefined) throw new InputError(`client ${input.client} is not connected yet`);
        break;
      case 'workload-start':
        if (this.client(input.client).client === undefined) throw new InputError(`client ${input.client} is not connected yet`);
        break;
      case 'client-add':
        if (this.clients.length >= MAX_CLIENTS) throw new InputError(`at most ${MAX_CLIENTS} clients`);
        break;
      case 'member-join':
        if (this.members.some((m) => m.name === input.member)) throw new InputError(`member ${input.member} already exists`);
        if (this.members.length >= MAX_MEMBERS) throw new InputError(`at most ${MAX_MEMBERS} members`);
        break;
    }
    // Network faults name hosts: members or clients.
    for (const h of hosts) if (!this.clients.some((c) => c.name === h)) this.member(h);
  }

  private apply(input: Input, seq: number): void {
    switch (input.type) {
      case 'partition':
        this.net.partition(input.groups);
        break;
      case 'heal':
        this.net.heal();
        break;
      case 'block':
        this.net.block(input.from, input.to);
        break;
      case 'unblock':
        this.net.unblock(input.from, input.to);
        break;
      case 'link':
        this.net.setLink(input.a, input.b, input.settings);
        if (input.both) this.net.setLink(input.b, input.a, input.settings);
        break;
      case 'network':
        this.net.setGlobal(input.settings);
        break;
      case 'crash': {
        // The process dies: its gRPC server goes with it (connections reset).
        this.member(input.member).crash();
        this.grpc.get(input.member)?.stop();
        break;
      }
      case 'stop':
        this.grpc.get(input.member)?.gracefulStop(2000);
        this.member(input.member).stop();
        break;
      case 'restart': {
        const m = this.member(input.member);
        const force = input.forceNewCluster === true;
        // The old process still runs until its graceful stop ends (leadership transfer, up
        // to the request timeout); a new one can start only once it has exited.
        if (m.isStopping) {
          this.kernel.trace.emit(m.name, 'world.restart-deferred', { member: m.name }, { cause: seq, reason: `${m.name} is still stopping (handing off leadership): it restarts once the process has exited` });
          m.afterStop(() => this.startMember(m, force));
        } else this.startMember(m, force);
        break;
      }
      case 'disk':
        this.member(input.member).disk.reconfigure({ ...this.member(input.member).disk.config, fsyncLatency: { kind: 'constant', ms: input.fsyncMs } });
        break;
      case 'transfer-leader': {
        const leader = this.leader();
        const target = this.member(input.to);
        leader?.moveLeader(target.id, {}, () => {});
        break;
      }
      case 'client-endpoints':
        this.client(input.client).client?.setEndpoints(...input.endpoints);
        break;
      case 'workload-start':
        this.startWorkload(this.client(input.client), input.workload);
        break;
      case 'workload-stop':
        this.client(input.client).workload?.stop();
        break;
      case 'request':
        this.sendRequest(input);
        break;
      case 'client-add':
        this.addClient(`c${this.clients.length + 1}`, input.settings);
        break;
      case 'member-join':
        this.joinMember(input.member);
        break;
      case 'etcdctl':
        this.etcdctl.run(input.client, input.line, this.mainMembers().map((m) => `${m.name}:${CLIENT_PORT}`), seq);
        break;
      case 'etcdctl-interrupt':
        this.etcdctl.interrupt(input.client);
        break;
    }
  }
}
