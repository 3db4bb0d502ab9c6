// etcd's interceptor chain (server/etcdserver/api/v3rpc/interceptor.go, spec server.md
// §2.1): before every call, in etcd's order, the learner check, the hasleader check, and
// (the simulator's one shortcut) the token check every token-reading RPC would make; and
// the monitor that cancels hasleader streams after 3 election timeouts without a leader.

import { AuthError } from '../../auth/errors';
import type { CallInfo, Interceptor, ServerStream } from '../../grpc/server';
import type { StatusError } from '../../grpc/status';
import * as M from '../../client/methods';
import type { Timer } from '../../kernel/kernel';
import { serverError } from '../errors';
import type { EtcdServer } from '../server';
import { reject, togRPCError, tokenOf } from './util';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.no-leader-streams': { streams: number; checks: number };
  }
}

/** maxNoLeaderCnt: leaderless election timeouts before hasleader streams are cancelled. */
export const maxNoLeaderCnt = 3;

/** Methods a learner serves: Status, serializable Range (checked by the KV service), Snapshot. */
const learnerAllowed: ReadonlySet<string> = new Set([M.Maintenance.Status, M.KV.Range, M.Maintenance.Snapshot]);

/** Methods that do not resolve the caller's token: Authenticate (PR #12165) and Watch (per watcher, §7.1). */
const tokenExempt: ReadonlySet<string> = new Set([M.Auth.Authenticate, M.Watch.Watch]);

export function isLearner(s: EtcdServer): boolean {
  return s.isRunning && s.cluster.member(s.id)?.isLearner === true;
}

export function newInterceptor(s: EtcdServer): Interceptor {
  return (info: CallInfo) => {
    if (!s.isRunning) return reject(s, info, serverError('ErrStopped'), `member is ${s.status}`);
    if (isLearner(s) && !learnerAllowed.has(info.method)) {
      return reject(s, info, serverError('ErrGRPCNotSupportedForLearner'), 'this member is a learner');
    }
    if (info.metadata.hasleader === 'true' && s.lead === 0) {
      return reject(s, info, serverError('ErrNoLeader'), 'hasleader metadata and this member knows no leader');
    }
    return tokenExempt.has(info.method) ? undefined : checkToken(s, info);
  };
}

/**
 * AuthInfoFromCtx of the token (§9.5, §9.7): an unknown or malformed token fails with
 * ErrInvalidAuthToken. etcd resolves it inside each RPC; every RPC that reads it fails the
 * same way, so the chain does it once. A missing token is left to the RPCs that need a user.
 */
function checkToken(s: EtcdServer, info: CallInfo): StatusError | undefined {
  const token = tokenOf(info.metadata);
  if (token === undefined || !s.auth.isAuthEnabled()) return undefined;
  try {
    s.auth.authInfoFromCtx({ token });
    return undefined;
  } catch (err) {
    const e = err instanceof Error ? err : new AuthError('ErrInvalidAuthToken');
    return reject(s, info, e, 'the token is not known to this member');
  }
}

/**
 * The stream half of the chain: a stream opened with hasleader=true is watched; every
 * election timeout the member's leader is checked, and after maxNoLeaderCnt leaderless
 * checks in a row every watched stream ends with ErrGRPCNoLeader.
 */
export class LeaderMonitor {
  private readonly streams = new Set<ServerStream>();
  private timer: Timer | undefined;
  private noLeaderCnt = 0;

  constructor(private readonly s: EtcdServer) {}

  watch(stream: ServerStream): void {
    if (stream.metadata.hasleader !== 'true') return;
    this.streams.add(stream);
    stream.onCancel(() => this.streams.delete(stream));
    if (this.timer === undefined) this.arm();
  }

  forget(stream: ServerStream): void {
    this.streams.delete(stream);
  }

  private arm(): void {
    this.timer = this.s.kernel.schedule(this.s.electionTimeoutMs, () => this.check(), `${this.s.name} no-leader monitor`);
  }

  private check(): void {
    this.timer = undefined;
    for (const st of [...this.streams]) if (st.done) this.streams.delete(st);
    if (this.streams.size === 0) {
      this.noLeaderCnt = 0;
      return;
    }
    this.noLeaderCnt = this.s.lead === 0 ? this.noLeaderCnt + 1 : 0;
    if (this.noLeaderCnt >= maxNoLeaderCnt) {
      const streams = [...this.streams];
      this.streams.clear();
      this.s.kernel.trace.emit(
        this.s.name,
        'v3rpc.no-leader-streams',
        { streams: streams.length, checks: this.noLeaderCnt },
        { reason: `no leader for ${maxNoLeaderCnt} election timeouts: cancel hasleader streams` },
      );
      this.noLeaderCnt = 0;
      for (const st of streams) st.end(togRPCError(serverError('ErrNoLeader')));
      return;
    }
    this.arm();
  }
}
