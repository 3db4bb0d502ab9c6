// The backend quota (etcd server/storage/quota.go, spec server.md §2.3): what a request
// would add to the backend, and whether it still fits. [SIM NOTE] The backend size is a
// running estimate (image size at restart plus the cost of every applied put); like
// bbolt's file it never shrinks.

import type { PutRequest, RequestOp, TxnRequest } from '../mvcc/rpc';
import { quotaBytes } from './config';
import type { ServerConfig } from './config';
import type { InternalRaftRequest } from './raft-request';

/** kvOverhead and leaseOverhead. */
const kvOverhead = 256;
const leaseOverhead = 64;

export function putCost(r: PutRequest): number {
  return kvOverhead + r.key.length + (r.value ?? '').length;
}

export function txnCost(r: TxnRequest): number {
  const listCost = (ops: readonly RequestOp[] | undefined) => {
    let c = 0;
    for (const op of ops ?? []) {
      if (op.requestPut !== undefined) c += putCost(op.requestPut);
      else if (op.requestTxn !== undefined) c += txnCost(op.requestTxn);
    }
    return c;
  };
  return Math.max(listCost(r.success), listCost(r.failure));
}

/** Put, Txn and LeaseGrant cost; everything else is free. */
export function requestCost(r: InternalRaftRequest): number {
  if (r.put !== undefined) return putCost(r.put);
  if (r.txn !== undefined) return txnCost(r.txn);
  if (r.leaseGrant !== undefined) return leaseOverhead;
  return 0;
}

/** Available ⇔ free, or size + cost strictly below the quota; a negative quota disables it. */
export function quotaAvailable(cfg: ServerConfig, dbSize: number, cost: number): boolean {
  const quota = quotaBytes(cfg);
  return quota < 0 || cost === 0 || dbSize + cost < quota;
}
