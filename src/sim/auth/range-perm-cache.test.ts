import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../mvcc/bytes';
import { PermissionType } from './authpb';
import type { Permission } from './authpb';
import { RangePermCache, isValidPermissionRange } from './range-perm-cache';
import type { AccessKind } from './range-perm-cache';

function cacheFor(perms: Permission[]): RangePermCache {
  const cache = new RangePermCache();
  cache.refresh([{ name: 'u', password: '', roles: ['r'], options: { noPassword: false } }], new Map([['r', { name: 'r', keyPermission: perms }]]));
  return cache;
}

const perm = (permType: PermissionType, key: string, rangeEnd = ''): Permission => ({ permType, key, rangeEnd });

describe('isValidPermissionRange', () => {
  it('needs a key, and a range end after it unless "" or "\\x00"', () => {
    expect(isValidPermissionRange('', '')).toBe(false);
    expect(isValidPermissionRange('a', '')).toBe(true);
    expect(isValidPermissionRange('a', 'b')).toBe(true);
    expect(isValidPermissionRange('b', 'a')).toBe(false);
    expect(isValidPermissionRange('a', 'a')).toBe(false);
    expect(isValidPermissionRange('a', '\x00')).toBe(true);
    expect(isValidPermissionRange('\x00', '\x00')).toBe(true);
  });
});

describe('RangePermCache', () => {
  it('checks single keys, ranges, prefixes and from-key permissions by kind', () => {
    const cache = cacheFor([
      perm(PermissionType.READ, 'key'),
      perm(PermissionType.WRITE, 'a', 'c'),
      perm(PermissionType.READWRITE, 'p/', 'p0'), // the prefix "p/"
      perm(PermissionType.READ, 'z', '\x00'),
    ]);
    const ok = (kind: AccessKind, key: string, end = '') => cache.isRangeOpPermitted('u', key, end, kind);
    expect(ok('read', 'key')).toBe(true);
    expect(ok('write', 'key')).toBe(false);
    expect(ok('read', 'key1')).toBe(false);
    expect(ok('write', 'b')).toBe(true);
    expect(ok('write', 'a', 'c')).toBe(true);
    expect(ok('write', 'a', 'c\x00')).toBe(false);
    expect(ok('read', 'a', 'b')).toBe(false);
    expect(ok('read', 'p/x')).toBe(true);
    expect(ok('write', 'p/', 'p0')).toBe(true);
    expect(ok('read', 'p', 'p0')).toBe(false);
    expect(ok('read', 'zzz')).toBe(true);
    expect(ok('read', 'z', '\x00')).toBe(true);
    expect(ok('read', 'y', '\x00')).toBe(false);
    expect(cache.isRangeOpPermitted('nobody', 'key', '', 'read')).toBe(false);
  });

  it('"\\x00" to "\\x00" grants every key', () => {
    const cache = cacheFor([perm(PermissionType.READWRITE, '\x00', '\x00')]);
    expect(cache.isRangeOpPermitted('u', '\x00', '\x00', 'write')).toBe(true);
    expect(cache.isRangeOpPermitted('u', '\u{10ffff}', '', 'read')).toBe(true);
  });

  // Keys over {a, b} up to length 3 for permissions and requests; the universe adds
  // "\x00" and one more character, so every interval end is in it and any gap in a
  // coverage starts at a universe key the brute force will probe.
  const key = fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 3 }).map((cs) => cs.join(''));
  const universe: string[] = [''];
  for (let len = 0; len < 4; len++) {
    for (const k of universe.filter((u) => u.length === len)) for (const c of ['\x00', 'a', 'b']) universe.push(k + c);
  }
  universe.shift();

  const arbPerm = fc
    .tuple(fc.constantFrom(PermissionType.READ, PermissionType.WRITE, PermissionType.READWRITE), key, fc.oneof(fc.constant(''), fc.constant('\x00'), key))
    .filter(([, k, end]) => isValidPermissionRange(k, end))
    .map(([t, k, end]) => perm(t, k, end));

  const inPerm = (p: Permission, k: string) => {
    if (p.rangeEnd === '') return k === p.key;
    return compareKeys(p.key, k) <= 0 && (p.rangeEnd === '\x00' || compareKeys(k, p.rangeEnd) < 0);
  };
  const grants = (p: Permission, kind: AccessKind) =>
    p.permType === PermissionType.READWRITE || p.permType === (kind === 'read' ? PermissionType.READ : PermissionType.WRITE);

  it('agrees with a brute-force check over every key the request covers', () => {
    fc.assert(
      fc.property(
        fc.array(arbPerm, { maxLength: 6 }),
        key,
        fc.oneof(fc.constant(''), fc.constant('\x00'), key),
        fc.constantFrom<AccessKind>('read', 'write'),
        (perms, k, end, kind) => {
          fc.pre(end === '' || end === '\x00' || compareKeys(k, end) < 0);
          const requested = universe.filter((u) =>
            end === '' ? u === k : compareKeys(k, u) <= 0 && (end === '\x00' || compareKeys(u, end) < 0),
          );
          const expected = requested.every((u) => perms.some((p) => grants(p, kind) && inPerm(p, u)));
          expect(cacheFor(perms).isRangeOpPermitted('u', k, end, kind)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
