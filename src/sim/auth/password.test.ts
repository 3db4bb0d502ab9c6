import { describe, expect, it } from 'vitest';
import { comparePassword, hashPassword, isPasswordHash } from './password';

describe('password hashing (bcrypt stand-in)', () => {
  const salt = 'abcdefghijklmnop';

  it('verifies the right password only', () => {
    const h = hashPassword('s3cret', salt);
    expect(h).toMatch(/^\$sha256\$abcdefghijklmnop\$[0-9a-f]{64}$/);
    expect(comparePassword(h, 's3cret')).toBe(true);
    expect(comparePassword(h, 's3cret ')).toBe(false);
  });

  it('salts: equal passwords hash differently under different salts', () => {
    expect(hashPassword('pw', salt)).not.toBe(hashPassword('pw', 'ABCDEFGHIJKLMNOP'));
  });

  it('an empty stored hash matches nothing, not even the empty password', () => {
    expect(isPasswordHash('')).toBe(true);
    expect(comparePassword('', '')).toBe(false);
  });

  it('rejects hashes that do not decode, and bad salts', () => {
    expect(isPasswordHash('plain')).toBe(false);
    expect(comparePassword('plain', 'plain')).toBe(false);
    expect(() => hashPassword('pw', 'short')).toThrow(RangeError);
  });
});
