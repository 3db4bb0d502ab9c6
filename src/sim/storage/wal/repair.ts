// Repair of a torn last record (spec server.md §5.7): only the last segment,
// only for io.ErrUnexpectedEOF. The damaged file is kept as <name>.broken and
// the segment is truncated after its last valid record.

import type { Disk } from '../disk';
import { EOF, ErrUnexpectedEOF, errorIs } from '../errors';
import { Decoder, checkCrcRecord } from './decoder';
import { readWALNames } from './util';
import { CrcType } from './walpb';

/** Returns whether the WAL in `dir` ends cleanly now (etcd's wal.Repair). */
export function repair(disk: Disk, dir: string): boolean {
  let names: string[];
  try {
    names = readWALNames(disk, dir);
  } catch {
    return false;
  }
  const name = names[names.length - 1];
  const path = `${dir}/${name}`;
  const data = disk.readFile(path);
  const decoder = new Decoder([{ name, data }]);
  for (;;) {
    const lastOffset = decoder.lastOffset();
    const rec = decoder.decode();
    if (!(rec instanceof Error)) {
      if (rec.type === CrcType) {
        try {
          checkCrcRecord(decoder, rec);
        } catch {
          return false;
        }
      }
      continue;
    }
    if (errorIs(rec, EOF)) return true;
    if (!errorIs(rec, ErrUnexpectedEOF)) return false;

    const brokenFile = `${name}.broken`;
    disk.writeFile(`${dir}/${brokenFile}`, data);
    disk.truncate(path, lastOffset, 'wal repair: drop the torn last record');
    disk.fsync(path, 'wal repair');
    disk.emit({
      type: 'wal.repaired',
      file: name,
      offset: lastOffset,
      droppedBytes: data.length - lastOffset,
      brokenFile,
      cause: `torn write: ${rec.message}`,
    });
    return true;
  }
}
