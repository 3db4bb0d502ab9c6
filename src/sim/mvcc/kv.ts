// The MVCC store's interfaces (etcd server/storage/mvcc/kv.go), its errors and the
// trace events it emits.

import type { KeyValue } from './mvccpb';

/**
 * An error with etcd's exact message. The mvcc errors are sentinels, compared by identity
 * like Go's errors.Is; the server maps them to gRPC statuses (spec server.md §11.2).
 */
export class MvccError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MvccError';
  }
}

export const ErrCompacted = new MvccError('mvcc: required revision has been compacted');
export const ErrFutureRev = new MvccError('mvcc: required revision is a future revision');
export const ErrWatcherNotExist = new MvccError('mvcc: watcher does not exist');
export const ErrEmptyWatcherRange = new MvccError('mvcc: watcher range is empty');
export const ErrWatcherDuplicateID = new MvccError('mvcc: duplicate watch ID provided on the WatchStream');
/** etcdserver errors raised while applying requests (server/etcdserver/errors, lease). */
export const ErrKeyNotFound = new MvccError('etcdserver: key not found');
export const ErrLeaseNotFound = new MvccError('lease not found');

/** Options of a store-level range (mvcc.RangeOptions). */
export interface RangeOptions {
  /** At most this many kvs (<= 0: all). */
  limit?: number;
  /** Read at this revision (<= 0: the transaction's revision). */
  rev?: number;
  /** Only count the matching keys. */
  count?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Total number of matching keys at the read revision; neither limit nor filters reduce it. */
  count: number;
  /** The revision of the transaction that served the read (not the requested revision). */
  rev: number;
}

/** A read transaction (mvcc.TxnRead). Range ends: undefined = single key, '' = all keys >= key. */
export interface TxnRead {
  /** The revision the transaction reads at. */
  rev(): number;
  /** The compacted revision when the transaction began (reads below it fail). */
  firstRev(): number;
  /** Throws ErrFutureRev or ErrCompacted. */
  range(key: string, end: string | undefined, options?: RangeOptions): RangeResult;
  end(): void;
}

/** A write transaction (mvcc.TxnWrite): every change gets revision rev()+1 and its own sub revision. */
export interface TxnWrite extends TxnRead {
  /** Returns the revision of the write. */
  put(key: string, value: string, lease: number): number;
  /** Returns the number of deleted keys and the revision to report. */
  deleteRange(key: string, end: string | undefined): { deleted: number; rev: number };
  /** The KeyValues written so far (deletions as tombstone records). */
  changes(): readonly KeyValue[];
}

/**
 * How the store tells the lessor which keys a lease holds (etcd's lease.Lessor Attach and
 * Detach, called from inside mvcc). Checking that a lease exists is the caller's job.
 */
export interface LeaseAttacher {
  attach(leaseID: number, key: string): void;
  detach(leaseID: number, key: string): void;
}

/** Where a watcher is kept (spec server.md §7.2). */
export type WatcherGroupName = 'synced' | 'unsynced' | 'victim';

/** Every decision of the store and the watchable store, for the trace. */
/** A key written by a completed write transaction, without its value (for views). */
export interface KeyChange {
  key: string;
  /** 0 for a deletion (a tombstone record). */
  createRevision: number;
  version: number;
  lease: number;
}

export type MvccEvent =
  /**
   * A completed write transaction; every change has modRevision = revision. The first
   * change is in scalar fields (a single-key write stays a row of scalars in the trace's
   * tape), any further ones in `more`.
   */
  | ({ type: 'mvcc.write'; revision: number; more?: KeyChange[] } & KeyChange)
  | { type: 'mvcc.compact'; revision: number; removed: number; kept: number; hash: number }
  | { type: 'mvcc.restore'; currentRevision: number; compactRevision: number; keys: number }
  | {
      type: 'watch.created';
      streamId: number;
      watchId: number;
      key: string;
      end?: string;
      startRevision: number;
      group: WatcherGroupName;
      minRevision: number;
    }
  | {
      type: 'watch.sent';
      streamId: number;
      watchId: number;
      revision: number;
      /** Events matched (before the watcher's filters; 0 for a progress notification). */
      events: number;
      cause: 'notify' | 'sync' | 'victim-retry' | 'progress';
    }
  | {
      type: 'watch.moved';
      streamId: number;
      watchId: number;
      from: WatcherGroupName;
      to: WatcherGroupName;
      cause: string;
    }
  | { type: 'watch.compacted'; streamId: number; watchId: number; compactRevision: number; minRevision: number }
  | { type: 'watch.canceled'; streamId: number; watchId: number; cause: string };

export type MvccEventSink = (event: MvccEvent) => void;
