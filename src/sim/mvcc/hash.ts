// HashKV (spec server.md §6.10): CRC-32C (Castagnoli) over the key bucket's records as
// etcd stores them: the bucket name "key", then for each record its 17-byte revision key
// (8-byte big-endian main, '_', 8-byte big-endian sub; a tombstone appends 't') and its
// marshaled mvccpb.KeyValue (a tombstone stores only the key). For the same history the
// values equal real etcd's.

import type { KeyValue } from './mvccpb';
import { ProtoWriter, isTombstone, marshalKeyValue } from './mvccpb';
import type { Revision, RevisionSet } from './revision';
import { revisionKey } from './revision';

/** etcd keeps the hashes of the last 10 compactions (hashStorageMaxSize). */
export const hashStorageMaxSize = 10;

const CASTAGNOLI = 0x82f63b78; // reversed polynomial 0x1EDC6F41

const table: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Incremental CRC-32C, as Go's crc32.New(crc32.MakeTable(crc32.Castagnoli)). */
export class Crc32c {
  private crc = 0xffffffff;

  /** Adds bytes[0..length). */
  writeBytes(bytes: ArrayLike<number>, length = bytes.length): this {
    let crc = this.crc;
    for (let i = 0; i < length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    this.crc = crc;
    return this;
  }

  sum32(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}

/** CRC-32C of a byte array. */
export function crc32c(bytes: ArrayLike<number>): number {
  return new Crc32c().writeBytes(bytes).sum32();
}

export interface KeyValueHash {
  hash: number;
  /** The compaction revision the hash was computed against. */
  compactRevision: number;
  /** Records with main revision above this are not included. */
  revision: number;
}

const KEY_BUCKET_NAME = [0x6b, 0x65, 0x79]; // "key"
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
  private readonly crc = new Crc32c();
  private readonly w = new ProtoWriter();

  constructor(
    private readonly compactRevision: number,
    private readonly revision: number,
    private readonly keep: RevisionSet,
  ) {
    this.crc.writeBytes(KEY_BUCKET_NAME);
  }

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
    this.crc.writeBytes(w.bytes, w.length);
  }

  hash(): KeyValueHash {
    return { hash: this.crc.sum32(), compactRevision: this.compactRevision, revision: this.revision };
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
