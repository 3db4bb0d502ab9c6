// Request and response types of the KV, Watch and Maintenance(HashKV) services, mirroring
// etcd's etcdserverpb (api/etcdserverpb/rpc.proto). Shared by the server, the client and
// etcdctl. Conventions:
// * keys, values and range ends are strings with byte semantics (see bytes.ts);
// * optional fields default to proto3's zero value (0, '', false, NONE);
// * range_end: '' (or absent) = the single key; '\0' = every key >= key; otherwise
//   [key, range_end); use getPrefixRangeEnd(prefix) for a prefix;
// * revisions, versions and lease IDs are plain numbers (int64 in etcd);
// * a oneof is an object with exactly one of its optional fields set.

import type { Event, KeyValue } from './mvccpb';

export interface ResponseHeader {
  clusterId: number;
  memberId: number;
  /** The key-value store revision when the request was applied (or read). */
  revision: number;
  /** The term of the most recently applied entry (filled by the server). */
  raftTerm: number;
}

export enum SortOrder {
  NONE = 0,
  ASCEND = 1,
  DESCEND = 2,
}

export enum SortTarget {
  KEY = 0,
  VERSION = 1,
  CREATE = 2,
  MOD = 3,
  VALUE = 4,
}

export interface RangeRequest {
  key: string;
  rangeEnd?: string;
  /** Maximum number of keys returned; 0 = no limit. */
  limit?: number;
  /** Read at this revision; <= 0 = the latest. Below the compaction -> ErrCompacted, above the current -> ErrFutureRev. */
  revision?: number;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  /** Served from the local member without a linearizable read (the server's concern). */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  /** Filters applied after the read; they do not reduce `count`. 0 = no filter. */
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  /** More keys matched than `limit` allowed. */
  more: boolean;
  /** Number of keys in the range at the read revision (limit and filters ignored). */
  count: number;
}

export interface PutRequest {
  key: string;
  value?: string;
  /** Lease to attach the key to; 0 = none (detaches any previous lease). */
  lease?: number;
  /** Return the previous key-value pair, if any. */
  prevKv?: boolean;
  /** Keep the current value (the key must exist; value must be empty). */
  ignoreValue?: boolean;
  /** Keep the current lease (the key must exist; lease must be 0). */
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: string;
  rangeEnd?: string;
  /** Return the deleted key-value pairs. */
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

/** One operation of a transaction (oneof request). */
export interface RequestOp {
  requestRange?: RangeRequest;
  requestPut?: PutRequest;
  requestDeleteRange?: DeleteRangeRequest;
  requestTxn?: TxnRequest;
}

/** The response to one operation (oneof response). */
export interface ResponseOp {
  responseRange?: RangeResponse;
  responsePut?: PutResponse;
  responseDeleteRange?: DeleteRangeResponse;
  responseTxn?: TxnResponse;
}

export enum CompareResult {
  EQUAL = 0,
  GREATER = 1,
  LESS = 2,
  NOT_EQUAL = 3,
}

export enum CompareTarget {
  VERSION = 0,
  CREATE = 1,
  MOD = 2,
  VALUE = 3,
  LEASE = 4,
}

/**
 * A condition on [key, rangeEnd): every key there must satisfy `stored <result> given`.
 * The given value is the field named by `target` (oneof target_union); unset = 0 / ''.
 * With no key in range: VALUE is false, other targets compare 0 (spec server.md §6.7).
 */
export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: string;
  rangeEnd?: string;
  version?: number;
  createRevision?: number;
  modRevision?: number;
  value?: string;
  lease?: number;
}

export interface TxnRequest {
  compare?: Compare[];
  /** Applied when every compare holds. */
  success?: RequestOp[];
  /** Applied otherwise. */
  failure?: RequestOp[];
}

export interface TxnResponse {
  /** Header revision of a nested txn response stays 0, as in etcd. */
  header: ResponseHeader;
  /** Whether every compare held. */
  succeeded: boolean;
  /** One response per operation of the executed list. */
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  /** Wait for the physical removal (always done at once in the simulator). */
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface HashKVRequest {
  /** 0 = the current revision. */
  revision?: number;
}

export interface HashKVResponse {
  header: ResponseHeader;
  hash: number;
  compactRevision: number;
  /** 3.6: the revision the hash covers. */
  hashRevision: number;
}

export enum WatchFilterType {
  /** Drop PUT events. */
  NOPUT = 0,
  /** Drop DELETE events. */
  NODELETE = 1,
}

export interface WatchCreateRequest {
  /** Empty = "\0", the smallest key. */
  key: string;
  rangeEnd?: string;
  /** 0 = from the next revision; < 0 = canceled as compacted. */
  startRevision?: number;
  progressNotify?: boolean;
  filters?: WatchFilterType[];
  prevKv?: boolean;
  /** 0 = let the server pick the next free ID (from 0). */
  watchId?: number;
  /** Split responses larger than the server's limit into fragments. */
  fragment?: boolean;
}

export interface WatchCancelRequest {
  watchId: number;
}

/** Ask for a progress notification (revision) on every watcher of the stream. */
export type WatchProgressRequest = Record<string, never>;

/** oneof request_union. */
export interface WatchRequest {
  createRequest?: WatchCreateRequest;
  cancelRequest?: WatchCancelRequest;
  progressRequest?: WatchProgressRequest;
}

export interface WatchResponse {
  header: ResponseHeader;
  /** -1 for stream-wide progress notifications and failed creations. */
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** Set (with canceled) when the watcher asked for a compacted revision. */
  compactRevision: number;
  cancelReason: string;
  /** More fragments of this response follow. */
  fragment: boolean;
  events: Event[];
}

/** A header with only the revision set; the server fills cluster, member and term. */
export function revisionHeader(revision: number): ResponseHeader {
  return { clusterId: 0, memberId: 0, revision, raftTerm: 0 };
}
