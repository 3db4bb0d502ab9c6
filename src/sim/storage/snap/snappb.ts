// snappb.Snapshot: the envelope of a .snap file, {crc, data}, where data is the
// marshaled raftpb.Snapshot and crc its CRC-32C.

import type { ProtoWriter } from '../codec/proto';
import { ProtoReader, WireBytes } from '../codec/proto';
import { varint } from '../codec/raftpb';

export interface SnapEnvelope {
  crc: number;
  data?: Uint8Array;
}

export function marshalSnapEnvelope(w: ProtoWriter, s: SnapEnvelope): void {
  w.uint(1, s.crc);
  if (s.data !== undefined) w.bytes(2, s.data);
}

export function unmarshalSnapEnvelope(bytes: Uint8Array): SnapEnvelope {
  const s: SnapEnvelope = { crc: 0 };
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) s.crc = varint(r, field, wire) % 4294967296;
    else if (field === 2) {
      r.expect(field, wire, WireBytes);
      s.data = r.bytes();
    } else r.skip(wire);
  }
  return s;
}
