// Each user's permissions merged into read and write interval sets (etcd
// server/auth/range_perm_cache.go), rebuilt after every auth change (spec server.md §9.1),
// and the key checks against them (§9.4 step 6).

import { compareKeys } from '../mvcc/bytes';
import { IntervalSet, pointInterval } from './adt';
import type { KeyInterval } from './adt';
import { PermissionType } from './authpb';
import type { Permission, Role, User } from './authpb';

/** The two kinds of access a request needs. */
export type AccessKind = 'read' | 'write';

interface UnifiedRangePermissions {
  read: IntervalSet;
  write: IntervalSet;
}

/** Whether a permission's range is acceptable to RoleGrantPermission (§9.3). */
export function isValidPermissionRange(key: string, rangeEnd: string): boolean {
  if (key === '') return false;
  return rangeEnd === '' || rangeEnd === '\x00' || compareKeys(key, rangeEnd) < 0;
}

function permInterval(perm: Permission): KeyInterval {
  if (perm.rangeEnd === '') return pointInterval(perm.key);
  return { begin: perm.key, end: perm.rangeEnd === '\x00' ? undefined : perm.rangeEnd };
}

function getMergedPerms(user: User, roles: ReadonlyMap<string, Role>): UnifiedRangePermissions {
  const merged = { read: new IntervalSet(), write: new IntervalSet() };
  for (const roleName of user.roles) {
    for (const perm of roles.get(roleName)?.keyPermission ?? []) {
      const ivl = permInterval(perm);
      if (perm.permType !== PermissionType.WRITE) merged.read.insert(ivl);
      if (perm.permType !== PermissionType.READ) merged.write.insert(ivl);
    }
  }
  return merged;
}

export class RangePermCache {
  private byUser = new Map<string, UnifiedRangePermissions>();

  refresh(users: Iterable<User>, roles: ReadonlyMap<string, Role>): void {
    this.byUser = new Map();
    for (const user of users) this.byUser.set(user.name, getMergedPerms(user, roles));
  }

  /**
   * A single key (rangeEnd "") is allowed if a granted interval holds it; a range must be
   * covered by the union of the granted intervals, rangeEnd "\x00" reaching to infinity.
   */
  isRangeOpPermitted(username: string, key: string, rangeEnd: string, kind: AccessKind): boolean {
    const perms = this.byUser.get(username)?.[kind];
    if (perms === undefined) return false;
    if (rangeEnd === '') return perms.intersectsPoint(key);
    return perms.contains({ begin: key, end: rangeEnd === '\x00' ? undefined : rangeEnd });
  }
}
