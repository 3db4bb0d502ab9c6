import { describe, expect, it } from 'vitest';
import { formatDuration, humanizeBytes, leaseHex, memberHex, parseDuration } from './go-format';

describe('Go formatting', () => {
  it('formats durations as time.Duration.String', () => {
    expect([0, 0.0005, 0.25, 1.71023, 999, 1000, 1500, 61_000, 3_600_000 + 2_000].map(formatDuration)).toEqual([
      '0s',
      '500ns',
      '250µs',
      '1.71023ms',
      '999ms',
      '1s',
      '1.5s',
      '1m1s',
      '1h0m2s',
    ]);
  });

  it('parses durations as time.ParseDuration, with its errors', () => {
    expect(['5s', '100ms', '1m30s', '1.5h', '0', '-2s'].map(parseDuration)).toEqual([5000, 100, 90_000, 5_400_000, 0, -2000]);
    expect(() => parseDuration('x')).toThrow('time: invalid duration "x"');
    expect(() => parseDuration('5')).toThrow('time: missing unit in duration "5"');
    expect(() => parseDuration('5y')).toThrow('time: unknown unit "y" in duration "5y"');
  });

  it('humanizes sizes as go-humanize Bytes (round half to even)', () => {
    expect([0, 9, 10, 20480, 20500, 1_500_000, 2_147_483_648].map(humanizeBytes)).toEqual(['0 B', '9 B', '10 B', '20 kB', '20 kB', '1.5 MB', '2.1 GB']);
  });

  it('prints IDs as etcdctl does', () => {
    expect(leaseHex(0x1234)).toBe('0000000000001234');
    expect(memberHex(0xabc)).toBe('             abc');
  });
});
