// Storage trace events. Every decision the disk, WAL, snapshotter and backend
// make is reported with its cause (DESIGN.md principle 5); `at` is virtual ms.

import type { HardState } from '../raft/raftpb';

export type RecordTypeName = 'metadata' | 'entry' | 'state' | 'crc' | 'snapshot';

export interface CrashLoss {
  file: string;
  /** Bytes written but not yet durable, dropped by the crash. */
  lostBytes: number;
  /** Of those, the prefix that nevertheless reached the disk (a torn write). */
  tornBytes: number;
}

export type StorageEvent = { at: number; cause: string } & (
  | { type: 'disk.fsync.started'; file: string; bytes: number; latencyMs: number; completesAt: number }
  | { type: 'disk.fsync.completed'; file: string; durableBytes: number }
  | { type: 'disk.fsync.failed'; file: string; error: string }
  | { type: 'disk.crash'; losses: CrashLoss[] }
  | { type: 'disk.file.removed'; file: string }
  | { type: 'disk.file.renamed'; from: string; to: string }
  | { type: 'wal.created'; file: string }
  | {
      type: 'wal.record.appended';
      file: string;
      record: RecordTypeName;
      offset: number;
      bytes: number;
      crc: number;
      index?: number;
      term?: number;
    }
  | { type: 'wal.segment.cut'; from: string; to: string; prevCrc: number }
  | { type: 'wal.opened'; files: string[]; snapshotIndex: number; snapshotTerm: number; write: boolean }
  | { type: 'wal.read'; entries: number; lastIndex: number; hardState: HardState }
  | { type: 'wal.tail.zeroed'; file: string; offset: number; bytes: number }
  | { type: 'wal.repaired'; file: string; offset: number; droppedBytes: number; brokenFile?: string }
  | { type: 'wal.lock.released'; files: string[] }
  | { type: 'snap.saved'; file: string; bytes: number }
  | { type: 'snap.loaded'; file: string }
  | { type: 'snap.broken'; file: string; error: string }
  | { type: 'backend.committed'; consistentIndex: number; term: number; bytes: number }
);

export type StorageEventSink = (event: StorageEvent) => void;

/** Distributes over the union so callers pass one event without `at`. */
export type StorageEventInput = StorageEvent extends infer E ? (E extends StorageEvent ? Omit<E, 'at'> : never) : never;
