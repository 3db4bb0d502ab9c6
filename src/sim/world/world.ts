// A world: one kernel, one network, the members of a cluster, and the log of inputs.
// It is the public API the UI and scenarios use to observe and change a simulation.

import { Kernel } from '../kernel/kernel';
import { Network } from '../net/network';
import type { TraceEvent } from '../trace/trace';
import { parseWorldConfig, type WorldConfig } from './config';
import { InputSchema, type Input, type InputRequest, type RecordedInput } from './inputs';
import { Member } from './member';

declare module '../trace/trace' {
  interface TraceKinds {
    'world.input': { input: Input };
  }
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class World {
  readonly config: WorldConfig;
  readonly kernel: Kernel;
  readonly net: Network;
  readonly members: readonly Member[];
  private readonly recorded: RecordedInput[] = [];

  /** Builds a world from a raw config; throws ConfigError naming each bad field. */
  constructor(config: unknown = {}) {
    this.config = parseWorldConfig(config);
    const c = this.config;
    this.kernel = new Kernel(c.seed, c.traceLevel);
    this.net = new Network(this.kernel, c.network);
    const names = Array.from({ length: c.members }, (_, i) => `m${i + 1}`);
    this.members = names.map(
      (name, i) =>
        new Member(i + 1, name, names.filter((n) => n !== name), this.kernel, this.net, c.tickMs, c.heartbeatTicks),
    );
    for (const m of this.members) m.start();
  }

  /** Replays a recorded run: the same config and inputs give the same trace. */
  static replay(config: unknown, inputs: readonly RecordedInput[], until: number): World {
    const world = new World(config);
    for (const r of inputs) {
      world.runToPosition(r.t, r.at);
      world.input(r.input);
    }
    world.runUntil(until);
    return world;
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

  member(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) {
      throw new InputError(`no member named "${name}": members are ${this.members.map((x) => x.name).join(', ')}`);
    }
    return m;
  }

  /** Applies and records an input now. Throws InputError for an invalid one. */
  input(request: InputRequest): void {
    const parsed = InputSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`invalid input ${JSON.stringify(request)}: ${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    const input = parsed.data;
    this.validateHosts(input);
    this.recorded.push({ t: this.kernel.now, at: this.kernel.fired, input });
    this.kernel.trace.emit('world', 'world.input', { input });
    this.apply(input);
  }

  step(): boolean {
    return this.kernel.step();
  }

  runUntil(time: number): void {
    this.kernel.runUntil(time);
  }

  runFor(ms: number): void {
    this.kernel.runUntil(this.kernel.now + ms);
  }

  runUntilEvent(predicate: (e: TraceEvent) => boolean, deadline: number): TraceEvent | undefined {
    return this.kernel.runUntilEvent(predicate, deadline);
  }

  hash(): string {
    return this.kernel.trace.hash();
  }

  private runToPosition(t: number, fired: number): void {
    while (this.kernel.fired < fired && this.kernel.step()) {
      /* fire events up to the recorded position */
    }
    if (this.kernel.fired !== fired) {
      throw new InputError(`replay diverged: expected ${fired} events fired before the input at t=${t}, got ${this.kernel.fired}`);
    }
    if (t > this.kernel.now) this.kernel.runUntil(t);
  }

  private validateHosts(input: Input): void {
    const known = new Set(this.members.map((m) => m.name));
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
      case 'restart':
        this.member(input.member);
        break;
    }
    for (const h of hosts) if (!known.has(h)) this.member(h);
  }

  private apply(input: Input): void {
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
      case 'crash':
        this.member(input.member).crash();
        break;
      case 'restart':
        this.member(input.member).start();
        break;
    }
  }
}
