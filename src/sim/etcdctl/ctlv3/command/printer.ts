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

  del(): void {
    this.unsupported();
  }
  get(): void {
    this.unsupported();
  }
  put(): void {
    this.unsupported();
  }
  txn(): void {
    this.unsupported();
  }
  watch(): void {
    this.unsupported();
  }
  grant(): void {
    this.unsupported();
  }
  revoke(): void {
    this.unsupported();
  }
  keepAlive(): void {
    this.unsupported();
  }
  timeToLive(): void {
    this.unsupported();
  }
  leases(): void {
    this.unsupported();
  }
  memberAdd(): void {
    this.unsupported();
  }
  memberRemove(): void {
    this.unsupported();
  }
  memberUpdate(): void {
    this.unsupported();
  }
  memberPromote(): void {
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
  moveLeader(): void {
    this.unsupported();
  }
  alarm(): void {
    this.unsupported();
  }
  authStatus(): void {
    this.unsupported();
  }
  roleAdd(): void {
    this.unsupported();
  }
  roleGet(): void {
    this.unsupported();
  }
  roleDelete(): void {
    this.unsupported();
  }
  roleList(): void {
    this.unsupported();
  }
  roleGrantPermission(): void {
    this.unsupported();
  }
  roleRevokePermission(): void {
    this.unsupported();
  }
  userAdd(): void {
    this.unsupported();
  }
  userGet(): void {
    this.unsupported();
  }
  userList(): void {
    this.unsupported();
  }
  userChangePassword(): void {
    this.unsupported();
  }
  userGrantRole(): void {
    this.unsupported();
  }
  userRevokeRole(): void {
    this.unsupported();
  }
  userDelete(): void {
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
