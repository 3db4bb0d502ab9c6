import { describe, expect, it } from 'vitest';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { RandomStream } from './random';

describe('RandomStream', () => {
  it('float() draws exactly what pure-rand uniformFloat64 draws from the same state', () => {
    for (const seed of [0, 1, 7, 2 ** 32 + 5]) {
      const s = RandomStream.derive(seed, 'net');
      const ref = xoroshiro128plusFromState(s.getState());
      for (let i = 0; i < 20_000; i++) {
        const want = uniformFloat64(ref);
        const got = s.float();
        if (got !== want) expect.fail(`seed ${seed}, draw ${i}: float() gave ${got}, uniformFloat64 ${want}`);
      }
      expect(s.getState()).toEqual(ref.getState());
    }
  });

  it('float() stays in [0, 1) and uniform(lo, hi) in [lo, hi)', () => {
    const s = RandomStream.derive(3, 'x');
    for (let i = 0; i < 10_000; i++) {
      const f = s.float();
      expect(f >= 0 && f < 1).toBe(true);
      const u = s.uniform(10, 15);
      expect(u >= 10 && u < 15).toBe(true);
    }
  });

  it('the same seed and name give the same draws; another name other draws', () => {
    const draws = (seed: number, name: string) => {
      const s = RandomStream.derive(seed, name);
      return Array.from({ length: 8 }, () => s.int(0, 1_000_000));
    };
    expect(draws(1, 'net')).toEqual(draws(1, 'net'));
    expect(draws(1, 'net')).not.toEqual(draws(1, 'm1/raft'));
    expect(draws(1, 'net')).not.toEqual(draws(2, 'net'));
  });

  it('refuses an empty int range with a clear error', () => {
    expect(() => RandomStream.derive(1, 'x').int(5, 4)).toThrow('random int: empty range [5, 4]');
  });
});
