// Seeded random streams. Each component draws from its own stream, derived from the
// world seed and the component's name (DESIGN.md "Determinism"), so adding a client does
// not reshuffle the network's draws.

import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { hashString32 } from './hash';
import { log } from './detmath';

export class RandomStream {
  private constructor(
    readonly name: string,
    private rng: RandomGenerator,
  ) {}

  /** The stream for `name` under `seed`. Same (seed, name), same draws, on any engine. */
  static derive(seed: number, name: string): RandomStream {
    // Mix the seed and the name into a 32-bit seed for the generator.
    const mixed = hashString32(`${seed >>> 0}:${Math.floor(seed / 2 ** 32)}/${name}`);
    return new RandomStream(name, xoroshiro128plus(mixed));
  }

  /** Integer uniform in [lo, hi] (both included). */
  int(lo: number, hi: number): number {
    if (!(hi >= lo)) throw new RangeError(`random int: empty range [${lo}, ${hi}]`);
    return uniformInt(this.rng, lo, hi);
  }

  /** Float uniform in [0, 1). */
  float(): number {
    // pure-rand's uniformFloat64, written out (every message draws its latency here): a
    // call less, the same 53 bits (26 from the first draw, 27 from the second), the same numbers.
    const hi = this.rng.next() & 0x3ffffff;
    const lo = this.rng.next() & 0x7ffffff;
    return hi * 2 ** -26 + lo * 2 ** -53;
  }

  /** Float uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('random pick: no items');
    return items[this.int(0, items.length - 1)];
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * log(1 - this.float());
  }

  /** Normal, by Marsaglia's polar method (no trigonometry: see detmath.ts). */
  normal(mean: number, stddev: number): number {
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return mean + stddev * u * Math.sqrt((-2 * log(s)) / s);
    }
  }

  /** Generator state, for checkpoints used by time travel. */
  getState(): readonly number[] {
    return this.rng.getState();
  }

  setState(state: readonly number[]): void {
    this.rng = xoroshiro128plusFromState(state);
  }
}
