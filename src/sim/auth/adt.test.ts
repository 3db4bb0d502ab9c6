import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../mvcc/bytes';
import { IntervalSet } from './adt';

const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

describe('compareKeys', () => {
  it('orders keys as their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(compareBytes(utf8(a), utf8(b))));
      }),
    );
  });

  it('puts astral characters after U+FFFF, unlike UTF-16 order', () => {
    expect(compareKeys('\u{10000}', '\uffff')).toBeGreaterThan(0);
    expect(compareKeys('a', 'a\x00')).toBeLessThan(0);
  });
});

describe('IntervalSet', () => {
  it('contains a range covered by touching intervals, not one with a gap', () => {
    const s = new IntervalSet();
    s.insert({ begin: 'c', end: 'e' });
    s.insert({ begin: 'a', end: 'c' });
    expect(s.contains({ begin: 'a', end: 'e' })).toBe(true);
    expect(s.contains({ begin: 'b', end: 'd' })).toBe(true);
    expect(s.contains({ begin: 'a', end: 'f' })).toBe(false);
    s.insert({ begin: 'g' });
    expect(s.contains({ begin: 'a', end: 'h' })).toBe(false);
    expect(s.contains({ begin: 'h' })).toBe(true);
    expect(s.intersectsPoint('zzz')).toBe(true);
    expect(s.intersectsPoint('e')).toBe(false);
  });
});
