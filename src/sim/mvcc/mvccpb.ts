// The mvccpb data model (etcd api/mvccpb/kv.proto) and its protobuf wire encoding,
// needed for byte-exact sizes (watch fragmenting) and for HashKV, which hashes the
// marshaled KeyValue records exactly as etcd's backend stores them.

import { forEachUtf8Byte, utf8Length } from './bytes';

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

/** A byte consumer (a hash, or a counter). */
export type ByteSink = (byte: number) => void;

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

export function writeVarint(n: number, sink: ByteSink): void {
  if (n < 0) {
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      sink(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    sink(Number(v));
    return;
  }
  while (n >= 0x80) {
    sink((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  sink(n);
}

/** Size of an int64/uint64/enum field (tag + varint), 0 when the value is 0. */
export function intFieldSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

/** Size of a bytes/string/message field of the given payload length (omitted when empty). */
export function bytesFieldSize(len: number): number {
  return len === 0 ? 0 : 1 + varintSize(len) + len;
}

function writeIntField(field: number, n: number, sink: ByteSink): void {
  if (n === 0) return;
  sink(field << 3);
  writeVarint(n, sink);
}

function writeStringField(field: number, s: string, sink: ByteSink): void {
  if (s === '') return;
  sink((field << 3) | 2);
  writeVarint(utf8Length(s), sink);
  forEachUtf8Byte(s, sink);
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
export function writeKeyValue(kv: KeyValue, sink: ByteSink): void {
  writeStringField(1, kv.key, sink);
  writeIntField(2, kv.createRevision, sink);
  writeIntField(3, kv.modRevision, sink);
  writeIntField(4, kv.version, sink);
  writeStringField(5, kv.value, sink);
  writeIntField(6, kv.lease, sink);
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
