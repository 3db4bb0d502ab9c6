// WAL record framing (spec server.md §5.2): an 8-byte little-endian length word
// whose low 56 bits are the record length and whose top byte is 0x80|pad when
// the record needs 1..7 bytes of zero padding to an 8-byte boundary; then the
// marshaled walpb.Record; then the padding. Each record's crc continues the
// running CRC-32C over all record data since the chain began.

import { ProtoWriter } from '../codec/proto';
import { crc32c } from '../crc32c';
import type { Disk } from '../disk';
import { CrcType, marshalRecord } from './walpb';

export const frameSizeBytes = 8;

export interface EncodedRecord {
  offset: number;
  bytes: number;
  crc: number;
}

export class Encoder {
  /** Frames not yet handed to the disk (etcd's encoder buffers a page too). */
  private readonly pending = new ProtoWriter(4096);

  constructor(
    private readonly disk: Disk,
    readonly file: string,
    public crc: number,
  ) {}

  encode(type: number, data?: Uint8Array): EncodedRecord {
    if (type !== CrcType && data !== undefined) this.crc = crc32c(data, this.crc);
    const w = this.pending;
    const offset = this.disk.size(this.file) + w.pos;
    w.ensure(frameSizeBytes);
    const lenPos = w.pos;
    w.pos += frameSizeBytes;
    marshalRecord(w, { type, crc: this.crc, data });
    const recBytes = w.pos - lenPos - frameSizeBytes;
    const padBytes = (8 - (recBytes % 8)) % 8;
    w.ensure(padBytes);
    w.buf.fill(0, w.pos, w.pos + padBytes);
    w.pos += padBytes;
    writeLengthWord(w.buf, lenPos, recBytes, padBytes);
    return { offset, bytes: w.pos - lenPos, crc: this.crc };
  }

  flush(): void {
    if (this.pending.pos === 0) return;
    this.disk.append(this.file, this.pending.bytesView());
    this.pending.reset();
  }
}

function writeLengthWord(buf: Uint8Array, at: number, recBytes: number, padBytes: number): void {
  let v = recBytes;
  for (let i = 0; i < 7; i++) {
    buf[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
  buf[at + 7] = padBytes > 0 ? 0x80 | padBytes : 0;
}

/** Inverse of the length word: [recBytes, padBytes]. */
export function decodeFrameSize(buf: Uint8Array, at: number): [number, number] {
  let recBytes = 0;
  for (let i = 6; i >= 0; i--) recBytes = recBytes * 256 + buf[at + i];
  const top = buf[at + 7];
  return [recBytes, top & 0x80 ? top & 0x7 : 0];
}
