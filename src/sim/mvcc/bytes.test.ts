import { describe, expect, it } from 'vitest';
import { FROM_KEY, compareKeys, getPrefixRangeEnd, utf8Length } from './bytes';
import { ProtoWriter } from './mvccpb';

function utf8(s: string): number[] {
  const w = new ProtoWriter();
  w.utf8(s);
  return [...w.bytes.slice(0, w.length)];
}

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

describe('bytes', () => {
  it('orders keys bytewise (UTF-8), unlike UTF-16 string comparison', () => {
    const astral = '\u{1F600}'; // F0 9F 98 80
    const bmpHigh = '\uFF21'; // EF BC A1
    expect(astral < bmpHigh).toBe(true); // UTF-16 order is wrong here
    expect(compareKeys(astral, bmpHigh)).toBeGreaterThan(0);
    const keys = ['b', 'a', 'ab', '', '\u00e9', astral, bmpHigh, 'a\0', '\u07ff'];
    const byBytes = [...keys].sort((x, y) => compareBytes(utf8(x), utf8(y)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });

  it('measures and encodes UTF-8', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('\u00e9')).toBe(2);
    expect(utf8Length('\u20ac')).toBe(3);
    expect(utf8Length('\u{1F600}')).toBe(4);
    expect(utf8('\u{1F600}')).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(utf8('\u20ac')).toEqual([0xe2, 0x82, 0xac]);
    expect(utf8Length('x\u{1F600}\u00e9')).toBe(utf8('x\u{1F600}\u00e9').length);
  });

  it('computes prefix range ends like clientv3.GetPrefixRangeEnd', () => {
    expect(getPrefixRangeEnd('foo')).toBe('fop');
    expect(getPrefixRangeEnd('a\u{10FFFF}')).toBe('b');
    expect(getPrefixRangeEnd('')).toBe(FROM_KEY);
    expect(getPrefixRangeEnd('\u{10FFFF}')).toBe(FROM_KEY);
    expect(getPrefixRangeEnd('\u00e9')).toBe('\u00ea');
  });
});
