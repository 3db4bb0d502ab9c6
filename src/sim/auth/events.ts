// Trace events of the auth store: every decision it takes, with the cause in words.

import type { AuthErrorName } from './errors';
import type { AccessKind } from './range-perm-cache';

export type AuthOp =
  | 'AuthEnable'
  | 'AuthDisable'
  | 'Authenticate'
  | 'CheckPassword'
  | 'UserAdd'
  | 'UserDelete'
  | 'UserChangePassword'
  | 'UserGrantRole'
  | 'UserRevokeRole'
  | 'UserGet'
  | 'RoleAdd'
  | 'RoleDelete'
  | 'RoleGet'
  | 'RoleGrantPermission'
  | 'RoleRevokePermission';

export type TokenAction = 'issued' | 'accepted' | 'waiting' | 'rejected' | 'expired' | 'invalidated';

export type AuthEvent =
  /** A request applied; `revision` is the auth revision after it (unchanged by a no-op). */
  | { kind: 'auth-applied'; op: AuthOp; target: string; revision: number; cause: string }
  | { kind: 'auth-rejected'; op: AuthOp; target: string; error: AuthErrorName; cause: string }
  | {
      kind: 'auth-permission';
      check: AccessKind | 'admin';
      username: string;
      key?: string;
      rangeEnd?: string;
      allowed: boolean;
      error?: AuthErrorName;
      cause: string;
    }
  | { kind: 'auth-token'; action: TokenAction; token: string; username?: string; cause: string }
  | { kind: 'auth-recovered'; enabled: boolean; revision: number; cause: string };
