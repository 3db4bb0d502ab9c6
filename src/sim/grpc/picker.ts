// Pickers: what the channel asks for a subchannel on every RPC attempt (spec client.md
// §3.3, §3.4). Round robin serves only READY subchannels, starting at a random offset.

import type { RandomStream } from '../kernel/random';
import type { Subchannel } from './subchannel';

/** balancer.ErrNoSubConnAvailable: the picker has nothing yet; a wait-for-ready call blocks. */
export const ERR_NO_SUBCONN_AVAILABLE = 'no SubConn is available';

export type PickResult = { subchannel: Subchannel } | { error: string };

export interface Picker {
  pick(): PickResult;
  /** The subchannels it serves, in pick order from the next pick (for the trace). */
  readonly order: readonly string[];
}

export class RoundRobinPicker implements Picker {
  private next: number;

  /** `ready` in the balancer's (seeded, shuffled) order; the start offset is random too. */
  constructor(
    private readonly ready: readonly Subchannel[],
    rng: RandomStream,
  ) {
    this.next = rng.int(0, ready.length - 1);
  }

  get order(): string[] {
    const n = this.ready.length;
    return this.ready.map((_, i) => this.ready[(this.next + 1 + i) % n].addr);
  }

  pick(): PickResult {
    // Increment first, then index: the first pick is (start + 1) mod n.
    this.next = (this.next + 1) % this.ready.length;
    return { subchannel: this.ready[this.next] };
  }
}

export class ErrorPicker implements Picker {
  readonly order: readonly string[] = [];

  constructor(readonly error: string) {}

  pick(): PickResult {
    return { error: this.error };
  }
}
