// The persisted auth records (etcd api/authpb): users, roles and key permissions.

export enum PermissionType {
  READ = 0,
  WRITE = 1,
  READWRITE = 2,
}

/**
 * A permission on keys: `rangeEnd` "" is the single key `key`; "\x00" means every key
 * >= `key` (key "\x00" with it: every key); otherwise the range [key, rangeEnd).
 */
export interface Permission {
  permType: PermissionType;
  key: string;
  rangeEnd: string;
}

export interface User {
  name: string;
  /** The stored password hash (see password.ts); "" when none, which no password matches. */
  password: string;
  /** Role names in byte order. */
  roles: string[];
  options: { noPassword: boolean };
}

export interface Role {
  name: string;
  /** Sorted by key. */
  keyPermission: Permission[];
}
