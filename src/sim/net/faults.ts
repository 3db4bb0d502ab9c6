// Network faults as data (TigerBeetle's packet simulator style): a fault state that a
// world changes only through recorded inputs, so a run replays from (seed, config, inputs).

import { z } from 'zod';
import { LatencySchema, type Latency } from './latency';

const Probability = z.number().min(0).max(1);

/**
 * Per-link settings; unset fields fall back to the network's global settings. `drop` is
 * the chance that a transmission is lost (TCP retransmits it: network.ts). `duplicate`
 * and `reorder` act on segments that TCP discards or reassembles, so on etcd's links,
 * all TCP, they never change what is delivered; they stay settable (the fault panel,
 * saved scenarios) and are shown as such.
 */
export const LinkSettingsSchema = z.object({
  latency: LatencySchema.optional(),
  drop: Probability.optional(),
  duplicate: Probability.optional(),
  reorder: Probability.optional(),
  /**
   * A link that is down. `refused`: the far end answers with a reset, so a sender learns
   * at once (a stopped process). `blackhole`: packets vanish, so connections stall and
   * break at the sender's timeout (a pulled cable, a firewall dropping packets).
   */
  down: z.enum(['refused', 'blackhole']).optional(),
});
export type LinkSettings = z.infer<typeof LinkSettingsSchema>;

export const NetworkSettingsSchema = z.object({
  latency: LatencySchema.default({ kind: 'uniform', min: 2, max: 6 }),
  drop: Probability.default(0),
  duplicate: Probability.default(0),
  reorder: Probability.default(0),
});
export type NetworkSettings = z.infer<typeof NetworkSettingsSchema>;

/** The resolved behaviour of one directed host-to-host link. */
export interface LinkState {
  latency: Latency;
  drop: number;
  down?: 'refused' | 'blackhole';
}

/**
 * Which hosts can reach which. A partition splits hosts into groups; hosts in no group
 * form one more group together. One-way blocks stop a single direction.
 */
export class Reachability {
  private groupOf = new Map<string, number>();
  private blocked = new Set<string>();

  partition(groups: readonly (readonly string[])[]): void {
    this.groupOf.clear();
    groups.forEach((g, i) => g.forEach((h) => this.groupOf.set(h, i + 1)));
  }

  healPartition(): void {
    this.groupOf.clear();
  }

  block(from: string, to: string): void {
    this.blocked.add(`${from}>${to}`);
  }

  unblock(from: string, to: string): void {
    this.blocked.delete(`${from}>${to}`);
  }

  healAll(): void {
    this.groupOf.clear();
    this.blocked.clear();
  }

  canReach(from: string, to: string): boolean {
    if (from === to) return true;
    if (this.groupOf.size > 0 && (this.groupOf.get(from) ?? 0) !== (this.groupOf.get(to) ?? 0)) return false;
    return this.blocked.size === 0 || !this.blocked.has(`${from}>${to}`);
  }

  /** Current partition groups (hosts in no group omitted) and one-way blocks. */
  describe(): { groups: string[][]; blocked: [string, string][] } {
    const groups = new Map<number, string[]>();
    for (const [h, g] of this.groupOf) {
      const list = groups.get(g) ?? [];
      list.push(h);
      groups.set(g, list);
    }
    return {
      groups: [...groups.keys()].sort((a, b) => a - b).map((g) => (groups.get(g) as string[]).sort()),
      blocked: [...this.blocked].sort().map((k) => k.split('>') as [string, string]),
    };
  }
}
