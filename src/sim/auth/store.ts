// The auth store (etcd server/auth/store.go; spec server.md §9): users, roles and
// permissions, the enabled flag, the auth revision, and the permission checks the
// server runs (at the API for reads, at apply time for writes, §9.6). Mutations are the
// apply side of Raft entries: every member runs them in log order and reaches the same
// state. Errors are thrown as AuthError.

import { z } from 'zod';
import { compareKeys } from '../mvcc/bytes';
import { PermissionType } from './authpb';
import type { Permission, Role, User } from './authpb';
import { AuthError } from './errors';
import type { AuthErrorName } from './errors';
import type { AuthEvent, AuthOp } from './events';
import { comparePassword, hashPassword, isPasswordHash } from './password';
import { RangePermCache, isValidPermissionRange } from './range-perm-cache';
import type { AccessKind } from './range-perm-cache';
import { SIMPLE_TOKEN_TTL_DEFAULT_MS, TokenSimple, randomLetters } from './simple-token';

export const ROOT_USER = 'root';
export const ROOT_ROLE = 'root';

/** Who a request runs as. Revision 0 means no user (no token). */
export interface AuthInfo {
  username: string;
  revision: number;
}

/** Where a request's token travels: metadata "token", else "authorization" ("Bearer " optional). */
export interface TokenMetadata {
  token?: string;
  authorization?: string;
}

export type AuthInfoLookup =
  | { kind: 'none' }
  | { kind: 'user'; authInfo: AuthInfo }
  /** The token's index is ahead of this member's applied index: wait for it, then look up again. */
  | { kind: 'wait'; index: number };

export interface AuthStoreConfig {
  /** Virtual milliseconds. */
  now: () => number;
  /** Uniform in [0, 1), from this member's seeded stream: token prefixes and password salts. */
  random: () => number;
  /** The member's applied index, which simple tokens wait for. */
  appliedIndex: () => number;
  /** --auth-token-ttl; default 300 s. */
  tokenTTLMs?: number;
  onEvent?: (event: AuthEvent) => void;
}

const PermissionSchema = z.object({
  permType: z.enum(PermissionType),
  key: z.string(),
  rangeEnd: z.string(),
});

const AuthSnapshotSchema = z.object({
  enabled: z.boolean(),
  revision: z.int().nonnegative(),
  users: z.array(
    z.object({
      name: z.string(),
      password: z.string(),
      roles: z.array(z.string()),
      options: z.object({ noPassword: z.boolean() }),
    }),
  ),
  roles: z.array(z.object({ name: z.string(), keyPermission: z.array(PermissionSchema) })),
});

/** The auth buckets: what survives a restart and travels in a Raft snapshot. Tokens do not. */
export type AuthSnapshot = z.infer<typeof AuthSnapshotSchema>;

const ROOT_PERMISSION: Permission = { permType: PermissionType.READWRITE, key: '', rangeEnd: '\x00' };

export class AuthStore {
  private enabled = false;
  private rev = 0;
  private users = new Map<string, User>();
  private roles = new Map<string, Role>();
  private readonly permCache = new RangePermCache();
  private readonly tokens: TokenSimple;
  private readonly random: () => number;
  private readonly onEvent: (event: AuthEvent) => void;

  constructor(cfg: AuthStoreConfig) {
    const ttlMs = cfg.tokenTTLMs ?? SIMPLE_TOKEN_TTL_DEFAULT_MS;
    if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`auth: token TTL must be positive, got ${ttlMs}`);
    this.random = cfg.random;
    this.onEvent = cfg.onEvent ?? (() => {});
    this.tokens = new TokenSimple({ ...cfg, ttlMs, onEvent: this.onEvent });
    // A fresh store starts at revision 1 (§9.1).
    this.rev = 1;
  }

  isAuthEnabled(): boolean {
    return this.enabled;
  }

  revision(): number {
    return this.rev;
  }

  /** Requires user root holding role root (§9.2). Does not bump the revision. */
  authEnable(): void {
    if (this.enabled) {
      this.applied('AuthEnable', '', 'already enabled: ignored');
      return;
    }
    const root = this.users.get(ROOT_USER);
    if (root === undefined) throw this.reject('AuthEnable', '', 'ErrRootUserNotExist', 'create user root first');
    if (!hasRootRole(root)) {
      throw this.reject('AuthEnable', '', 'ErrRootRoleNotExist', 'grant role root to user root first');
    }
    this.enabled = true;
    this.tokens.enable();
    this.refreshRangePermCache();
    this.applied('AuthEnable', '', 'auth enabled: requests now need a token');
  }

  /** Bumps the revision and invalidates every token. */
  authDisable(): void {
    if (!this.enabled) {
      this.applied('AuthDisable', '', 'already disabled: ignored');
      return;
    }
    this.enabled = false;
    this.rev++;
    this.tokens.disable();
    this.applied('AuthDisable', '', 'auth disabled: tokens dropped');
  }

  /**
   * API side of Authenticate (§9.5 step 2): returns the auth revision the password was
   * checked at. Throws ErrAuthNotEnabled, ErrAuthFailed or ErrNoPasswordUser.
   */
  checkPassword(username: string, password: string): number {
    if (!this.enabled) throw this.reject('CheckPassword', username, 'ErrAuthNotEnabled', 'auth is disabled');
    const user = this.users.get(username);
    if (user === undefined) throw this.reject('CheckPassword', username, 'ErrAuthFailed', 'no such user');
    if (user.options.noPassword) {
      throw this.reject('CheckPassword', username, 'ErrNoPasswordUser', 'user has no password: cert auth only');
    }
    if (!comparePassword(user.password, password)) {
      throw this.reject('CheckPassword', username, 'ErrAuthFailed', 'wrong password');
    }
    return this.rev;
  }

  /** API side: a fresh simple-token prefix to put in the Authenticate entry. */
  genTokenPrefix(): string {
    return this.tokens.genTokenPrefix();
  }

  /** API side of UserAdd / UserChangePassword: the hash that goes into the Raft entry. */
  hashPassword(password: string): string {
    return hashPassword(password, randomLetters(16, this.random));
  }

  /**
   * Apply of the internal Authenticate entry: registers `<prefix>.<index>` for the user,
   * where index is the consistent index seen while applying the entry.
   */
  authenticate(username: string, simpleTokenPrefix: string, index: number): { token: string } {
    if (!this.enabled) throw this.reject('Authenticate', username, 'ErrAuthNotEnabled', 'auth is disabled');
    const user = this.users.get(username);
    if (user === undefined || user.options.noPassword) {
      throw this.reject('Authenticate', username, 'ErrAuthFailed', user ? 'user has no password' : 'no such user');
    }
    // The password was checked at the API; the log holds no password.
    return { token: this.tokens.assign(username, simpleTokenPrefix, index, `authenticated at index ${index}`) };
  }

  /** Apply of UserAdd; `hashedPassword` comes from hashPassword() at the API ("" = none). */
  userAdd(r: { name: string; hashedPassword?: string; options?: { noPassword?: boolean } }): void {
    if (r.name === '') throw this.reject('UserAdd', r.name, 'ErrUserEmpty', 'empty user name');
    if (this.users.has(r.name)) throw this.reject('UserAdd', r.name, 'ErrUserAlreadyExist', 'user exists');
    const noPassword = r.options?.noPassword ?? false;
    const password = noPassword ? '' : (r.hashedPassword ?? '');
    if (!isPasswordHash(password)) {
      throw this.reject('UserAdd', r.name, 'ErrNoPasswordUser', 'password hash does not decode');
    }
    this.users.set(r.name, { name: r.name, password, roles: [], options: { noPassword } });
    this.commit('UserAdd', r.name, noPassword ? 'user added without password' : 'user added');
  }

  /** Root cannot be deleted while auth is enabled. Drops the user's tokens. */
  userDelete(r: { name: string }): void {
    if (this.enabled && r.name === ROOT_USER) {
      throw this.reject('UserDelete', r.name, 'ErrInvalidAuthMgmt', 'cannot delete root while auth is enabled');
    }
    if (!this.users.delete(r.name)) throw this.reject('UserDelete', r.name, 'ErrUserNotFound', 'no such user');
    this.commit('UserDelete', r.name, 'user deleted');
    this.tokens.invalidateUser(r.name, 'user deleted');
  }

  /** The API hashes only a non-empty password; "" leaves a user nobody can log in as. */
  userChangePassword(r: { name: string; hashedPassword?: string }): void {
    const user = this.users.get(r.name);
    if (user === undefined) throw this.reject('UserChangePassword', r.name, 'ErrUserNotFound', 'no such user');
    const password = r.hashedPassword ?? '';
    if (!user.options.noPassword) {
      if (!isPasswordHash(password)) {
        throw this.reject('UserChangePassword', r.name, 'ErrNoPasswordUser', 'password hash does not decode');
      }
      user.password = password;
    }
    this.commit('UserChangePassword', r.name, 'password changed');
    this.tokens.invalidateUser(r.name, 'password changed');
  }

  /** Role "root" may be granted before a role object named root exists (§9.3). */
  userGrantRole(r: { user: string; role: string }): void {
    const target = `${r.user}:${r.role}`;
    const user = this.users.get(r.user);
    if (user === undefined) throw this.reject('UserGrantRole', target, 'ErrUserNotFound', 'no such user');
    if (r.role !== ROOT_ROLE && !this.roles.has(r.role)) {
      throw this.reject('UserGrantRole', target, 'ErrRoleNotFound', 'no such role');
    }
    if (user.roles.includes(r.role)) {
      this.applied('UserGrantRole', target, 'already granted: ignored, revision unchanged');
      return;
    }
    user.roles = [...user.roles, r.role].sort(compareKeys);
    this.commit('UserGrantRole', target, 'role granted');
  }

  /** Root keeps role root while auth is enabled. */
  userRevokeRole(r: { name: string; role: string }): void {
    const target = `${r.name}:${r.role}`;
    if (this.enabled && r.name === ROOT_USER && r.role === ROOT_ROLE) {
      const cause = 'cannot revoke role root from root while auth is enabled';
      throw this.reject('UserRevokeRole', target, 'ErrInvalidAuthMgmt', cause);
    }
    const user = this.users.get(r.name);
    if (user === undefined) throw this.reject('UserRevokeRole', target, 'ErrUserNotFound', 'no such user');
    if (!user.roles.includes(r.role)) {
      throw this.reject('UserRevokeRole', target, 'ErrRoleNotGranted', 'user lacks the role');
    }
    user.roles = user.roles.filter((role) => role !== r.role);
    this.commit('UserRevokeRole', target, 'role revoked');
  }

  userGet(r: { name: string }): { roles: string[] } {
    const user = this.users.get(r.name);
    if (user === undefined) throw this.reject('UserGet', r.name, 'ErrUserNotFound', 'no such user');
    return { roles: [...user.roles] };
  }

  userList(): string[] {
    return this.sortedUsers().map((u) => u.name);
  }

  roleAdd(r: { name: string }): void {
    if (r.name === '') throw this.reject('RoleAdd', r.name, 'ErrRoleEmpty', 'empty role name');
    if (this.roles.has(r.name)) throw this.reject('RoleAdd', r.name, 'ErrRoleAlreadyExist', 'role exists');
    this.roles.set(r.name, { name: r.name, keyPermission: [] });
    this.commit('RoleAdd', r.name, 'role added');
  }

  /** Role root cannot be deleted while auth is enabled; the role is taken from every user. */
  roleDelete(r: { role: string }): void {
    if (this.enabled && r.role === ROOT_ROLE) {
      throw this.reject('RoleDelete', r.role, 'ErrInvalidAuthMgmt', 'cannot delete role root while auth is enabled');
    }
    if (!this.roles.delete(r.role)) throw this.reject('RoleDelete', r.role, 'ErrRoleNotFound', 'no such role');
    for (const user of this.users.values()) user.roles = user.roles.filter((role) => role !== r.role);
    this.commit('RoleDelete', r.role, 'role deleted and taken from its users');
  }

  /** Role root reports one READWRITE permission on every key. */
  roleGet(r: { role: string }): { perm: Permission[] } {
    const role = this.roles.get(r.role);
    if (role === undefined) throw this.reject('RoleGet', r.role, 'ErrRoleNotFound', 'no such role');
    if (role.name === ROOT_ROLE) return { perm: [{ ...ROOT_PERMISSION }] };
    return { perm: role.keyPermission.map((p) => ({ ...p })) };
  }

  roleList(): string[] {
    return [...this.roles.keys()].sort(compareKeys);
  }

  /** Replaces the type of an equal (key, rangeEnd) permission, else adds one in key order. */
  roleGrantPermission(r: { name: string; perm?: Permission }): void {
    const perm = r.perm;
    if (perm === undefined) throw this.reject('RoleGrantPermission', r.name, 'ErrPermissionNotGiven', 'no permission');
    if (!isPermissionType(perm.permType)) throw new RangeError(`auth: unknown permission type ${perm.permType}`);
    const target = `${r.name}:${describeRange(perm.key, perm.rangeEnd)}`;
    if (!isValidPermissionRange(perm.key, perm.rangeEnd)) {
      throw this.reject('RoleGrantPermission', target, 'ErrInvalidAuthMgmt', 'empty key, or range end not after key');
    }
    const role = this.roles.get(r.name);
    if (role === undefined) throw this.reject('RoleGrantPermission', target, 'ErrRoleNotFound', 'no such role');
    const same = role.keyPermission.find((p) => p.key === perm.key && p.rangeEnd === perm.rangeEnd);
    if (same !== undefined) same.permType = perm.permType;
    else role.keyPermission = [...role.keyPermission, { ...perm }].sort((a, b) => compareKeys(a.key, b.key));
    this.commit('RoleGrantPermission', target, `${PermissionType[perm.permType]} granted`);
  }

  /** Removes every permission with exactly this key and range end. */
  roleRevokePermission(r: { role: string; key: string; rangeEnd: string }): void {
    const target = `${r.role}:${describeRange(r.key, r.rangeEnd)}`;
    const role = this.roles.get(r.role);
    if (role === undefined) throw this.reject('RoleRevokePermission', target, 'ErrRoleNotFound', 'no such role');
    const kept = role.keyPermission.filter((p) => p.key !== r.key || p.rangeEnd !== r.rangeEnd);
    if (kept.length === role.keyPermission.length) {
      throw this.reject('RoleRevokePermission', target, 'ErrPermissionNotGranted', 'role has no such permission');
    }
    role.keyPermission = kept;
    this.commit('RoleRevokePermission', target, 'permission revoked');
  }

  hasRole(user: string, role: string): boolean {
    return this.users.get(user)?.roles.includes(role) ?? false;
  }

  /** Write permission on one key. */
  isPutPermitted(authInfo: AuthInfo, key: string): void {
    this.isOpPermitted('write', authInfo, key, '');
  }

  /** Read permission on [key, rangeEnd) ("" = the key alone, "\x00" = to the end). */
  isRangePermitted(authInfo: AuthInfo, key: string, rangeEnd: string): void {
    this.isOpPermitted('read', authInfo, key, rangeEnd);
  }

  isDeleteRangePermitted(authInfo: AuthInfo, key: string, rangeEnd: string): void {
    this.isOpPermitted('write', authInfo, key, rangeEnd);
  }

  /** Admin operations need the root role (no revision check, §9.4). */
  isAdminPermitted(authInfo: AuthInfo | undefined): void {
    if (!this.enabled) return;
    const username = authInfo?.username ?? '';
    const deny = (name: AuthErrorName, cause: string) => {
      this.onEvent({ kind: 'auth-permission', check: 'admin', username, allowed: false, error: name, cause });
      return new AuthError(name);
    };
    if (username === '') throw deny('ErrUserEmpty', 'no user: the request carries no token');
    const user = this.users.get(username);
    if (user === undefined) throw deny('ErrUserNotFound', 'user does not exist');
    if (!hasRootRole(user)) throw deny('ErrPermissionDenied', 'admin operations need the root role');
    this.onEvent({ kind: 'auth-permission', check: 'admin', username, allowed: true, cause: 'user has the root role' });
  }

  /**
   * AuthInfoFromCtx: tokens are ignored while auth is disabled. Throws ErrInvalidAuthToken
   * for a malformed or unknown token. On 'wait', the server waits until its applied index
   * reaches `index` and asks again; if the request's context ends first, the token is
   * invalid (ErrInvalidAuthToken).
   */
  authInfoFromCtx(md: TokenMetadata): AuthInfoLookup {
    if (!this.enabled) return { kind: 'none' };
    const token = md.token ?? md.authorization?.replace(/^Bearer /, '');
    if (token === undefined) return { kind: 'none' };
    const found = this.tokens.info(token, this.rev);
    if (found.kind === 'invalid') throw new AuthError('ErrInvalidAuthToken');
    if (found.kind === 'wait') return found;
    return { kind: 'user', authInfo: found.authInfo };
  }

  /**
   * WithRoot: a root token, `<prefix>.0`, registered on this member only, for the
   * server's internal LeaseRevoke proposals. Undefined while auth is disabled.
   */
  withRoot(): string | undefined {
    if (!this.enabled) return undefined;
    return this.tokens.assign(ROOT_USER, this.tokens.genTokenPrefix(), 0, 'internal root token for lease revoke');
  }

  /** The simple token TTL keeper; the host calls it every SIMPLE_TOKEN_TTL_RESOLUTION_MS. */
  sweepTokens(): void {
    this.tokens.sweep();
  }

  snapshot(): AuthSnapshot {
    return {
      enabled: this.enabled,
      revision: this.rev,
      users: this.sortedUsers().map((u) => ({ ...u, roles: [...u.roles], options: { ...u.options } })),
      roles: [...this.roles.values()]
        .sort((a, b) => compareKeys(a.name, b.name))
        .map((r) => ({ name: r.name, keyPermission: r.keyPermission.map((p) => ({ ...p })) })),
    };
  }

  /**
   * Recover from the auth buckets (restart or Raft snapshot). Tokens are kept if auth
   * stays enabled and dropped if it is disabled. Throws on a malformed snapshot.
   */
  restore(snapshot: unknown): void {
    const parsed = AuthSnapshotSchema.safeParse(snapshot);
    if (!parsed.success) throw new TypeError(`auth: invalid snapshot: ${z.prettifyError(parsed.error)}`);
    const s = parsed.data;
    const users = new Map(s.users.map((u) => [u.name, { ...u, roles: [...u.roles].sort(compareKeys) }]));
    const roles = new Map(s.roles.map((r) => [r.name, { ...r, keyPermission: r.keyPermission.map((p) => ({ ...p })) }]));
    if (users.size !== s.users.length || roles.size !== s.roles.length) {
      throw new TypeError('auth: invalid snapshot: a user or role name appears twice');
    }
    this.enabled = s.enabled;
    this.rev = s.revision;
    this.users = users;
    this.roles = roles;
    if (s.enabled) this.tokens.enable();
    else this.tokens.disable();
    this.refreshRangePermCache();
    this.onEvent({
      kind: 'auth-recovered',
      enabled: s.enabled,
      revision: s.revision,
      cause: `auth state reloaded: ${s.users.length} user(s), ${s.roles.length} role(s)`,
    });
  }

  // §9.4: disabled → allowed; no user → ErrUserEmpty; stale revision → ErrAuthOldRevision;
  // unknown user → ErrPermissionDenied; root role → allowed; else the merged intervals decide.
  private isOpPermitted(check: AccessKind, authInfo: AuthInfo, key: string, rangeEnd: string): void {
    if (!this.enabled) return;
    const { username, revision } = authInfo;
    const event = { kind: 'auth-permission', check, username, key, rangeEnd } as const;
    const deny = (name: AuthErrorName, cause: string) => {
      this.onEvent({ ...event, allowed: false, error: name, cause });
      return new AuthError(name);
    };
    if (revision === 0) throw deny('ErrUserEmpty', 'no user: the request carries no token');
    if (revision < this.rev) {
      throw deny('ErrAuthOldRevision', `request was checked at auth revision ${revision}, store is at ${this.rev}`);
    }
    const user = this.users.get(username);
    if (user === undefined) throw deny('ErrPermissionDenied', 'user does not exist');
    const range = describeRange(key, rangeEnd);
    if (hasRootRole(user)) {
      this.onEvent({ ...event, allowed: true, cause: 'user has the root role' });
      return;
    }
    if (!this.permCache.isRangeOpPermitted(username, key, rangeEnd, check)) {
      throw deny('ErrPermissionDenied', `no ${check} permission of ${username} covers ${range}`);
    }
    this.onEvent({ ...event, allowed: true, cause: `${check} permission covers ${range}` });
  }

  private commit(op: AuthOp, target: string, cause: string): void {
    this.rev++;
    this.refreshRangePermCache();
    this.applied(op, target, cause);
  }

  private applied(op: AuthOp, target: string, cause: string): void {
    this.onEvent({ kind: 'auth-applied', op, target, revision: this.rev, cause });
  }

  private reject(op: AuthOp, target: string, name: AuthErrorName, cause: string): AuthError {
    this.onEvent({ kind: 'auth-rejected', op, target, error: name, cause });
    return new AuthError(name);
  }

  private refreshRangePermCache(): void {
    this.permCache.refresh(this.users.values(), this.roles);
  }

  private sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => compareKeys(a.name, b.name));
  }
}

function isPermissionType(t: number): t is PermissionType {
  return t === PermissionType.READ || t === PermissionType.WRITE || t === PermissionType.READWRITE;
}

function hasRootRole(user: User): boolean {
  return user.roles.includes(ROOT_ROLE);
}

/** A key range as text: the key, [key, end) or [key, +inf). */
function describeRange(key: string, rangeEnd: string): string {
  if (rangeEnd === '') return JSON.stringify(key);
  return `[${JSON.stringify(key)}, ${rangeEnd === '\x00' ? '+inf' : JSON.stringify(rangeEnd)})`;
}
