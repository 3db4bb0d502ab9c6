// HashKV (spec server.md §6.10): CRC-32C (Castagnoli) over the key bucket's records as
// etcd stores them: the bucket name "key", then for each record its 17-byte revision key
// (8-byte big-endian main, '_', 8-byte big-endian sub; a tombstone appends 't') and its
// marshaled mvccpb.KeyValue (a tombstone stores only the key). For the same history the
// values equal real etcd's. The CRC is storage's (the WAL's), with Go's crc32.Update semantics.

import { crc32c } from '../storage/crc32c';
import type { KeyValue } from './mvccpb';
import { ProtoWriter, isTombstone, marshalKeyValue } from './mvccpb';
import type { Revision, RevisionSet } from './revision';
import { revisionKey } from './revision';

/** etcd keeps the hashes of the last 10 compactions (hashStorageMaxSize). */
export const hashStorageMaxSize = 10;

export interface KeyValueHash {
  hash: number;
  /** The compaction revision the hash was computed against. */
  compactRevision: number;
  /** Records with main revision above this are not included. */
  revision: number;
}

const KEY_BUCKET_NAME = new Uint8Array([0x6b, 0x65, 0x79]); // "key"
const UNDERSCORE = 0x5f;
const TOMBSTONE_MARK = 0x74; // 't'

/** Writes a non-negative revision number as 8 big-endian bytes. */
function writeUint64(n: number, w: ProtoWriter): void {
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  w.byte(hi >>> 24);
  w.byte((hi >>> 16) & 0xff);
  w.byte((hi >>> 8) & 0xff);
  w.byte(hi & 0xff);
  w.byte(lo >>> 24);
  w.byte((lo >>> 16) & 0xff);
  w.byte((lo >>> 8) & 0xff);
  w.byte(lo & 0xff);
}

/**
 * etcd's kvHasher: hashes the records with main <= revision; of those at or below the
 * compaction revision only the ones in `keep` (when keep is non-empty); never a tombstone
 * at exactly the compaction revision (older etcd deleted it, the hash must not differ).
 */
export class KVHasher {
  private crc = crc32c(KEY_BUCKET_NAME);
  private readonly w = new ProtoWriter();

  constructor(
    private readonly compactRevision: number,
    private readonly revision: number,
    private readonly keep: RevisionSet,
  ) {}

  writeRecord(rev: Revision, kv: KeyValue): void {
    if (rev.main > this.revision) return;
    const tombstone = isTombstone(kv);
    if (rev.main <= this.compactRevision && this.keep.size > 0 && !this.keep.has(revisionKey(rev))) return;
    if (rev.main === this.compactRevision && tombstone) return;
    const w = this.w;
    w.reset();
    writeUint64(rev.main, w);
    w.byte(UNDERSCORE);
    writeUint64(rev.sub, w);
    if (tombstone) {
      w.byte(TOMBSTONE_MARK);
      w.stringField(1, kv.key); // a tombstone's value is KeyValue{Key}
    } else marshalKeyValue(kv, w);
    this.crc = crc32c(w.bytes.subarray(0, w.length), this.crc);
  }

  hash(): KeyValueHash {
    return { hash: this.crc, compactRevision: this.compactRevision, revision: this.revision };
  }
}

/** The compaction hashes a store remembers (etcd's hashStorage; memory only, lost on restart). */
export class HashStorage {
  private hashes: KeyValueHash[] = [];

  store(h: KeyValueHash): void {
    this.hashes.push(h);
    this.hashes.sort((a, b) => a.revision - b.revision);
    if (this.hashes.length > hashStorageMaxSize) this.hashes = this.hashes.slice(-hashStorageMaxSize);
  }

  find(revision: number): KeyValueHash | undefined {
    return this.hashes.find((h) => h.revision === revision);
  }

  clear(): void {
    this.hashes = [];
  }
}
