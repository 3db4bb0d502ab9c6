// What the member's backend "db" holds beyond the meta keys (spec server.md §4.2): the key
// bucket (MVCC), the lease bucket, the auth buckets and the membership buckets. The image
// is opaque to storage/db.ts; it is JSON here.
//
// [SIM NOTE, server.md §13.2] The backend is committed as a whole image where etcd forces
// a commit (before a disk snapshot, before sending a snapshot, at a clean stop) and, if
// configured, every batch interval when something was applied; on restart the WAL above
// the consistent index is replayed, as in etcd.

import type { AuthSnapshot } from '../auth/store';
import type { LessorSnapshot } from '../lease/lessor';
import type { StoreSnapshot } from '../mvcc/kvstore';
import type { AlarmMember } from './alarm';
import type { ClusterSnapshot } from './membership/cluster';

export interface BackendState {
  kv: StoreSnapshot;
  lease: LessorSnapshot;
  auth: AuthSnapshot;
  cluster: ClusterSnapshot;
  alarms?: AlarmMember[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeBackendState(s: BackendState): Uint8Array {
  return encoder.encode(JSON.stringify(s));
}

/** Throws a clear error on an image that is not a server backend. */
export function decodeBackendState(bytes: Uint8Array): BackendState {
  let s: unknown;
  try {
    s = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new Error(`backend: db state is not readable: ${(err as Error).message}`, { cause: err });
  }
  const o = s as Partial<BackendState> | null;
  if (o === null || typeof o !== 'object' || o.kv === undefined || o.lease === undefined || o.cluster === undefined) {
    throw new Error('backend: db state lacks the key, lease or members buckets');
  }
  return o as BackendState;
}
