// The multi-version key-value store (etcd server/storage/mvcc/kvstore.go and
// kvstore_compaction.go), held in memory. Its "key bucket" maps each revision to the
// KeyValue written there, like etcd's backend bucket `key`; the tree index maps each key
// to its revisions. The server persists it through snapshot()/restore(). Records are keyed
// by revisionKey(), a number ordered like (main, sub).

import { BTree } from './btree';
import { HashStorage, KVHasher } from './hash';
import type { KeyValueHash } from './hash';
import { TreeIndex } from './index';
import { KeyIndex } from './key-index';
import { ErrCompacted, ErrFutureRev } from './kv';
import type { LeaseAttacher, MvccEventSink, RangeOptions, RangeResult, TxnRead, TxnWrite } from './kv';
import { StoreTxnRead, StoreTxnWrite } from './kvstore-txn';
import type { Event, KeyValue } from './mvccpb';
import { isTombstone, tombstoneKeyValue } from './mvccpb';
import type { Revision } from './revision';
import { MAX_SUB, revisionFromKey, revisionKey } from './revision';

export interface StoreOptions {
  /** Told which keys each lease holds (etcd's lessor Attach/Detach). */
  leases?: LeaseAttacher;
  /** Receives every store and watch decision, for the trace. */
  onEvent?: MvccEventSink;
}

/**
 * A key-bucket record in a snapshot: [main, sub, key, value, createRevision, version, lease]
 * for a put (modRevision = main), [main, sub, key] for a deletion (tombstone).
 */
export type SnapshotRecord =
  | [main: number, sub: number, key: string, value: string, createRevision: number, version: number, lease: number]
  | [main: number, sub: number, key: string];

/** A JSON-safe image of the store: everything needed to rebuild an identical one. */
export interface StoreSnapshot {
  currentRevision: number;
  compactRevision: number;
  /** Every record still kept, in revision order. */
  records: SnapshotRecord[];
}

/** A key as the UI shows it. */
export interface KeySummary {
  key: string;
  /** False when the key is deleted but its history is still kept. */
  live: boolean;
  createRevision: number;
  modRevision: number;
  version: number;
}

export class KVStore {
  // The public fields are read-only outside this package: only transactions, compact()
  // and restore() change them.
  /** Revision of the last completed write; an empty store is at 1 (§6.1). */
  currentRevision = 1;
  /** Main revision of the last compaction; -1 before any (§6.1). */
  compactRevision = -1;
  /** Number of keys that currently exist (etcd's keysGauge). */
  liveKeys = 0;

  // Internals shared with the transactions in kvstore-txn.ts.
  index = new TreeIndex();
  /** revisionKey -> the record written at that revision (etcd's `key` bucket). */
  keyBucket = new BTree<number, KeyValue>();
  readonly leases?: LeaseAttacher;
  protected readonly onEvent?: MvccEventSink;

  private readonly hashes = new HashStorage();
  private writeOpen = false;

  constructor(options: StoreOptions = {}) {
    this.leases = options.leases;
    this.onEvent = options.onEvent;
  }

  /** A read transaction at the current revision. */
  read(): TxnRead {
    return new StoreTxnRead(this);
  }

  /** A write transaction; end() it before opening another (etcd serializes writes). */
  write(): TxnWrite {
    if (this.writeOpen) throw new Error('mvcc: a write transaction is already open');
    this.writeOpen = true;
    return new StoreTxnWrite(this);
  }

  /** Called by a write transaction's end(). */
  endWrite(beginRev: number, changes: readonly KeyValue[]): void {
    this.writeOpen = false;
    if (changes.length === 0) return;
    this.currentRevision = beginRev + 1;
    if (this.onEvent !== undefined) {
      const [first, ...rest] = changes;
      const change = (kv: KeyValue) => ({ key: kv.key, createRevision: kv.createRevision, version: kv.version, lease: kv.lease });
      this.onEvent({ type: 'mvcc.write', revision: this.currentRevision, ...change(first), ...(rest.length === 0 ? {} : { more: rest.map(change) }) });
    }
    this.notify(this.currentRevision, changes);
  }

  /** Hook for the watchable store: the changes of a completed write. */
  protected notify(_rev: number, _changes: readonly KeyValue[]): void {}

  /** etcd's rangeKeys: validates the revision, then reads from the index and the key bucket. */
  rangeKeys(key: string, end: string | undefined, curRev: number, options: RangeOptions): RangeResult {
    const requested = options.rev ?? 0;
    if (requested > curRev) throw ErrFutureRev;
    const atRev = requested <= 0 ? curRev : requested;
    if (atRev < this.compactRevision) throw ErrCompacted; // == compactRevision is still readable
    if (options.count) return { kvs: [], count: this.index.countRevisions(key, end, atRev), rev: curRev };
    const limit = options.limit ?? 0;
    const { revs, total } = this.index.revisions(key, end, atRev, limit);
    const kvs: KeyValue[] = new Array<KeyValue>(revs.length);
    for (let i = 0; i < revs.length; i++) kvs[i] = this.record(revs[i]);
    return { kvs, count: total, rev: curRev };
  }

  /** The record at a revision the index points to. */
  record(rev: Revision): KeyValue {
    const kv = this.keyBucket.get(revisionKey(rev));
    if (kv === undefined) throw new Error(`mvcc: range cannot find rev (${rev.main},${rev.sub})`);
    return kv;
  }

  appendRecord(rev: Revision, kv: KeyValue): void {
    this.keyBucket.set(revisionKey(rev), kv);
  }

  /**
   * Compacts at rev (§6.8): rev <= compactRevision -> ErrCompacted, rev > currentRevision ->
   * ErrFutureRev. Physical removal happens at once (etcd spreads it over batches of 1000
   * with 10 ms pauses; nothing can observe the difference here). Returns the compaction
   * hash, which HashKV at rev then answers (with the previous compaction revision).
   */
  compact(rev: number): KeyValueHash {
    if (this.writeOpen) throw new Error('mvcc: compact during a write transaction');
    if (!Number.isSafeInteger(rev)) throw new Error(`mvcc: compaction revision must be an integer, got ${rev}`);
    if (rev <= this.compactRevision) throw ErrCompacted;
    if (rev > this.currentRevision) throw ErrFutureRev;
    const prevCompactRev = this.compactRevision;
    this.compactRevision = rev;
    const keep = this.index.compact(rev);
    const hasher = new KVHasher(prevCompactRev, rev, keep);
    let removed = 0;
    let kept = 0;
    this.keyBucket.editRange(0, lastKeyOf(rev), true, (k, kv) => {
      const r = revisionFromKey(k);
      hasher.writeRecord(r, kv);
      if (keep.has(k)) {
        kept++;
        return undefined;
      }
      removed++;
      return { delete: true };
    });
    const hash = hasher.hash();
    this.hashes.store(hash);
    this.onEvent?.({ type: 'mvcc.compact', revision: rev, removed, kept, hash: hash.hash });
    return hash;
  }

  /**
   * HashKV (§6.10): the hash of every revision up to rev (0: the current one) as a compaction
   * at the current compaction revision leaves them. A remembered compaction hash at rev is
   * answered first, as etcd's hashStorage does.
   */
  hashByRev(rev: number): { hash: KeyValueHash; currentRevision: number } {
    const cached = this.hashes.find(rev);
    if (cached !== undefined) return { hash: cached, currentRevision: this.currentRevision };
    const compactRev = this.compactRevision;
    if (rev > 0 && rev < compactRev) throw ErrCompacted;
    if (rev > 0 && rev > this.currentRevision) throw ErrFutureRev;
    const at = rev === 0 ? this.currentRevision : rev;
    const hasher = new KVHasher(compactRev, at, this.index.keep(at));
    this.forEachRecord((r, kv) => hasher.writeRecord(r, kv), at);
    return { hash: hasher.hash(), currentRevision: this.currentRevision };
  }

  /** Visits the key bucket in revision order, up to main revision maxMain (inclusive). */
  private forEachRecord(f: (rev: Revision, kv: KeyValue) => void, maxMain = this.currentRevision): void {
    this.keyBucket.forRange(0, lastKeyOf(maxMain), true, (k, kv) => f(revisionFromKey(k), kv));
  }

  /**
   * The events of revisions [minRev, maxRev] on keys accepted by `contains`, in revision
   * order (etcd's rangeEvents + kvsToEvents, used to catch unsynced watchers up).
   */
  rangeEvents(minRev: number, maxRev: number, contains: (key: string) => boolean): Event[] {
    const events: Event[] = [];
    if (minRev > maxRev) return events;
    this.keyBucket.forRange(revisionKey({ main: minRev, sub: 0 }), lastKeyOf(maxRev), true, (_k, kv) => {
      if (contains(kv.key)) events.push({ type: isTombstone(kv) ? 'DELETE' : 'PUT', kv });
    });
    return events;
  }

  /** A JSON-safe image of the whole store (every kept revision). */
  snapshot(): StoreSnapshot {
    const records: SnapshotRecord[] = [];
    this.forEachRecord((r, kv) => {
      records.push(
        isTombstone(kv)
          ? [r.main, r.sub, kv.key]
          : [r.main, r.sub, kv.key, kv.value, kv.createRevision, kv.version, kv.lease],
      );
    });
    return { currentRevision: this.currentRevision, compactRevision: this.compactRevision, records };
  }

  /**
   * Replaces the whole state with a snapshot, rebuilding the index from the records in
   * revision order as etcd's restore does (§6.9), and re-attaching each live key to its
   * lease (reset the lessor's key lists first). Throws on a malformed snapshot, leaving
   * the store unchanged.
   */
  restore(snapshot: StoreSnapshot): void {
    if (this.writeOpen) throw new Error('mvcc: restore during a write transaction');
    const built = buildFromSnapshot(snapshot);
    this.index = built.index;
    this.keyBucket = built.keyBucket;
    this.liveKeys = built.liveKeys;
    this.currentRevision = snapshot.currentRevision;
    this.compactRevision = snapshot.compactRevision;
    this.hashes.clear();
    if (this.leases !== undefined) for (const [key, lease] of built.keyToLease) this.leases.attach(lease, key);
    this.onEvent?.({
      type: 'mvcc.restore',
      currentRevision: this.currentRevision,
      compactRevision: this.compactRevision,
      keys: this.liveKeys,
    });
  }

  /** Keys in order from startKey, for views (live ones and deleted ones whose history is kept). */
  listKeys(startKey = '', limit = 100): KeySummary[] {
    return this.index.list(startKey, limit).map((ki) => {
      const got = ki.get(this.currentRevision);
      if (got === undefined) {
        return { key: ki.key, live: false, createRevision: 0, modRevision: ki.modified.main, version: 0 };
      }
      return {
        key: ki.key,
        live: true,
        createRevision: got.created.main,
        modRevision: got.modified.main,
        version: got.version,
      };
    });
  }
}

/** The largest revision key of a main revision. */
function lastKeyOf(main: number): number {
  return revisionKey({ main, sub: MAX_SUB - 1 });
}

function bad(why: string): never {
  throw new Error(`mvcc: invalid store snapshot: ${why}`);
}

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n);
}

function buildFromSnapshot(snapshot: StoreSnapshot): {
  index: TreeIndex;
  keyBucket: BTree<number, KeyValue>;
  liveKeys: number;
  keyToLease: Map<string, number>;
} {
  if (typeof snapshot !== 'object' || snapshot === null || !Array.isArray(snapshot.records)) bad('no records');
  const { currentRevision, compactRevision } = snapshot;
  if (!isInt(currentRevision) || currentRevision < 1) bad('currentRevision must be an integer >= 1');
  if (!isInt(compactRevision) || compactRevision < -1) bad('compactRevision must be an integer >= -1');
  if (compactRevision > currentRevision) bad('compactRevision is after currentRevision');
  const keyIndexes = new Map<string, KeyIndex>();
  const keyBucket = new BTree<number, KeyValue>();
  const keyToLease = new Map<string, number>();
  let liveKeys = 0;
  let lastMain = 0;
  let lastSub = -1;
  for (const rec of snapshot.records) {
    if (!Array.isArray(rec) || (rec.length !== 3 && rec.length !== 7)) bad(`malformed record ${JSON.stringify(rec)}`);
    const [main, sub, key] = rec;
    if (!isInt(main) || !isInt(sub) || main < 1 || sub < 0 || sub >= MAX_SUB || typeof key !== 'string') {
      bad(`malformed record ${JSON.stringify(rec)}`);
    }
    if (main < lastMain || (main === lastMain && sub <= lastSub)) bad(`record ${main}.${sub} out of revision order`);
    if (main > currentRevision) bad(`record ${main}.${sub} is after currentRevision ${currentRevision}`);
    const rev = { main, sub };
    let kv: KeyValue;
    if (rec.length === 3) kv = tombstoneKeyValue(key, main);
    else {
      const [, , , value, createRevision, version, lease] = rec;
      if (typeof value !== 'string' || !isInt(createRevision) || !isInt(version) || !isInt(lease)) {
        bad(`malformed record ${JSON.stringify(rec)}`);
      }
      if (createRevision < 1 || createRevision > main || version < 1) bad(`inconsistent record ${main}.${sub}`);
      kv = { key, createRevision, modRevision: main, version, value, lease };
    }
    keyBucket.set(revisionKey(rev), kv);
    lastMain = main;
    lastSub = sub;

    // etcd's restoreIntoIndex.
    let ki = keyIndexes.get(key);
    if (isTombstone(kv)) {
      keyToLease.delete(key);
      if (ki === undefined) {
        ki = new KeyIndex(key);
        ki.restoreTombstone(rev);
        keyIndexes.set(key, ki);
      } else if (ki.tombstone(rev)) liveKeys--;
      continue;
    }
    if (kv.lease !== 0) keyToLease.set(key, kv.lease);
    else keyToLease.delete(key);
    const wasLive = ki !== undefined && ki.get(main) !== undefined;
    if (ki === undefined) {
      ki = new KeyIndex(key);
      ki.restore({ main: kv.createRevision, sub: 0 }, rev, kv.version);
      keyIndexes.set(key, ki);
    } else ki.put(rev);
    if (!wasLive) liveKeys++;
  }
  return { index: TreeIndex.from(keyIndexes.values()), keyBucket, liveKeys, keyToLease };
}
