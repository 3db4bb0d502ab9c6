// Read and write transactions over the store (etcd server/storage/mvcc/kvstore_txn.go).

import type { KVStore } from './kvstore';
import type { RangeOptions, RangeResult, TxnRead, TxnWrite } from './kv';
import type { KeyValue } from './mvccpb';
import { tombstoneKeyValue } from './mvccpb';
import { MAX_SUB } from './revision';

/** A read view fixed at the store's revision when it began. */
export class StoreTxnRead implements TxnRead {
  private readonly beginRev: number;
  private readonly compactRev: number;

  constructor(private readonly s: KVStore) {
    this.beginRev = s.currentRevision;
    this.compactRev = s.compactRevision;
  }

  rev(): number {
    return this.beginRev;
  }

  firstRev(): number {
    return this.compactRev;
  }

  range(key: string, end: string | undefined, options: RangeOptions = {}): RangeResult {
    return this.s.rangeKeys(key, end, this.beginRev, options);
  }

  end(): void {}
}

/**
 * A write transaction: all its changes share main revision rev()+1, with sub revisions in
 * order; its reads see its own earlier writes (spec server.md §6.7 step 5).
 */
export class StoreTxnWrite implements TxnWrite {
  private readonly beginRev: number;
  private readonly written: KeyValue[] = [];
  private ended = false;

  constructor(private readonly s: KVStore) {
    this.beginRev = s.currentRevision;
  }

  rev(): number {
    return this.beginRev;
  }

  firstRev(): number {
    return this.s.compactRevision;
  }

  /** Reads at the revision this transaction has produced so far. */
  private readRev(): number {
    return this.written.length > 0 ? this.beginRev + 1 : this.beginRev;
  }

  range(key: string, end: string | undefined, options: RangeOptions = {}): RangeResult {
    return this.s.rangeKeys(key, end, this.readRev(), options);
  }

  put(key: string, value: string, lease: number): number {
    this.checkOpen();
    const s = this.s;
    const rev = this.beginRev + 1;
    const prev = s.index.get(key, rev);
    let created = rev;
    let version = 1;
    let oldLease = 0;
    if (prev !== undefined) {
      created = prev.created.main;
      version = prev.version + 1;
      oldLease = s.record(prev.modified).lease;
    } else s.liveKeys++;
    const idxRev = { main: rev, sub: this.written.length };
    const kv: KeyValue = { key, createRevision: created, modRevision: rev, version, value, lease };
    s.appendRecord(idxRev, kv);
    s.index.put(key, idxRev);
    this.written.push(kv);
    // §6.5 step 6: move the key between leases only when the lease changes.
    if (oldLease !== lease) {
      if (oldLease !== 0) s.leases?.detach(oldLease, key);
      if (lease !== 0) s.leases?.attach(lease, key);
    }
    return rev;
  }

  deleteRange(key: string, end: string | undefined): { deleted: number; rev: number } {
    this.checkOpen();
    const keys = this.s.index.keys(key, end, this.readRev());
    if (this.written.length + keys.length > MAX_SUB) throw new Error(`mvcc: more than ${MAX_SUB} changes in one transaction`);
    for (const k of keys) this.delete(k);
    if (keys.length !== 0 || this.written.length > 0) return { deleted: keys.length, rev: this.beginRev + 1 };
    return { deleted: 0, rev: this.beginRev };
  }

  private delete(key: string): void {
    const s = this.s;
    const rev = this.beginRev + 1;
    const prev = s.index.get(key, rev);
    const lease = prev === undefined ? 0 : s.record(prev.modified).lease;
    const idxRev = { main: rev, sub: this.written.length };
    const kv = tombstoneKeyValue(key, rev);
    s.appendRecord(idxRev, kv);
    s.index.tombstone(key, idxRev);
    s.liveKeys--;
    this.written.push(kv);
    if (lease !== 0) s.leases?.detach(lease, key);
  }

  changes(): readonly KeyValue[] {
    return this.written;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.s.endWrite(this.beginRev, this.written);
  }

  private checkOpen(): void {
    if (this.ended) throw new Error('mvcc: write on an ended transaction');
    if (this.written.length >= MAX_SUB) throw new Error(`mvcc: more than ${MAX_SUB} changes in one transaction`);
  }
}
