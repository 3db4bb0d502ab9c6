// What a normal Raft entry carries: etcd's InternalRaftRequest (api/etcdserverpb/
// raft_internal.proto), one request with a header holding the request ID and the
// proposer's auth info. Entries hold it as bytes: UTF-8 JSON here, where etcd uses
// protobuf; MaxRequestBytes is checked against this encoding (spec server.md §2.5 step 4).

import type { AlarmRequest } from './alarm';
import type {
  CompactionRequest,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  TxnRequest,
} from '../mvcc/rpc';

export interface RequestHeader {
  /** The request ID the proposer waits on (spec server.md §2.9). */
  id: number;
  username?: string;
  authRevision?: number;
}

export interface LeaseGrantRequest {
  /** Seconds. */
  ttl: number;
  /** 0 lets the server pick one (spec server.md §8.1). */
  id: number;
}

export interface LeaseRevokeRequest {
  id: number;
}

export interface LeaseCheckpointRequest {
  checkpoints: { id: number; remainingTtl: number }[];
}

/** A member publishes its name and client URLs (3.6 ClusterMemberAttrSet). */
export interface ClusterMemberAttrSetRequest {
  memberId: number;
  name: string;
  clientURLs: string[];
}

export interface AuthRequestBody {
  /** AuthEnable, AuthDisable, UserAdd, ... by etcd's field name without "auth". */
  op: string;
  args: Record<string, unknown>;
}

export interface InternalRaftRequest {
  header: RequestHeader;
  range?: RangeRequest;
  put?: PutRequest;
  deleteRange?: DeleteRangeRequest;
  txn?: TxnRequest;
  compaction?: CompactionRequest;
  leaseGrant?: LeaseGrantRequest;
  leaseRevoke?: LeaseRevokeRequest;
  leaseCheckpoint?: LeaseCheckpointRequest;
  clusterMemberAttrSet?: ClusterMemberAttrSetRequest;
  alarm?: AlarmRequest;
  auth?: AuthRequestBody;
}

/** The request's kind, for the trace ("put", "txn", "leaseGrant", ...). */
export function requestKind(r: InternalRaftRequest): string {
  for (const k of Object.keys(r)) if (k !== 'header') return k === 'auth' ? `auth.${r.auth?.op ?? ''}` : k;
  return 'empty';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function marshalRequest(r: InternalRaftRequest): Uint8Array {
  return encoder.encode(JSON.stringify(r));
}

// Members of one world share an entry's bytes (messages are not copied), so each entry is
// decoded once for all of them. Decoded requests are never mutated by the apply path.
const decoded = new WeakMap<Uint8Array, InternalRaftRequest>();

/** Throws on bytes that are not a request (a corrupt entry is fatal, as in etcd). */
export function unmarshalRequest(data: Uint8Array): InternalRaftRequest {
  const cached = decoded.get(data);
  if (cached !== undefined) return cached;
  const r = JSON.parse(decoder.decode(data)) as InternalRaftRequest;
  if (typeof r !== 'object' || r === null || typeof r.header?.id !== 'number') {
    throw new Error('etcdserver: entry data is not an InternalRaftRequest');
  }
  decoded.set(data, r);
  return r;
}
