// The mvccpb data model (etcd api/mvccpb/kv.proto) and its protobuf wire encoding,
// needed for byte-exact sizes (watch fragmenting) and for HashKV, which hashes the
// marshaled KeyValue records exactly as etcd's backend stores them.

import { utf8Length } from './bytes';

/** A key-value pair at one revision. Shared and immutable: never mutate one you are given. */
export interface KeyValue {
  readonly key: string;
  /** Revision of the last creation of the key (0 for a deletion record). */
  readonly createRevision: number;
  /** Revision of the last modification (for a deletion record: the deletion's revision). */
  readonly modRevision: number;
  /** Number of puts since the last creation, 1 for the creating put (0 for a deletion). */
  readonly version: number;
  readonly value: string;
  /** Lease ID attached to the key, 0 for none. */
  readonly lease: number;
}

export type EventType = 'PUT' | 'DELETE';

export interface Event {
  readonly type: EventType;
  /** For DELETE only key and modRevision (the deletion revision) are set, as in etcd. */
  readonly kv: KeyValue;
  /** The key before the event, when the watcher asked for prev_kv and it is still kept. */
  readonly prevKv?: KeyValue;
}

/** The record written for a deletion: etcd stores KeyValue{Key} under a tombstone revision. */
export function tombstoneKeyValue(key: string, rev: number): KeyValue {
  return { key, createRevision: 0, modRevision: rev, version: 0, value: '', lease: 0 };
}

/** True for the deletion records of the key bucket (a put always has a create revision). */
export function isTombstone(kv: KeyValue): boolean {
  return kv.createRevision === 0;
}

// --- protobuf encoding (proto3: zero values are omitted) ---

export function varintSize(n: number): number {
  if (n < 0) return 10; // negative int64 is sign-extended to 64 bits
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** A growable buffer that protobuf messages are written into (reused between records). */
export class ProtoWriter {
  bytes = new Uint8Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }

  varint(n: number): void {
    if (n < 0) {
      let v = BigInt.asUintN(64, BigInt(n));
      while (v >= 0x80n) {
        this.byte(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.byte(Number(v));
      return;
    }
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  /** Writes s as UTF-8 (a lone surrogate becomes U+FFFD). */
  utf8(s: string): void {
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        this.byte(c);
        continue;
      }
      if (c >= 0xd800 && c < 0xe000) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      }
      if (c < 0x800) {
        this.byte(0xc0 | (c >> 6));
      } else if (c < 0x10000) {
        this.byte(0xe0 | (c >> 12));
        this.byte(0x80 | ((c >> 6) & 0x3f));
      } else {
        this.byte(0xf0 | (c >> 18));
        this.byte(0x80 | ((c >> 12) & 0x3f));
        this.byte(0x80 | ((c >> 6) & 0x3f));
      }
      this.byte(0x80 | (c & 0x3f));
    }
  }

  intField(field: number, n: number): void {
    if (n === 0) return;
    this.byte(field << 3);
    this.varint(n);
  }

  stringField(field: number, s: string): void {
    if (s === '') return;
    this.byte((field << 3) | 2);
    this.varint(utf8Length(s));
    this.utf8(s);
  }
}

/** Size of an int64/uint64/enum field (tag + varint), 0 when the value is 0. */
export function intFieldSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

/** Size of a bytes/string/message field of the given payload length (omitted when empty). */
export function bytesFieldSize(len: number): number {
  return len === 0 ? 0 : 1 + varintSize(len) + len;
}

/** Marshaled size of a mvccpb.KeyValue. */
export function keyValueSize(kv: KeyValue): number {
  return (
    bytesFieldSize(utf8Length(kv.key)) +
    intFieldSize(kv.createRevision) +
    intFieldSize(kv.modRevision) +
    intFieldSize(kv.version) +
    bytesFieldSize(utf8Length(kv.value)) +
    intFieldSize(kv.lease)
  );
}

/** Writes a marshaled mvccpb.KeyValue (fields 1 key, 2 create, 3 mod, 4 version, 5 value, 6 lease). */
export function marshalKeyValue(kv: KeyValue, w: ProtoWriter): void {
  w.stringField(1, kv.key);
  w.intField(2, kv.createRevision);
  w.intField(3, kv.modRevision);
  w.intField(4, kv.version);
  w.stringField(5, kv.value);
  w.intField(6, kv.lease);
}

/** Marshaled size of a mvccpb.Event (1 type, 2 kv, 3 prev_kv). */
export function eventSize(ev: Event): number {
  const kv = keyValueSize(ev.kv);
  let size = intFieldSize(ev.type === 'DELETE' ? 1 : 0) + 1 + varintSize(kv) + kv;
  if (ev.prevKv !== undefined) {
    const prev = keyValueSize(ev.prevKv);
    size += 1 + varintSize(prev) + prev;
  }
  return size;
}
