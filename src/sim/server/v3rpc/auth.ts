// The Auth service (etcd server/etcdserver/api/v3rpc/auth.go, spec server.md §9.5, §2.8):
// Authenticate and the management RPCs on EtcdServer (raft; admin checked at apply).

import type { GrpcServer } from '../../grpc/server';
import * as M from '../../client/methods';
import type { AuthenticateRequest, AuthenticateResponse, AuthRequest, AuthResponse } from '../../client/rpc-types';
import type { EtcdServer } from '../server';
import { newHeader, unary } from './util';

type AuthOp = Exclude<keyof typeof M.Auth, 'Authenticate'>;

const ops = Object.keys(M.Auth).filter((k): k is AuthOp => k !== 'Authenticate');

export function registerAuth(s: EtcdServer, grpc: GrpcServer): void {
  unary<AuthenticateRequest, AuthenticateResponse>(s, grpc, M.Auth.Authenticate, (req, ctx, _call, done) => {
    const name = typeof req.name === 'string' ? req.name : '';
    const password = typeof req.password === 'string' ? req.password : '';
    // Authenticate does not read the caller's token (PR #12165): a stale one must not fail it.
    s.authenticate(name, password, { deadline: ctx.deadline }, done);
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
