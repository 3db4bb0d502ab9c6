// The Auth service (etcd server/etcdserver/api/v3rpc/auth.go and EtcdServer.Authenticate
// of v3_server.go, spec server.md §9.5, §2.8). The management RPCs go through the server's
// authRequest path (raft; admin checked at apply).
//
// Authenticate, as etcd: a linearizable read, the password check, a fresh token prefix,
// then a raft round trip, and the token "<prefix>.<index>". SHORTCUT (documented): the
// server has no internal Authenticate entry yet, so the round trip is an AuthStatus entry
// (same path, no admin check) and the token is registered, with that entry's applied
// index, in the auth store of every member `members()` returns that is running — what
// applying etcd's Authenticate entry on every member does. A member that was down then
// does not know the token; the client refreshes it on ErrInvalidAuthToken.

import type { GrpcServer } from '../../grpc/server';
import * as M from '../../client/methods';
import type { AuthenticateRequest, AuthenticateResponse, AuthRequest, AuthResponse } from '../../client/rpc-types';
import type { EtcdServer } from '../server';
import { linearizableReadNotify } from '../v3-server';
import type { Callback, RequestContext } from '../v3-server';
import { newHeader, unary } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.authenticate': { user: string; index: number; members: number };
  }
}

type AuthOp = Exclude<keyof typeof M.Auth, 'Authenticate'>;

const ops = Object.keys(M.Auth).filter((k): k is AuthOp => k !== 'Authenticate');

/**
 * EtcdServer.Authenticate: a linearizable read, then (until the auth revision seen by the
 * password check is still current after the raft round trip) check the password, draw a
 * token prefix, go through raft and register "<prefix>.<index>".
 */
function authenticate(
  s: EtcdServer,
  members: () => readonly EtcdServer[],
  name: string,
  password: string,
  ctx: RequestContext,
  done: Callback<AuthenticateResponse>,
): void {
  const attempt = (): void => {
    let checkedRevision: number;
    try {
      checkedRevision = s.auth.checkPassword(name, password);
    } catch (e) {
      return done(e as Error);
    }
    const prefix = s.auth.genTokenPrefix();
    // Authenticate does not read the caller's token (PR #12165): a stale one must not fail it.
    s.authRequest('AuthStatus', {}, { deadline: ctx.deadline }, (err) => {
      if (err !== undefined) return done(err);
      if (checkedRevision !== s.auth.revision()) {
        s.kernel.trace.emit(s.name, 'v3rpc.authenticate', { user: name, index: s.appliedIndex, members: 0 }, { reason: 'revision when password checked became stale; retrying' });
        return attempt();
      }
      const index = s.appliedIndex;
      let token = '';
      let registered = 0;
      try {
        for (const m of members()) {
          if (!m.isRunning || !m.auth.isAuthEnabled()) continue;
          const t = m.auth.authenticate(name, prefix, index).token;
          registered++;
          if (m === s) token = t;
        }
        if (token === '') token = s.auth.authenticate(name, prefix, index).token;
      } catch (e) {
        return done(e as Error);
      }
      s.kernel.trace.emit(s.name, 'v3rpc.authenticate', { user: name, index, members: registered }, { reason: 'password checked; token registered through raft' });
      done(undefined, { header: newHeader(s), token });
    });
  };
  linearizableReadNotify(s, ctx, (err) => (err !== undefined ? done(err) : attempt()));
}

export function registerAuth(s: EtcdServer, grpc: GrpcServer, members: () => readonly EtcdServer[]): void {
  unary<AuthenticateRequest, AuthenticateResponse>(s, grpc, M.Auth.Authenticate, (req, ctx, _call, done) => {
    const name = typeof req.name === 'string' ? req.name : '';
    const password = typeof req.password === 'string' ? req.password : '';
    authenticate(s, members, name, password, ctx, done);
  });
  for (const op of ops) {
    unary<AuthRequest, AuthResponse>(s, grpc, M.Auth[op], (req, ctx, _call, done) => {
      s.authRequest(op, req, ctx, (err, resp) => {
        if (err !== undefined) return done(err);
        done(undefined, { ...(resp as Omit<AuthResponse, 'header'>), header: newHeader(s) });
      });
    });
  }
}
