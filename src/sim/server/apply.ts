// The applier of normal entries (etcd server/etcdserver/apply/apply.go with the auth
// applier of apply_auth.go, spec server.md §3.4, §9.6): one InternalRaftRequest against
// the member's key-value store, lessor and auth store. Every member applies the same
// entries in the same order and reaches the same state; only the proposer's member keeps
// the response.

import type { AuthInfo, AuthStore } from '../auth/store';
import type { Lessor } from '../lease/lessor';
import type { KVStore } from '../mvcc/kvstore';
import { compaction, deleteRange, put, txn } from '../mvcc/txn';
import type { RequestOp, TxnRequest } from '../mvcc/rpc';
import { revisionHeader } from '../mvcc/rpc';
import type { AlarmStore } from './alarm';
import { serverError } from './errors';
import { requestCost } from './quota';
import type { InternalRaftRequest } from './raft-request';

/** The state machine the applier drives: the narrow interface to MVCC, lessor and auth. */
export interface StateMachine {
  kv: KVStore;
  lessor: Lessor;
  auth: AuthStore;
  alarms: AlarmStore;
}

export type ApplyResult = { resp: unknown; err?: undefined } | { resp?: undefined; err: Error };

export interface ApplyHooks {
  /** ClusterMemberAttrSet. */
  setMemberAttributes(memberId: number, name: string, clientURLs: string[]): void;
  /** The consistent index during this apply: a simple token's numeric suffix (§9.5). */
  consistentIndex(): number;
}

export function applyRequest(sm: StateMachine, hooks: ApplyHooks, r: InternalRaftRequest): ApplyResult {
  try {
    return { resp: dispatch(sm, hooks, r) };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { err };
  }
}

function dispatch(sm: StateMachine, hooks: ApplyHooks, r: InternalRaftRequest): unknown {
  // The capped applier while NOSPACE is raised: anything that grows the db is refused.
  if (sm.alarms.has('NOSPACE') && requestCost(r) > 0) throw serverError('ErrNoSpace');
  const ai: AuthInfo = { username: r.header.username ?? '', revision: r.header.authRevision ?? 0 };
  const auth = sm.auth;
  const leaseExists = (id: number) => sm.lessor.lookup(id) !== undefined;
  if (r.put !== undefined) {
    checkPut(sm, ai, r.put.key, r.put.lease ?? 0, r.put.prevKv ?? false);
    return put(sm.kv, r.put, leaseExists);
  }
  if (r.deleteRange !== undefined) {
    const d = r.deleteRange;
    if (d.prevKv) auth.isRangePermitted(ai, d.key, d.rangeEnd ?? '');
    auth.isDeleteRangePermitted(ai, d.key, d.rangeEnd ?? '');
    return deleteRange(sm.kv, d);
  }
  if (r.txn !== undefined) {
    checkTxn(sm, ai, r.txn);
    return txn(sm.kv, r.txn, leaseExists);
  }
  if (r.compaction !== undefined) return compaction(sm.kv, r.compaction);
  if (r.leaseGrant !== undefined) {
    const l = sm.lessor.grant(r.leaseGrant.id, r.leaseGrant.ttl);
    return { header: revisionHeader(sm.kv.currentRevision), id: l.id, ttl: l.ttl };
  }
  if (r.leaseRevoke !== undefined) {
    const id = r.leaseRevoke.id;
    checkLeaseKeys(sm, ai, id);
    sm.lessor.revoke(id);
    return { header: revisionHeader(sm.kv.currentRevision) };
  }
  if (r.leaseCheckpoint !== undefined) {
    for (const c of r.leaseCheckpoint.checkpoints) sm.lessor.checkpoint(c.id, c.remainingTtl);
    return { header: revisionHeader(sm.kv.currentRevision) };
  }
  if (r.clusterMemberAttrSet !== undefined) {
    const a = r.clusterMemberAttrSet;
    hooks.setMemberAttributes(a.memberId, a.name, a.clientURLs);
    return {};
  }
  if (r.alarm !== undefined) {
    const a = r.alarm;
    const header = revisionHeader(sm.kv.currentRevision);
    if (a.action === 'GET') return { header, alarms: sm.alarms.get(a.alarm) };
    const changed = a.action === 'ACTIVATE' ? sm.alarms.activate(a.memberID, a.alarm) : sm.alarms.deactivate(a.memberID, a.alarm);
    return { header, alarms: changed === undefined ? [] : [changed] };
  }
  if (r.auth !== undefined) {
    if (r.auth.op === 'Authenticate') {
      const a = r.auth.args as { name: string; simpleToken: string };
      return auth.authenticate(a.name, a.simpleToken, hooks.consistentIndex());
    }
    return applyAuth(auth, ai, r.auth.op, r.auth.args);
  }
  throw new Error('etcdserver: unknown method');
}

/** Put (§9.6): write on the key; with a lease, write on all its keys; prev_kv needs read. */
function checkPut(sm: StateMachine, ai: AuthInfo, key: string, lease: number, prevKv: boolean): void {
  const auth = sm.auth;
  if (!auth.isAuthEnabled()) return;
  auth.isPutPermitted(ai, key);
  if (lease !== 0) checkLeaseKeys(sm, ai, lease);
  if (prevKv) auth.isRangePermitted(ai, key, '');
}

function checkLeaseKeys(sm: StateMachine, ai: AuthInfo, lease: number): void {
  const auth = sm.auth;
  if (!auth.isAuthEnabled() || auth.hasRole(ai.username, 'root')) return;
  for (const key of sm.lessor.lookup(lease)?.keys ?? []) auth.isPutPermitted(ai, key);
}

/** Txn (§9.6): read on every compare; both branches checked, recursively. */
function checkTxn(sm: StateMachine, ai: AuthInfo, t: TxnRequest): void {
  const auth = sm.auth;
  if (!auth.isAuthEnabled()) return;
  for (const c of t.compare ?? []) auth.isRangePermitted(ai, c.key, c.rangeEnd ?? '');
  const ops: RequestOp[] = [...(t.success ?? []), ...(t.failure ?? [])];
  for (const op of ops) {
    if (op.requestRange !== undefined) auth.isRangePermitted(ai, op.requestRange.key, op.requestRange.rangeEnd ?? '');
    else if (op.requestPut !== undefined) {
      checkPut(sm, ai, op.requestPut.key, op.requestPut.lease ?? 0, op.requestPut.prevKv ?? false);
    } else if (op.requestDeleteRange !== undefined) {
      const d = op.requestDeleteRange;
      if (d.prevKv) auth.isRangePermitted(ai, d.key, d.rangeEnd ?? '');
      auth.isDeleteRangePermitted(ai, d.key, d.rangeEnd ?? '');
    } else if (op.requestTxn !== undefined) checkTxn(sm, ai, op.requestTxn);
  }
}

/** Auth RPCs: admin except UserGet/RoleGet of one's own (§9.6), then the store's rule. */
function applyAuth(auth: AuthStore, ai: AuthInfo, op: string, args: Record<string, unknown>): unknown {
  const a = args as never;
  const admin = () => auth.isAdminPermitted(ai);
  switch (op) {
    case 'AuthEnable':
      admin();
      auth.authEnable();
      return {};
    case 'AuthDisable':
      admin();
      auth.authDisable();
      return {};
    case 'AuthStatus':
      return { enabled: auth.isAuthEnabled(), authRevision: auth.revision() };
    case 'UserAdd':
      admin();
      auth.userAdd(a);
      return {};
    case 'UserDelete':
      admin();
      auth.userDelete(a);
      return {};
    case 'UserChangePassword':
      admin();
      auth.userChangePassword(a);
      return {};
    case 'UserGrantRole':
      admin();
      auth.userGrantRole(a);
      return {};
    case 'UserRevokeRole':
      admin();
      auth.userRevokeRole(a);
      return {};
    case 'UserGet':
      if ((args as { name?: string }).name !== ai.username) admin();
      return auth.userGet(a);
    case 'UserList':
      admin();
      return { users: auth.userList() };
    case 'RoleAdd':
      admin();
      auth.roleAdd(a);
      return {};
    case 'RoleDelete':
      admin();
      auth.roleDelete(a);
      return {};
    case 'RoleGet':
      if (!auth.hasRole(ai.username, (args as { role?: string }).role ?? '')) admin();
      return auth.roleGet(a);
    case 'RoleList':
      admin();
      return { roles: auth.roleList() };
    case 'RoleGrantPermission':
      admin();
      auth.roleGrantPermission(a);
      return {};
    case 'RoleRevokePermission':
      admin();
      auth.roleRevokePermission(a);
      return {};
    default:
      throw new Error('etcdserver: unknown method');
  }
}
