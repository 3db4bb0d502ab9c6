// HashKV (spec server.md §6.10): CRC-32C (Castagnoli) over the key bucket's records as
// etcd stores them: the bucket name "key", then for each record its 17-byte revision key
// (8-byte big-endian main, '_', 8-byte big-endian sub; a tombstone appends 't') and its
// marshaled mvccpb.KeyValue (a tombstone stores only the key). For the same history the
// values equal real etcd's.

import type { KeyValue } from './mvccpb';
import { isTombstone, writeKeyValue } from './mvccpb';
import type { Revision } from './revision';
import { revisionString } from './revision';

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
  readonly writeByte = (byte: number): void => {
    this.crc = table[(this.crc ^ byte) & 0xff] ^ (this.crc >>> 8);
  };

  writeBytes(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.writeByte(bytes[i]);
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
function writeUint64(n: number, sink: (byte: number) => void): void {
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  sink(hi >>> 24);
  sink((hi >>> 16) & 0xff);
  sink((hi >>> 8) & 0xff);
  sink(hi & 0xff);
  sink(lo >>> 24);
  sink((lo >>> 16) & 0xff);
  sink((lo >>> 8) & 0xff);
  sink(lo & 0xff);
}

/**
 * etcd's kvHasher: hashes the records with main <= revision; of those at or below the
 * compaction revision only the ones in `keep` (when keep is non-empty); never a tombstone
 * at exactly the compaction revision (older etcd deleted it, the hash must not differ).
 */
export class KVHasher {
  private readonly crc = new Crc32c();

  constructor(
    private readonly compactRevision: number,
    private readonly revision: number,
    private readonly keep: ReadonlySet<string>,
  ) {
    this.crc.writeBytes(KEY_BUCKET_NAME);
  }

  writeRecord(rev: Revision, kv: KeyValue): void {
    if (rev.main > this.revision) return;
    const tombstone = isTombstone(kv);
    if (rev.main <= this.compactRevision && this.keep.size > 0 && !this.keep.has(revisionString(rev))) return;
    if (rev.main === this.compactRevision && tombstone) return;
    const w = this.crc.writeByte;
    writeUint64(rev.main, w);
    w(UNDERSCORE);
    writeUint64(rev.sub, w);
    if (tombstone) {
      w(TOMBSTONE_MARK);
      writeKeyValue({ key: kv.key, createRevision: 0, modRevision: 0, version: 0, value: '', lease: 0 }, w);
    } else writeKeyValue(kv, w);
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
