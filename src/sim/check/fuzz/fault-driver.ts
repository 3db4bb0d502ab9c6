// Turns a schedule's faults into world inputs when they start and end. Targets such as
// "the leader" are resolved when the fault starts and remembered, so the end reverts
// exactly what the start did. Everything goes through world.input, so the run's recorded
// inputs replay it with World.replay.

import type { World } from '../../world/world';
import type { InputRequest } from '../../world/inputs';
import type { NetworkSettings } from '../../net/faults';
import type { Fault, FaultKind, Target } from './schedule';

/** Normal fsync latency restored when a slow disk recovers (ms). */
const NORMAL_FSYNC_MS = 1;

export class FaultDriver {
  /** How often each kind fired (started), for the summary. */
  readonly fired = new Map<FaultKind, number>();
  private readonly reverts = new Map<number, InputRequest[]>();

  constructor(
    private readonly world: World,
    private readonly baseline: NetworkSettings,
    /** Whether network faults may touch client links (else only member-to-member links). */
    private readonly clientFaults: boolean,
  ) {}

  start(f: Fault): void {
    const inputs = this.inputsFor(f);
    if (inputs === undefined) return;
    for (const i of inputs.apply) this.world.input(i);
    this.reverts.set(f.id, inputs.revert);
    this.fired.set(f.kind, (this.fired.get(f.kind) ?? 0) + 1);
  }

  end(f: Fault): void {
    const revert = this.reverts.get(f.id);
    if (revert === undefined) return;
    this.reverts.delete(f.id);
    for (const i of revert) this.world.input(i);
  }

  /** Ends every fault still on, in start order. */
  endAll(faults: readonly Fault[]): void {
    for (const f of faults) this.end(f);
  }

  private memberName(t: Target): string {
    if (t === 'leader') return (this.world.leader() ?? this.world.members[0]).name;
    return this.world.members[t].name;
  }

  private clientNames(indexes: readonly number[]): string[] {
    return indexes.filter((i) => i < this.world.clients.length).map((i) => this.world.clients[i].name);
  }

  /** A two-sided partition; every client is placed on one side so none is cut off from both. */
  private split(side: readonly string[], clientsOnSide: readonly number[]): InputRequest[] {
    const members = this.world.members.map((m) => m.name);
    if (!this.clientFaults) {
      // Peer links only: block both directions between the sides.
      const other = members.filter((m) => !side.includes(m));
      return side.flatMap((a) => other.flatMap((b): InputRequest[] => [{ type: 'block', from: a, to: b }, { type: 'block', from: b, to: a }]));
    }
    const withSide = this.clientNames(clientsOnSide);
    const rest = this.world.clients.map((c) => c.name).filter((c) => !withSide.includes(c));
    return [{ type: 'partition', groups: [[...side, ...withSide], [...members.filter((m) => !side.includes(m)), ...rest]] }];
  }

  private inputsFor(f: Fault): { apply: InputRequest[]; revert: InputRequest[] } | undefined {
    switch (f.kind) {
      case 'network':
        if (!this.clientFaults) return this.peerLinks(f.settings);
        return { apply: [{ type: 'network', settings: f.settings }], revert: [{ type: 'network', settings: this.baseline }] };
      case 'partition-leader':
        return { apply: this.split([this.memberName('leader')], f.clientsWithLeader), revert: [{ type: 'heal' }] };
      case 'partition-minority':
        return { apply: this.split(f.minority.map((i) => this.memberName(i)), f.clientsWithMinority), revert: [{ type: 'heal' }] };
      case 'partition-ring':
        return { apply: this.ring(), revert: [{ type: 'heal' }] };
      case 'one-way': {
        const from = this.memberName(f.from);
        const to = this.memberName(f.to);
        if (from === to) return undefined;
        return { apply: [{ type: 'block', from, to }], revert: [{ type: 'unblock', from, to }] };
      }
      case 'crash':
      case 'stop': {
        const member = this.memberName(f.target);
        if (!this.world.member(member).isRunning) return undefined;
        return { apply: [{ type: f.kind, member }], revert: [{ type: 'restart', member }] };
      }
      case 'slow-disk': {
        const member = this.memberName(f.member);
        return { apply: [{ type: 'disk', member, fsyncMs: f.fsyncMs }], revert: [{ type: 'disk', member, fsyncMs: NORMAL_FSYNC_MS }] };
      }
      case 'transfer-leader':
        return { apply: [{ type: 'transfer-leader', to: this.memberName(f.to) }], revert: [] };
    }
  }

  /** Network weather on every member-to-member link (both directions), cleared at the end. */
  private peerLinks(settings: NetworkSettings): { apply: InputRequest[]; revert: InputRequest[] } {
    const names = this.world.members.map((m) => m.name);
    const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => ({ a, b })));
    return {
      apply: pairs.map(({ a, b }): InputRequest => ({ type: 'link', a, b, both: true, settings })),
      revert: pairs.map(({ a, b }): InputRequest => ({ type: 'link', a, b, both: true })),
    };
  }

  /** Majorities ring: member i reaches only i-1 and i+1, so each sees a different majority (with 5). */
  private ring(): InputRequest[] {
    const names = this.world.members.map((m) => m.name);
    const n = names.length;
    const inputs: InputRequest[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.abs(i - j);
        if (i !== j && d !== 1 && d !== n - 1) inputs.push({ type: 'block', from: names[i], to: names[j] });
      }
    }
    return inputs;
  }
}
