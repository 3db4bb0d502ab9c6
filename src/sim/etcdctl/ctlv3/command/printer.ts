// etcdctl's printer interface (ctlv3/command/printer.go): one method per response kind,
// and the output formats of --write-out. A format that lacks a method exits with
// "<format> not supported as output format" after the request has run, as etcdctl does.

import type {
  AlarmResponse,
  AuthStatusResponse,
  HeaderResponse,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  MemberAddResponse,
  MemberListResponse,
  RoleGetResponse,
  RoleListResponse,
  StatusResponse,
  UserGetResponse,
  UserListResponse,
} from '../../backend';
import { hexID, humanizeBytes } from '../../go-format';
import { ExitBadFeature, Exit } from '../../io';
import type { Io } from '../../io';
import type {
  DeleteRangeResponse,
  HashKVResponse,
  PutResponse,
  RangeResponse,
  TxnResponse,
  WatchResponse,
} from '../../../mvcc/rpc';

export interface EpHealth {
  ep: string;
  health: boolean;
  /** time.Duration's text. */
  took: string;
  error: string;
}
export interface EpStatus {
  ep: string;
  resp: StatusResponse;
}
export interface EpHashKV {
  ep: string;
  resp: HashKVResponse;
}

export interface Printer {
  del(r: DeleteRangeResponse): void;
  get(r: RangeResponse): void;
  put(r: PutResponse): void;
  txn(r: TxnResponse): void;
  watch(r: WatchResponse): void;

  grant(r: LeaseGrantResponse): void;
  revoke(id: number, r: HeaderResponse): void;
  keepAlive(r: LeaseKeepAliveResponse): void;
  timeToLive(r: LeaseTimeToLiveResponse, keys: boolean): void;
  leases(r: LeaseLeasesResponse): void;

  memberAdd(r: MemberAddResponse): void;
  memberRemove(id: number, r: MemberListResponse): void;
  memberUpdate(id: number, r: MemberListResponse): void;
  memberPromote(id: number, r: MemberListResponse): void;
  memberList(r: MemberListResponse): void;

  endpointHealth(hs: EpHealth[]): void;
  endpointStatus(ss: EpStatus[]): void;
  endpointHashKV(hs: EpHashKV[]): void;
  moveLeader(leader: number, target: number, r: HeaderResponse): void;
  alarm(r: AlarmResponse): void;

  authStatus(r: AuthStatusResponse): void;
  roleAdd(role: string, r: HeaderResponse): void;
  roleGet(role: string, r: RoleGetResponse): void;
  roleDelete(role: string, r: HeaderResponse): void;
  roleList(r: RoleListResponse): void;
  roleGrantPermission(role: string, r: HeaderResponse): void;
  roleRevokePermission(role: string, key: string, end: string, r: HeaderResponse): void;
  userAdd(name: string, r: HeaderResponse): void;
  userGet(name: string, r: UserGetResponse): void;
  userList(r: UserListResponse): void;
  userChangePassword(r: HeaderResponse): void;
  userGrantRole(user: string, role: string, r: HeaderResponse): void;
  userRevokeRole(user: string, role: string, r: HeaderResponse): void;
  userDelete(name: string, r: HeaderResponse): void;
}

/** printerUnsupported: every method exits; a format overrides the ones it has. */
export class UnsupportedPrinter implements Printer {
  constructor(
    protected readonly io: Io,
    private readonly format: string,
  ) {}

  protected unsupported(): never {
    throw new Exit(ExitBadFeature, `${this.format} not supported as output format`);
  }

  del(_r: DeleteRangeResponse): void {
    this.unsupported();
  }
  get(_r: RangeResponse): void {
    this.unsupported();
  }
  put(_r: PutResponse): void {
    this.unsupported();
  }
  txn(_r: TxnResponse): void {
    this.unsupported();
  }
  watch(_r: WatchResponse): void {
    this.unsupported();
  }
  grant(_r: LeaseGrantResponse): void {
    this.unsupported();
  }
  revoke(_id: number, _r: HeaderResponse): void {
    this.unsupported();
  }
  keepAlive(_r: LeaseKeepAliveResponse): void {
    this.unsupported();
  }
  timeToLive(_r: LeaseTimeToLiveResponse, _keys: boolean): void {
    this.unsupported();
  }
  leases(_r: LeaseLeasesResponse): void {
    this.unsupported();
  }
  memberAdd(_r: MemberAddResponse): void {
    this.unsupported();
  }
  memberRemove(_id: number, _r: MemberListResponse): void {
    this.unsupported();
  }
  memberUpdate(_id: number, _r: MemberListResponse): void {
    this.unsupported();
  }
  memberPromote(_id: number, _r: MemberListResponse): void {
    this.unsupported();
  }
  memberList(_r: MemberListResponse): void {
    this.unsupported();
  }
  endpointHealth(_hs: EpHealth[]): void {
    this.unsupported();
  }
  endpointStatus(_ss: EpStatus[]): void {
    this.unsupported();
  }
  endpointHashKV(_hs: EpHashKV[]): void {
    this.unsupported();
  }
  moveLeader(_leader: number, _target: number, _r: HeaderResponse): void {
    this.unsupported();
  }
  alarm(_r: AlarmResponse): void {
    this.unsupported();
  }
  authStatus(_r: AuthStatusResponse): void {
    this.unsupported();
  }
  roleAdd(_role: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  roleGet(_role: string, _r: RoleGetResponse): void {
    this.unsupported();
  }
  roleDelete(_role: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  roleList(_r: RoleListResponse): void {
    this.unsupported();
  }
  roleGrantPermission(_role: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  roleRevokePermission(_role: string, _key: string, _end: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  userAdd(_name: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  userGet(_name: string, _r: UserGetResponse): void {
    this.unsupported();
  }
  userList(_r: UserListResponse): void {
    this.unsupported();
  }
  userChangePassword(_r: HeaderResponse): void {
    this.unsupported();
  }
  userGrantRole(_user: string, _role: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  userRevokeRole(_user: string, _role: string, _r: HeaderResponse): void {
    this.unsupported();
  }
  userDelete(_name: string, _r: HeaderResponse): void {
    this.unsupported();
  }
}

export type Table = { hdr: string[]; rows: string[][] };

export function makeMemberListTable(r: MemberListResponse): Table {
  return {
    hdr: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [
      hexID(m.ID),
      m.name === '' ? 'unstarted' : 'started',
      m.name,
      m.peerURLs.join(','),
      m.clientURLs.join(','),
      String(m.isLearner),
    ]),
  };
}

export function makeEndpointHealthTable(hs: EpHealth[]): Table {
  return {
    hdr: ['endpoint', 'health', 'took', 'error'],
    rows: hs.map((h) => [h.ep, String(h.health), h.took, h.error]),
  };
}

export function makeEndpointStatusTable(ss: EpStatus[]): Table {
  return {
    hdr: ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
    rows: ss.map(({ ep, resp }) => [
      ep,
      hexID(resp.header.memberId),
      resp.version,
      humanizeBytes(resp.dbSize),
      String(resp.leader === resp.header.memberId),
      String(resp.isLearner),
      String(resp.raftTerm),
      String(resp.raftIndex),
      String(resp.raftAppliedIndex),
      resp.errors.join(', '),
    ]),
  };
}

export function makeEndpointHashKVTable(hs: EpHashKV[]): Table {
  return {
    hdr: ['endpoint', 'hash'],
    rows: hs.map(({ ep, resp }) => [ep, String(resp.hash)]),
  };
}
