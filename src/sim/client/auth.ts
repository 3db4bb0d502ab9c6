// The Auth API (client/v3/auth.go). Authenticate is a plain unary call; the client's
// token handling (getToken, refresh) lives in client.ts.

import type { Context } from '../grpc/context';
import * as M from './methods';
import type { AuthenticateRequest, AuthenticateResponse, AuthRequest, AuthResponse } from './rpc-types';
import type { Client } from './client';
import type { Done } from './kv';

export const PermissionType = { READ: 0, WRITE: 1, READWRITE: 2 } as const;

export class Auth {
  constructor(private readonly client: Client) {}

  authenticate(ctx: Context, name: string, password: string, done: Done<AuthenticateResponse>): void {
    this.client.unary(ctx, M.Auth.Authenticate, { name, password } satisfies AuthenticateRequest, done);
  }

  authEnable(ctx: Context, done: Done<AuthResponse>): void {
    this.call(ctx, 'AuthEnable', {}, done);
  }
  authDisable(ctx: Context, done: Done<AuthResponse>): void {
    this.call(ctx, 'AuthDisable', {}, done);
  }
  authStatus(ctx: Context, done: Done<AuthResponse>): void {
    this.call(ctx, 'AuthStatus', {}, done);
  }
  userAdd(ctx: Context, name: string, password: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserAdd', { name, password }, done);
  }
  userDelete(ctx: Context, name: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserDelete', { name }, done);
  }
  userChangePassword(ctx: Context, name: string, password: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserChangePassword', { name, password }, done);
  }
  userGrantRole(ctx: Context, user: string, role: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserGrantRole', { user, role }, done);
  }
  userRevokeRole(ctx: Context, name: string, role: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserRevokeRole', { name, role }, done);
  }
  userGet(ctx: Context, name: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserGet', { name }, done);
  }
  userList(ctx: Context, done: Done<AuthResponse>): void {
    this.call(ctx, 'UserList', {}, done);
  }
  roleAdd(ctx: Context, name: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleAdd', { name }, done);
  }
  roleDelete(ctx: Context, role: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleDelete', { role }, done);
  }
  roleGet(ctx: Context, role: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleGet', { role }, done);
  }
  roleList(ctx: Context, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleList', {}, done);
  }
  roleGrantPermission(ctx: Context, name: string, key: string, rangeEnd: string, permType: number, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleGrantPermission', { name, perm: { key, rangeEnd, permType } }, done);
  }
  roleRevokePermission(ctx: Context, role: string, key: string, rangeEnd: string, done: Done<AuthResponse>): void {
    this.call(ctx, 'RoleRevokePermission', { role, key, rangeEnd }, done);
  }

  private call(ctx: Context, method: Exclude<keyof typeof M.Auth, 'Authenticate'>, req: AuthRequest, done: Done<AuthResponse>): void {
    this.client.unary(ctx, M.Auth[method], req, done);
  }
}
