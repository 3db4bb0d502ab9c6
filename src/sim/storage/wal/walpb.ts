// walpb: the WAL record and the WAL's snapshot marker (spec server.md §5.1).

import type { ConfState } from '../../raft/raftpb';
import { marshalConfState, readConfState, varint } from '../codec/raftpb';
import type { ProtoWriter } from '../codec/proto';
import { ProtoReader, WireBytes } from '../codec/proto';
import type { RecordTypeName } from '../events';
import { wrapError } from '../errors';

export const MetadataType = 1;
export const EntryType = 2;
export const StateType = 3;
export const CrcType = 4;
export const SnapshotType = 5;

export const recordTypeNames: Record<number, RecordTypeName> = {
  [MetadataType]: 'metadata',
  [EntryType]: 'entry',
  [StateType]: 'state',
  [CrcType]: 'crc',
  [SnapshotType]: 'snapshot',
};

/** etcd 3.6 walpb.ErrCRCMismatch (3.5: "wal: crc mismatch"), spec server.md §11.4. */
export const ErrCRCMismatch = new Error('walpb: crc mismatch');

export interface WalRecord {
  type: number;
  crc: number;
  data?: Uint8Array;
}

/** walpb.Snapshot: where a raft snapshot was taken; confState absent only for the initial one. */
export interface WalSnapshot {
  index: number;
  term: number;
  confState?: ConfState;
}

export function validateRecord(rec: WalRecord, crc: number): Error | undefined {
  if (rec.crc === crc) return undefined;
  return wrapError(ErrCRCMismatch, `expected: ${rec.crc.toString(16)} computed: ${crc.toString(16)}`);
}

/** Since etcd 3.5 a non-initial snapshot must carry its ConfState. */
export function validateSnapshotForWrite(s: WalSnapshot): Error | undefined {
  if (s.confState === undefined && s.index > 0) {
    return new Error(`Saved (not-initial) snapshot is missing ConfState: index:${s.index} term:${s.term}`);
  }
  return undefined;
}

export function marshalRecord(w: ProtoWriter, rec: WalRecord): void {
  w.uint(1, rec.type);
  w.uint(2, rec.crc);
  if (rec.data !== undefined) w.bytes(3, rec.data);
}

export function unmarshalRecord(data: Uint8Array): WalRecord {
  const rec: WalRecord = { type: 0, crc: 0 };
  const r = new ProtoReader(data);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) rec.type = varint(r, field, wire);
    else if (field === 2) {
      rec.crc = varint(r, field, wire) % 4294967296;
    } else if (field === 3) {
      r.expect(field, wire, WireBytes);
      rec.data = r.bytes();
    } else r.skip(wire);
  }
  return rec;
}

export function marshalWalSnapshot(w: ProtoWriter, s: WalSnapshot): void {
  w.uint(1, s.index);
  w.uint(2, s.term);
  const cs = s.confState;
  if (cs !== undefined) w.message(3, (cw) => marshalConfState(cw, cs));
}

export function unmarshalWalSnapshot(data: Uint8Array): WalSnapshot {
  const s: WalSnapshot = { index: 0, term: 0 };
  const r = new ProtoReader(data);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) s.index = varint(r, field, wire);
    else if (field === 2) s.term = varint(r, field, wire);
    else if (field === 3) {
      r.expect(field, wire, WireBytes);
      s.confState = readConfState(r.sub());
    } else r.skip(wire);
  }
  return s;
}
