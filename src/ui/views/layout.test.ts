import { describe, expect, it } from 'vitest';
import { messagePoint, reachable, ringPositions } from './layout';

describe('layout', () => {
  it('places the first member at the top and spaces the rest evenly', () => {
    const p = ringPositions(['m1', 'm2', 'm3', 'm4'], 100, 100, 50);
    expect(p.get('m1')?.x).toBeCloseTo(100);
    expect(p.get('m1')?.y).toBeCloseTo(50);
    expect(p.get('m2')?.x).toBeCloseTo(150);
    expect(p.get('m3')?.y).toBeCloseTo(150);
  });

  it('moves a message linearly from send to due time, clamped', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 50 };
    expect(messagePoint(a, b, 10, 20, 15)).toEqual({ x: 50, y: 25 });
    expect(messagePoint(a, b, 10, 20, 5)).toEqual(a);
    expect(messagePoint(a, b, 10, 20, 30)).toEqual(b);
    expect(messagePoint(a, b, 10, 10, 10)).toEqual(b);
  });

  it('computes reachability from partition groups (the unlisted form one group) and blocks', () => {
    expect(reachable([['m1'], ['m2', 'm3']], [], 'm2', 'm3')).toBe(true);
    expect(reachable([['m1'], ['m2', 'm3']], [], 'm1', 'm2')).toBe(false);
    expect(reachable([['m1']], [], 'm4', 'm5')).toBe(true);
    expect(reachable([], ['m1>m2'], 'm1', 'm2')).toBe(false);
    expect(reachable([], ['m1>m2'], 'm2', 'm1')).toBe(true);
  });
});
