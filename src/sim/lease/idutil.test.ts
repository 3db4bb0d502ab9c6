import { describe, expect, it } from 'vitest';
import { IDGenerator, newLeaseID } from './idutil';

describe('IDGenerator', () => {
  it('puts the member ID in the top 16 bits, start time and a counter below', () => {
    const gen = new IDGenerator(0x1234, 1000);
    const first = gen.next();
    expect(first).toBe(0x1234 * 2 ** 37 + 1000 * 256 + 1);
    expect(gen.next()).toBe(first + 1);
    expect(Math.floor(first / 2 ** 37)).toBe(0x1234);
  });

  it('keeps only the low 16 bits of the member ID and stays a safe positive integer', () => {
    const gen = new IDGenerator(0xabcd_ffff, 2 ** 40);
    const id = gen.next();
    expect(Math.floor(id / 2 ** 37)).toBe(0xffff);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(id).toBeGreaterThan(0);
  });

  it('lets the counter carry into the time field, as etcd does', () => {
    const gen = new IDGenerator(1, 0);
    for (let i = 0; i < 255; i++) gen.next();
    expect(gen.next()).toBe(2 ** 37 + 256);
  });

  it('rejects a bad member ID or start time', () => {
    expect(() => new IDGenerator(-1, 0)).toThrow(RangeError);
    expect(() => new IDGenerator(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('newLeaseID', () => {
  it('skips zero', () => {
    const draws = [0, 0, 42];
    expect(newLeaseID(() => draws.shift() ?? -1)).toBe(42);
  });
});
