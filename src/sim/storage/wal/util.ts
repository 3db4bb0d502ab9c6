// WAL file naming and selection (spec server.md §5.3, §5.5).

import type { Disk } from '../disk';
import { wrapError } from '../errors';

export const ErrFileNotFound = new Error('wal: file not found');
const errBadWALName = new Error('bad wal name');

const walNamePattern = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function walName(seq: number, index: number): string {
  return `${hex16(seq)}-${hex16(index)}.wal`;
}

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function parseWALName(name: string): { seq: number; index: number } {
  const m = walNamePattern.exec(name);
  if (m === null) throw wrapError(errBadWALName, name);
  return { seq: parseInt(m[1], 16), index: parseInt(m[2], 16) };
}

function isWALName(name: string): boolean {
  return walNamePattern.test(name);
}

/** True if `dir` holds any WAL segment (etcd's wal.Exist). */
export function exist(disk: Disk, dir: string): boolean {
  return disk.list(dir).some(isWALName);
}

/** Segment names in order; other files (.tmp, .broken) are ignored. */
export function readWALNames(disk: Disk, dir: string): string[] {
  const names = disk.list(dir).filter(isWALName);
  if (names.length === 0) throw ErrFileNotFound;
  return names;
}

/** The last segment whose first index is <= index, or -1. */
export function searchIndex(names: readonly string[], index: number): number {
  for (let i = names.length - 1; i >= 0; i--) {
    if (index >= parseWALName(names[i]).index) return i;
  }
  return -1;
}

export function isValidSeq(names: readonly string[]): boolean {
  let lastSeq = 0;
  for (const name of names) {
    const { seq } = parseWALName(name);
    if (lastSeq !== 0 && lastSeq !== seq - 1) return false;
    lastSeq = seq;
  }
  return true;
}

/** Names from the segment that may hold `index` onwards (etcd 3.6 selectWALFiles). */
export function selectWALFiles(disk: Disk, dir: string, index: number): string[] {
  const names = readWALNames(disk, dir);
  const i = searchIndex(names, index);
  if (i < 0) throw new Error(`wal: file not found which matches the snapshot index '${index}'`);
  const selected = names.slice(i);
  if (!isValidSeq(selected)) {
    throw new Error(`wal: file sequence numbers (starting from ${i}) do not increase continuously`);
  }
  return selected;
}
