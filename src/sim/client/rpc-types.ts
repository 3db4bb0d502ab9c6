// Request and response types of the Lease, Auth, Cluster and Maintenance services
// (api/etcdserverpb/rpc.proto), in the conventions of src/sim/mvcc/rpc.ts, which holds
// the KV and Watch ones. Only the fields the simulator uses.

import type { ResponseHeader } from '../mvcc/rpc';

export interface LeaseGrantRequest {
  /** Seconds. */
  TTL: number;
  /** 0 = let the server choose. */
  ID?: number;
}
export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: number;
  TTL: number;
  error: string;
}
export interface LeaseRevokeRequest {
  ID: number;
}
export interface LeaseRevokeResponse {
  header: ResponseHeader;
}
export interface LeaseKeepAliveRequest {
  ID: number;
}
export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  ID: number;
  /** Remaining TTL in seconds; <= 0 means the lease is gone. */
  TTL: number;
}
export interface LeaseTimeToLiveRequest {
  ID: number;
  keys?: boolean;
}
export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  ID: number;
  /** Remaining seconds; -1 when the lease does not exist. */
  TTL: number;
  grantedTTL: number;
  keys: string[];
}
export type LeaseLeasesRequest = Record<string, never>;
export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: { ID: number }[];
}

export interface AuthenticateRequest {
  name: string;
  password: string;
}
export interface AuthenticateResponse {
  header: ResponseHeader;
  token: string;
}
/** Every other Auth RPC: its request fields by name; the response has a header and RPC-specific fields. */
export type AuthRequest = Record<string, string | number | boolean | undefined | { key: string; rangeEnd?: string; permType: number }>;
export interface AuthResponse {
  header: ResponseHeader;
  enabled?: boolean;
  authRevision?: number;
  users?: string[];
  roles?: string[];
  perm?: { permType: number; key: string; rangeEnd: string }[];
}

export interface Member {
  ID: number;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}
export interface MemberListRequest {
  linearizable?: boolean;
}
export interface MemberListResponse {
  header: ResponseHeader;
  members: Member[];
}
export interface MemberAddRequest {
  peerURLs: string[];
  isLearner?: boolean;
}
export interface MemberAddResponse {
  header: ResponseHeader;
  member: Member;
  members: Member[];
}
export interface MemberIdRequest {
  ID: number;
}
export interface MemberUpdateRequest {
  ID: number;
  peerURLs: string[];
}
export interface MembersResponse {
  header: ResponseHeader;
  members: Member[];
}

export type StatusRequest = Record<string, never>;
export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: number;
  dbSizeInUse: number;
  leader: number;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  isLearner: boolean;
}
export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
export interface AlarmRequest {
  action: 'GET' | 'ACTIVATE' | 'DEACTIVATE';
  memberID?: number;
  alarm?: AlarmType;
}
export interface AlarmResponse {
  header: ResponseHeader;
  alarms: { memberID: number; alarm: AlarmType }[];
}
export interface MoveLeaderRequest {
  targetID: number;
}
export interface HeaderOnlyResponse {
  header: ResponseHeader;
}
export type SnapshotRequest = Record<string, never>;
export interface SnapshotResponse {
  header: ResponseHeader;
  /** Bytes still to come after this chunk. */
  remainingBytes: number;
  blob: string;
}
