// The "simple" output format (ctlv3/command/printer_simple.go).

import type {
  AlarmResponse,
  AuthStatusResponse,
  HeaderResponse,
  KeyValue,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  MemberAddResponse,
  MemberListResponse,
  Permission,
  RoleGetResponse,
  RoleListResponse,
  UserGetResponse,
  UserListResponse,
} from '../../backend';
import { PermissionType } from '../../backend';
import { hexID, leaseHex, memberHex } from '../../go-format';
import type { Io } from '../../io';
import { getPrefixRangeEnd } from '../../../mvcc/bytes';
import { utf8Bytes } from '../../go-json';
import type { DeleteRangeResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../../../mvcc/rpc';
import type { EpHashKV, EpHealth, EpStatus, Printer } from './printer';
import { makeEndpointHashKVTable, makeEndpointStatusTable, makeMemberListTable } from './printer';

/** --hex: each byte as \xNN (addHexPrefix(hex.EncodeToString(b))). */
function hexBytes(s: string): string {
  return [...utf8Bytes(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

export class SimplePrinter implements Printer {
  constructor(
    private readonly io: Io,
    private readonly isHex: boolean,
    private readonly valueOnly: boolean,
  ) {}

  private kv(kv: KeyValue): void {
    const k = this.isHex ? hexBytes(kv.key) : kv.key;
    const v = this.isHex ? hexBytes(kv.value) : kv.value;
    if (!this.valueOnly) this.io.println(k);
    this.io.println(v);
  }

  del(r: DeleteRangeResponse): void {
    this.io.println(r.deleted);
    for (const kv of r.prevKvs) this.kv(kv);
  }

  get(r: RangeResponse): void {
    for (const kv of r.kvs) this.kv(kv);
  }

  put(r: PutResponse): void {
    this.io.println('OK');
    if (r.prevKv !== undefined) this.kv(r.prevKv);
  }

  txn(r: TxnResponse): void {
    this.io.println(r.succeeded ? 'SUCCESS' : 'FAILURE');
    for (const op of r.responses) {
      this.io.println('');
      if (op.responseDeleteRange !== undefined) this.del(op.responseDeleteRange);
      else if (op.responsePut !== undefined) this.put(op.responsePut);
      else if (op.responseRange !== undefined) this.get(op.responseRange);
    }
  }

  watch(r: WatchResponse): void {
    for (const ev of r.events) {
      this.io.println(ev.type);
      if (ev.prevKv !== undefined) this.kv(ev.prevKv);
      this.kv(ev.kv);
    }
  }

  grant(r: LeaseGrantResponse): void {
    this.io.println(`lease ${leaseHex(r.ID)} granted with TTL(${r.TTL}s)`);
  }

  revoke(id: number): void {
    this.io.println(`lease ${leaseHex(id)} revoked`);
  }

  keepAlive(r: LeaseKeepAliveResponse): void {
    this.io.println(`lease ${leaseHex(r.ID)} keepalived with TTL(${r.TTL})`);
  }

  timeToLive(r: LeaseTimeToLiveResponse, keys: boolean): void {
    if (r.grantedTTL === 0 && r.TTL === -1) {
      this.io.println(`lease ${leaseHex(r.ID)} already expired`);
      return;
    }
    let txt = `lease ${leaseHex(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)`;
    if (keys) txt += `, attached keys([${r.keys.join(' ')}])`;
    this.io.println(txt);
  }

  leases(r: LeaseLeasesResponse): void {
    this.io.println(`found ${r.leases.length} leases`);
    for (const l of r.leases) this.io.println(leaseHex(l.ID));
  }

  memberAdd(r: MemberAddResponse): void {
    const asLearner = r.member.isLearner ? ' as learner ' : ' ';
    this.io.println(`Member ${memberHex(r.member.ID)} added${asLearner}to cluster ${memberHex(r.header.clusterId)}`);
  }

  memberRemove(id: number, r: MemberListResponse): void {
    this.io.println(`Member ${memberHex(id)} removed from cluster ${memberHex(r.header.clusterId)}`);
  }

  memberUpdate(id: number, r: MemberListResponse): void {
    this.io.println(`Member ${memberHex(id)} updated in cluster ${memberHex(r.header.clusterId)}`);
  }

  memberPromote(id: number, r: MemberListResponse): void {
    this.io.println(`Member ${memberHex(id)} promoted in cluster ${memberHex(r.header.clusterId)}`);
  }

  memberList(r: MemberListResponse): void {
    for (const row of makeMemberListTable(r).rows) this.io.println(row.join(', '));
  }

  // etcdctl 3.4 and 3.5 write health to standard error.
  endpointHealth(hs: EpHealth[]): void {
    for (const h of hs) {
      if (h.error === '') this.io.err(`${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`);
      else this.io.err(`${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`);
    }
  }

  endpointStatus(ss: EpStatus[]): void {
    for (const row of makeEndpointStatusTable(ss).rows) this.io.println(row.join(', '));
  }

  endpointHashKV(hs: EpHashKV[]): void {
    for (const row of makeEndpointHashKVTable(hs).rows) this.io.println(row.join(', '));
  }

  moveLeader(leader: number, target: number): void {
    this.io.println(`Leadership transferred from ${hexID(leader)} to ${hexID(target)}`);
  }

  // %+v of an AlarmMember is its protobuf compact text.
  alarm(r: AlarmResponse): void {
    for (const a of r.alarms) this.io.println(`memberID:${a.memberID} alarm:${a.alarm} `);
  }

  authStatus(r: AuthStatusResponse): void {
    this.io.println('Authentication Status:', r.enabled);
    this.io.println('AuthRevision:', r.authRevision);
  }

  roleAdd(role: string): void {
    this.io.println(`Role ${role} created`);
  }

  roleGet(role: string, r: RoleGetResponse): void {
    this.io.println(`Role ${role}`);
    const section = (title: string, types: PermissionType[]) => {
      this.io.println(title);
      for (const p of r.perm) if (types.includes(p.permType)) this.io.out(`\t${permText(p)}\n`);
    };
    section('KV Read:', [PermissionType.READ, PermissionType.READWRITE]);
    section('KV Write:', [PermissionType.WRITE, PermissionType.READWRITE]);
  }

  roleDelete(role: string): void {
    this.io.println(`Role ${role} deleted`);
  }

  roleList(r: RoleListResponse): void {
    for (const role of r.roles) this.io.println(role);
  }

  roleGrantPermission(role: string): void {
    this.io.println(`Role ${role} updated`);
  }

  roleRevokePermission(role: string, key: string, end: string): void {
    if (end === '') this.io.println(`Permission of key ${key} is revoked from role ${role}`);
    else if (end !== '\0') this.io.println(`Permission of range [${key}, ${end}) is revoked from role ${role}`);
    else this.io.println(`Permission of range [${key}, <open ended> is revoked from role ${role}`);
  }

  userAdd(name: string): void {
    this.io.println(`User ${name} created`);
  }

  userGet(name: string, r: UserGetResponse): void {
    this.io.println(`User: ${name}`);
    this.io.println(`Roles:${r.roles.map((role) => ` ${role}`).join('')}`);
  }

  userList(r: UserListResponse): void {
    for (const u of r.users) this.io.println(u);
  }

  userChangePassword(_r: HeaderResponse): void {
    this.io.println('Password updated');
  }

  userGrantRole(user: string, role: string): void {
    this.io.println(`Role ${role} is granted to user ${user}`);
  }

  userRevokeRole(user: string, role: string): void {
    this.io.println(`Role ${role} is revoked from user ${user}`);
  }

  userDelete(name: string): void {
    this.io.println(`User ${name} deleted`);
  }
}

/** One permission line of `role get`. */
function permText(p: Permission): string {
  if (p.rangeEnd === '') return p.key;
  let s = p.rangeEnd !== '\0' ? `[${p.key}, ${p.rangeEnd})` : `[${p.key}, <open ended>`;
  if (getPrefixRangeEnd(p.key) === p.rangeEnd) s += ` (prefix ${p.key})`;
  return s;
}
