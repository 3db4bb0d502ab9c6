// Reads WAL records back from a sequence of segment files, validating the CRC
// chain, and tells a torn last write (io.ErrUnexpectedEOF, repairable) from
// corruption (spec server.md §5.2).

import { crc32c } from '../crc32c';
import { EOF, ErrUnexpectedEOF, wrapError } from '../errors';
import { decodeFrameSize, frameSizeBytes } from './encoder';
import type { WalRecord } from './walpb';
import { CrcType, ErrCRCMismatch, unmarshalRecord, validateRecord } from './walpb';

export const minSectorSize = 512;

export interface WalFile {
  name: string;
  data: Uint8Array;
}

export class Decoder {
  private current = 0;
  /** File offset following the last valid record of the current file. */
  private lastValidOff = 0;
  private crc = 0;

  constructor(private readonly files: readonly WalFile[]) {}

  /** The next record, EOF after the last file, or the error that stopped decoding. */
  decode(): WalRecord | Error {
    for (;;) {
      if (this.current >= this.files.length) return EOF;
      const { name, data } = this.files[this.current];
      const off = this.lastValidOff;
      const remaining = data.length - off;
      // A zero length word is preallocated space: the end of this file's data.
      if (remaining === 0 || (remaining >= frameSizeBytes && isZero(data, off, off + frameSizeBytes))) {
        // At the end keep lastValidOff: ReadAll zeroes the tail from there.
        if (this.current === this.files.length - 1) return EOF;
        this.current++;
        this.lastValidOff = 0;
        continue;
      }
      if (remaining < frameSizeBytes) return ErrUnexpectedEOF;

      const [recBytes, padBytes] = decodeFrameSize(data, off);
      const maxEntryLimit = data.length - off - padBytes;
      if (recBytes > maxEntryLimit) {
        return wrapError(
          ErrUnexpectedEOF,
          `[wal] max entry size limit exceeded when reading "${name}", recBytes: ${recBytes}, ` +
            `fileSize(${data.length}) - offset(${off}) - padBytes(${padBytes}) = entryLimit(${maxEntryLimit})`,
        );
      }
      const start = off + frameSizeBytes;
      const end = start + recBytes + padBytes;
      if (end > data.length) return ErrUnexpectedEOF;

      let rec: WalRecord;
      try {
        rec = unmarshalRecord(data.subarray(start, start + recBytes));
      } catch (err) {
        return this.isTornEntry(data, start, end) ? ErrUnexpectedEOF : (err as Error);
      }
      if (rec.type !== CrcType) {
        if (rec.data !== undefined) this.crc = crc32c(rec.data, this.crc);
        const err = validateRecord(rec, this.crc);
        if (err !== undefined) {
          const where = `in file '${name}' at position: ${off}`;
          return wrapError(this.isTornEntry(data, start, end) ? ErrUnexpectedEOF : err, where);
        }
      }
      this.lastValidOff = end;
      return rec;
    }
  }

  lastOffset(): number {
    return this.lastValidOff;
  }

  lastCRC(): number {
    return this.crc;
  }

  updateCRC(prevCrc: number): void {
    this.crc = prevCrc;
  }

  /**
   * A record in the last file whose frame has a whole disk sector (or the part
   * of one it covers) of zeros was partially written: sectors reach the disk
   * independently, and unwritten space reads as zeros.
   */
  private isTornEntry(data: Uint8Array, start: number, end: number): boolean {
    if (this.current !== this.files.length - 1) return false;
    for (let chunk = start; chunk < end; ) {
      const next = Math.min(end, chunk + minSectorSize - (chunk % minSectorSize));
      if (isZero(data, chunk, next)) return true;
      chunk = next;
    }
    return false;
  }
}

function isZero(data: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (data[i] !== 0) return false;
  return true;
}

/** A CRC record must carry the running CRC (unless the decoder just started); it then restarts the chain. */
export function checkCrcRecord(decoder: Decoder, rec: WalRecord): void {
  const crc = decoder.lastCRC();
  if (crc !== 0 && rec.crc !== crc) throw ErrCRCMismatch;
  decoder.updateCRC(rec.crc);
}
