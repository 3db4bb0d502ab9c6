// What etcdctl needs from an etcd client: the clientv3 calls its commands make, returning
// etcdserverpb responses (KV and Watch types from mvcc/rpc.ts) or rejecting with an Error
// whose message is what Go's err.Error() prints (e.g. "etcdserver: key is not provided",
// or "rpc error: code = ... desc = ..." for errors the client does not map). Transport,
// retries and timeouts are the backend's business.

import type { Permission } from '../auth/authpb';
import type { KeyValue } from '../mvcc/mvccpb';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../mvcc/rpc';

export type { KeyValue };

export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: number;
  TTL: number;
  error: string;
}
export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  ID: number;
  TTL: number;
}
export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  ID: number;
  /** Remaining seconds; -1 when the lease does not exist. */
  TTL: number;
  grantedTTL: number;
  keys: string[];
}
export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: { ID: number }[];
}
export interface HeaderResponse {
  header: ResponseHeader;
}

export interface Member {
  ID: number;
  /** Empty until the member has started and published its name. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}
export interface MemberListResponse {
  header: ResponseHeader;
  members: Member[];
}
export interface MemberAddResponse {
  header: ResponseHeader;
  member: Member;
  members: Member[];
}

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: number;
  leader: number;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  dbSizeInUse: number;
  isLearner: boolean;
}

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
export interface AlarmMember {
  memberID: number;
  alarm: AlarmType;
}
export interface AlarmResponse {
  header: ResponseHeader;
  alarms: AlarmMember[];
}

export { PermissionType } from '../auth/authpb';
export type { Permission };
export interface AuthStatusResponse {
  header: ResponseHeader;
  enabled: boolean;
  authRevision: number;
}
export interface UserGetResponse {
  header: ResponseHeader;
  roles: string[];
}
export interface UserListResponse {
  header: ResponseHeader;
  users: string[];
}
export interface RoleGetResponse {
  header: ResponseHeader;
  perm: Permission[];
}
export interface RoleListResponse {
  header: ResponseHeader;
  roles: string[];
}

/** A running watch: responses arrive through the callback until it is closed. */
export interface WatchHandle {
  /** Stops watching (etcdctl's Ctrl-C). */
  close(): void;
}
export interface WatchListener {
  onResponse(resp: WatchResponse): void;
  /** The watch channel closed (by close(), or by the client giving up). */
  onClose(): void;
}

/** A running lease keep-alive (clientv3 Lease.KeepAlive). */
export interface KeepAliveHandle {
  close(): void;
}
export interface KeepAliveListener {
  onResponse(resp: LeaseKeepAliveResponse): void;
  /** The keep-alive channel closed: the lease expired or was revoked, or the client gave up. */
  onClose(): void;
}

export interface EtcdctlBackend {
  /** The endpoints this client was created with (clientv3 Client.Endpoints). */
  endpoints(): string[];
  close(): void;

  get(req: RangeRequest): Promise<RangeResponse>;
  put(req: PutRequest): Promise<PutResponse>;
  delete(req: DeleteRangeRequest): Promise<DeleteRangeResponse>;
  txn(req: TxnRequest): Promise<TxnResponse>;
  compact(req: CompactionRequest): Promise<CompactionResponse>;
  watch(req: WatchCreateRequest, listener: WatchListener): WatchHandle;

  leaseGrant(ttlSeconds: number): Promise<LeaseGrantResponse>;
  leaseRevoke(id: number): Promise<HeaderResponse>;
  leaseTimeToLive(id: number, keys: boolean): Promise<LeaseTimeToLiveResponse>;
  leaseLeases(): Promise<LeaseLeasesResponse>;
  leaseKeepAliveOnce(id: number): Promise<LeaseKeepAliveResponse>;
  leaseKeepAlive(id: number, listener: KeepAliveListener): KeepAliveHandle;

  memberList(): Promise<MemberListResponse>;
  memberAdd(peerURLs: string[], isLearner: boolean): Promise<MemberAddResponse>;
  memberRemove(id: number): Promise<MemberListResponse>;
  memberUpdate(id: number, peerURLs: string[]): Promise<MemberListResponse>;
  memberPromote(id: number): Promise<MemberListResponse>;

  status(endpoint: string): Promise<StatusResponse>;
  hashKV(endpoint: string, revision: number): Promise<HashKVResponse>;
  defragment(endpoint: string): Promise<HeaderResponse>;
  alarmList(): Promise<AlarmResponse>;
  alarmDisarm(alarm: AlarmMember): Promise<AlarmResponse>;
  moveLeader(targetID: number): Promise<HeaderResponse>;

  authEnable(): Promise<HeaderResponse>;
  authDisable(): Promise<HeaderResponse>;
  authStatus(): Promise<AuthStatusResponse>;
  userAdd(name: string, password: string, noPassword: boolean): Promise<HeaderResponse>;
  userGet(name: string): Promise<UserGetResponse>;
  userList(): Promise<UserListResponse>;
  userDelete(name: string): Promise<HeaderResponse>;
  userChangePassword(name: string, password: string): Promise<HeaderResponse>;
  userGrantRole(user: string, role: string): Promise<HeaderResponse>;
  userRevokeRole(user: string, role: string): Promise<HeaderResponse>;
  roleAdd(name: string): Promise<HeaderResponse>;
  roleGet(name: string): Promise<RoleGetResponse>;
  roleList(): Promise<RoleListResponse>;
  roleDelete(name: string): Promise<HeaderResponse>;
  roleGrantPermission(name: string, perm: Permission): Promise<HeaderResponse>;
  roleRevokePermission(name: string, key: string, rangeEnd: string): Promise<HeaderResponse>;
}

/** clientv3.Config as etcdctl fills it from its global flags. */
export interface ClientConfig {
  endpoints: string[];
  dialTimeoutMs: number;
  /** Per-request timeout of short commands (--command-timeout). */
  commandTimeoutMs: number;
  keepAliveTimeMs: number;
  keepAliveTimeoutMs: number;
  /** --user/--password; the client authenticates when it is created. */
  username?: string;
  password?: string;
}

/** Where etcdctl runs: how it gets a client, and the (virtual) clock it measures with. */
export interface EtcdctlEnv {
  /** clientv3.New: rejects with the dial or authentication error. */
  connect(config: ClientConfig): Promise<EtcdctlBackend>;
  /** Milliseconds on the clock `endpoint health` and `check perf` time requests with. */
  now(): number;
  /** Resolves after `ms` of that clock (check perf's rate limiter). */
  sleep(ms: number): Promise<void>;
  /** Endpoints used when --endpoints is not given (etcdctl's default is 127.0.0.1:2379). */
  defaultEndpoints?: string[];
}
