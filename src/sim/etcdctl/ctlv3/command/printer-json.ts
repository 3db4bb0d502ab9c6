// The "json" output format (ctlv3/command/printer_json.go): json.Marshal of the Go
// response value, so the field names and nesting are those of etcdserverpb's generated
// structs (snake_case, omitempty) or of the clientv3 wrapper types (Go field names).

import type {
  AlarmResponse,
  AuthStatusResponse,
  HeaderResponse,
  KeyValue,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  Member,
  MemberAddResponse,
  MemberListResponse,
  RoleGetResponse,
  RoleListResponse,
  UserGetResponse,
  UserListResponse,
} from '../../backend';
import { base64, marshal, omitEmpty } from '../../go-json';
import type { Json } from '../../go-json';
import type { Io } from '../../io';
import type { Event } from '../../../mvcc/mvccpb';
import type {
  DeleteRangeResponse,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  TxnResponse,
  WatchResponse,
} from '../../../mvcc/rpc';
import type { EpHashKV, EpHealth, EpStatus, Printer } from './printer';

function headerFields(h: ResponseHeader) {
  return omitEmpty({ cluster_id: h.clusterId, member_id: h.memberId, revision: h.revision, raft_term: h.raftTerm });
}

/** `header` of an etcdserverpb response; a nil header (all zero, as 3.4's alarm list sends) is left out. */
function header(h: ResponseHeader): Json | undefined {
  const f = headerFields(h);
  return Object.keys(f).length === 0 ? undefined : f;
}

function kv(k: KeyValue): Json {
  return omitEmpty({
    key: base64(k.key),
    create_revision: k.createRevision,
    mod_revision: k.modRevision,
    version: k.version,
    value: base64(k.value),
    lease: k.lease,
  });
}

function event(e: Event): Json {
  return omitEmpty({ type: e.type === 'DELETE' ? 1 : 0, kv: kv(e.kv), prev_kv: e.prevKv === undefined ? undefined : kv(e.prevKv) });
}

function member(m: Member): Json {
  return omitEmpty({ ID: m.ID, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner });
}

function rangeJSON(r: RangeResponse): Json {
  return omitEmpty({ header: header(r.header), kvs: r.kvs.map(kv), more: r.more, count: r.count });
}

function putJSON(r: PutResponse): Json {
  return omitEmpty({ header: header(r.header), prev_kv: r.prevKv === undefined ? undefined : kv(r.prevKv) });
}

function deleteJSON(r: DeleteRangeResponse): Json {
  return omitEmpty({ header: header(r.header), deleted: r.deleted, prev_kvs: r.prevKvs.map(kv) });
}

/** A ResponseOp: its oneof wrapper marshals under the Go field name of the variant. */
function responseOp(op: ResponseOp): Json {
  if (op.responseRange !== undefined) return { Response: { ResponseRange: rangeJSON(op.responseRange) } };
  if (op.responsePut !== undefined) return { Response: { ResponsePut: putJSON(op.responsePut) } };
  if (op.responseDeleteRange !== undefined) return { Response: { ResponseDeleteRange: deleteJSON(op.responseDeleteRange) } };
  if (op.responseTxn !== undefined) return { Response: { ResponseTxn: txnJSON(op.responseTxn) } };
  return {};
}

function txnJSON(r: TxnResponse): Json {
  return omitEmpty({ header: header(r.header), succeeded: r.succeeded, responses: r.responses.map(responseOp) });
}

/** clientv3 types that embed *pb.ResponseHeader marshal its fields inline. */
function flatHeader(h: ResponseHeader, fields: Record<string, Json>): Json {
  return { ...headerFields(h), ...fields };
}

function headerOnly(r: HeaderResponse): Json {
  return omitEmpty({ header: header(r.header) });
}

export class JsonPrinter implements Printer {
  constructor(private readonly io: Io) {}

  private print(v: Json): void {
    this.io.out(`${marshal(v)}\n`);
  }

  del(r: DeleteRangeResponse): void {
    this.print(deleteJSON(r));
  }
  get(r: RangeResponse): void {
    this.print(rangeJSON(r));
  }
  put(r: PutResponse): void {
    this.print(putJSON(r));
  }
  txn(r: TxnResponse): void {
    this.print(txnJSON(r));
  }
  // clientv3.WatchResponse has no json tags: Go field names, no omitempty.
  watch(r: WatchResponse): void {
    this.print({
      Header: headerFields(r.header),
      Events: r.events.length === 0 ? null : r.events.map(event),
      CompactRevision: r.compactRevision,
      Canceled: r.canceled,
      Created: r.created,
    });
  }

  grant(r: LeaseGrantResponse): void {
    this.print(flatHeader(r.header, { ID: r.ID, TTL: r.TTL, Error: r.error }));
  }
  revoke(_id: number, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  keepAlive(r: LeaseKeepAliveResponse): void {
    this.print(flatHeader(r.header, { ID: r.ID, TTL: r.TTL }));
  }
  timeToLive(r: LeaseTimeToLiveResponse): void {
    this.print(
      flatHeader(r.header, { id: r.ID, ttl: r.TTL, 'granted-ttl': r.grantedTTL, keys: r.keys.length === 0 ? null : r.keys.map(base64) }),
    );
  }
  leases(r: LeaseLeasesResponse): void {
    this.print(flatHeader(r.header, { leases: r.leases.map((l) => ({ id: l.ID })) }));
  }

  memberAdd(r: MemberAddResponse): void {
    this.print(omitEmpty({ header: header(r.header), member: member(r.member), members: r.members.map(member) }));
  }
  memberRemove(_id: number, r: MemberListResponse): void {
    this.memberList(r);
  }
  memberUpdate(_id: number, r: MemberListResponse): void {
    this.memberList(r);
  }
  memberPromote(_id: number, r: MemberListResponse): void {
    this.memberList(r);
  }
  memberList(r: MemberListResponse): void {
    this.print(omitEmpty({ header: header(r.header), members: r.members.map(member) }));
  }

  endpointHealth(hs: EpHealth[]): void {
    this.print(hs.map((h) => ({ endpoint: h.ep, health: h.health, took: h.took, error: h.error === '' ? undefined : h.error })));
  }
  endpointStatus(ss: EpStatus[]): void {
    this.print(
      ss.map(({ ep, resp }) => ({
        Endpoint: ep,
        Status: omitEmpty({
          header: header(resp.header),
          version: resp.version,
          dbSize: resp.dbSize,
          leader: resp.leader,
          raftIndex: resp.raftIndex,
          raftTerm: resp.raftTerm,
          raftAppliedIndex: resp.raftAppliedIndex,
          errors: resp.errors,
          dbSizeInUse: resp.dbSizeInUse,
          isLearner: resp.isLearner,
        }),
      })),
    );
  }
  endpointHashKV(hs: EpHashKV[]): void {
    this.print(
      hs.map(({ ep, resp }) => ({
        Endpoint: ep,
        HashKV: omitEmpty({ header: header(resp.header), hash: resp.hash, compact_revision: resp.compactRevision }),
      })),
    );
  }
  moveLeader(_leader: number, _target: number, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  alarm(r: AlarmResponse): void {
    const types = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };
    this.print(omitEmpty({ header: header(r.header), alarms: r.alarms.map((a) => omitEmpty({ memberID: a.memberID, alarm: types[a.alarm] })) }));
  }

  authStatus(r: AuthStatusResponse): void {
    this.print(omitEmpty({ header: header(r.header), enabled: r.enabled, authRevision: r.authRevision }));
  }
  roleAdd(_role: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  roleGet(_role: string, r: RoleGetResponse): void {
    const perm = r.perm.map((p) => omitEmpty({ permType: p.permType, key: base64(p.key), range_end: base64(p.rangeEnd) }));
    this.print(omitEmpty({ header: header(r.header), perm }));
  }
  roleDelete(_role: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  roleList(r: RoleListResponse): void {
    this.print(omitEmpty({ header: header(r.header), roles: r.roles }));
  }
  roleGrantPermission(_role: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  roleRevokePermission(_role: string, _key: string, _end: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  userAdd(_name: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  userGet(_name: string, r: UserGetResponse): void {
    this.print(omitEmpty({ header: header(r.header), roles: r.roles }));
  }
  userList(r: UserListResponse): void {
    this.print(omitEmpty({ header: header(r.header), users: r.users }));
  }
  userChangePassword(r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  userGrantRole(_user: string, _role: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  userRevokeRole(_user: string, _role: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
  userDelete(_name: string, r: HeaderResponse): void {
    this.print(headerOnly(r));
  }
}
