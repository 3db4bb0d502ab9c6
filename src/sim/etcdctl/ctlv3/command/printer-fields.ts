// The "fields" output format (ctlv3/command/printer_fields.go): one `"Name" : value` line
// per field, strings Go-quoted. Commands without a fields form exit "fields not supported".

import type {
  AlarmResponse,
  HeaderResponse,
  KeyValue,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  MemberListResponse,
  RoleGetResponse,
  RoleListResponse,
} from '../../backend';
import { PermissionType } from '../../backend';
import { goQuote } from '../../flags';
import type { Io } from '../../io';
import type { DeleteRangeResponse, PutResponse, RangeResponse, ResponseHeader, TxnResponse, WatchResponse } from '../../../mvcc/rpc';
import type { EpHashKV, EpHealth, EpStatus } from './printer';
import { UnsupportedPrinter } from './printer';

export class FieldsPrinter extends UnsupportedPrinter {
  constructor(io: Io) {
    super(io, 'fields');
  }

  private field(name: string, value: string | number | boolean): void {
    this.io.out(`"${name}" : ${typeof value === 'string' ? goQuote(value) : String(value)}\n`);
  }

  private hdr(h: ResponseHeader): void {
    this.field('ClusterID', h.clusterId);
    this.field('MemberID', h.memberId);
    this.field('Revision', h.revision);
    this.field('RaftTerm', h.raftTerm);
  }

  private kv(pfx: string, kv: KeyValue): void {
    this.field(`${pfx}Key`, kv.key);
    this.field(`${pfx}CreateRevision`, kv.createRevision);
    this.field(`${pfx}ModRevision`, kv.modRevision);
    this.field(`${pfx}Version`, kv.version);
    this.field(`${pfx}Value`, kv.value);
    this.field(`${pfx}Lease`, kv.lease);
  }

  override del(r: DeleteRangeResponse): void {
    this.hdr(r.header);
    this.field('Deleted', r.deleted);
    for (const kv of r.prevKvs) this.kv('Prev', kv);
  }

  override get(r: RangeResponse): void {
    this.hdr(r.header);
    for (const kv of r.kvs) this.kv('', kv);
    this.field('More', r.more);
    this.field('Count', r.count);
  }

  override put(r: PutResponse): void {
    this.hdr(r.header);
    if (r.prevKv !== undefined) this.kv('Prev', r.prevKv);
  }

  override txn(r: TxnResponse): void {
    this.hdr(r.header);
    this.field('Succeeded', r.succeeded);
    for (const op of r.responses) {
      if (op.responseDeleteRange !== undefined) this.del(op.responseDeleteRange);
      else if (op.responsePut !== undefined) this.put(op.responsePut);
      else if (op.responseRange !== undefined) this.get(op.responseRange);
    }
  }

  override watch(r: WatchResponse): void {
    this.hdr(r.header);
    for (const ev of r.events) {
      this.io.out(`"Type" : ${ev.type}\n`);
      if (ev.prevKv !== undefined) this.kv('Prev', ev.prevKv);
      this.kv('', ev.kv);
    }
  }

  override grant(r: LeaseGrantResponse): void {
    this.hdr(r.header);
    this.field('ID', r.ID);
    this.field('TTL', r.TTL);
  }

  override revoke(_id: number, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override keepAlive(r: LeaseKeepAliveResponse): void {
    this.hdr(r.header);
    this.field('ID', r.ID);
    this.field('TTL', r.TTL);
  }

  override timeToLive(r: LeaseTimeToLiveResponse): void {
    this.hdr(r.header);
    this.field('ID', r.ID);
    this.field('TTL', r.TTL);
    this.field('GrantedTTL', r.grantedTTL);
    for (const k of r.keys) this.field('Key', k);
  }

  override leases(r: LeaseLeasesResponse): void {
    this.hdr(r.header);
    for (const l of r.leases) this.field('ID', l.ID);
  }

  override memberList(r: MemberListResponse): void {
    this.hdr(r.header);
    for (const m of r.members) {
      this.field('ID', m.ID);
      this.field('Name', m.name);
      for (const u of m.peerURLs) this.field('PeerURL', u);
      for (const u of m.clientURLs) this.field('ClientURL', u);
      this.field('IsLearner', m.isLearner);
      this.io.out('\n');
    }
  }

  override endpointHealth(hs: EpHealth[]): void {
    for (const h of hs) {
      this.field('Endpoint', h.ep);
      this.field('Health', h.health);
      this.io.out(`"Took" : ${h.took}\n"Error" : ${h.error}\n\n`);
    }
  }

  override endpointStatus(ss: EpStatus[]): void {
    for (const { ep, resp } of ss) {
      this.hdr(resp.header);
      this.field('Version', resp.version);
      this.field('DBSize', resp.dbSize);
      this.field('Leader', resp.leader);
      this.field('IsLearner', resp.isLearner);
      this.field('RaftIndex', resp.raftIndex);
      this.field('RaftTerm', resp.raftTerm);
      this.field('RaftAppliedIndex', resp.raftAppliedIndex);
      this.io.out(`"Errors" : [${resp.errors.join(' ')}]\n`);
      this.field('Endpoint', ep);
      this.io.out('\n');
    }
  }

  override endpointHashKV(hs: EpHashKV[]): void {
    for (const { ep, resp } of hs) {
      this.hdr(resp.header);
      this.field('Endpoint', ep);
      this.field('Hash', resp.hash);
      this.io.out('\n');
    }
  }

  override alarm(r: AlarmResponse): void {
    this.hdr(r.header);
    for (const a of r.alarms) {
      this.field('MemberID', a.memberID);
      this.io.out(`"AlarmType" : ${a.alarm}\n\n`);
    }
  }

  override roleAdd(_role: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override roleGet(_role: string, r: RoleGetResponse): void {
    this.hdr(r.header);
    for (const p of r.perm) {
      this.io.out(`"PermType" :  ${PermissionType[p.permType]}\n`);
      this.field('Key', p.key);
      this.field('RangeEnd', p.rangeEnd);
    }
  }

  override roleDelete(_role: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override roleList(r: RoleListResponse): void {
    this.hdr(r.header);
    this.io.out(`"Roles" :${r.roles.map((x) => ` ${goQuote(x)}`).join('')}\n`);
  }

  override roleGrantPermission(_role: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override roleRevokePermission(_role: string, _key: string, _end: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override userAdd(_name: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override userChangePassword(r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override userGrantRole(_user: string, _role: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override userRevokeRole(_user: string, _role: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }

  override userDelete(_name: string, r: HeaderResponse): void {
    this.hdr(r.header);
  }
}
