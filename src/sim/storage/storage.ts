// etcd's server/storage: the WAL and the snapshotter together, and the restart
// path that reads them back with the backend (spec server.md §4.3 case 3,
// raft.md §15.2).

import type { Entry, HardState, Snapshot } from '../raft/raftpb';
import { backendPath, walDir } from './datadir';
import type { BackendImage } from './db';
import { loadBackend } from './db';
import type { Disk, SyncDone } from './disk';
import { ErrUnexpectedEOF, errorIs, withContext } from './errors';
import { ErrNoSnapshot, Snapshotter } from './snap/snapshotter';
import { repair } from './wal/repair';
import type { WALOptions } from './wal/wal';
import { WAL, validSnapshotEntries } from './wal/wal';
import type { WalSnapshot } from './wal/walpb';

export class Storage {
  constructor(
    readonly wal: WAL,
    readonly snapshotter: Snapshotter,
  ) {}

  /** WAL save; true means sync(done) must complete before relying on it. */
  save(st: HardState, ents: readonly Entry[]): boolean {
    return this.wal.save(st, ents);
  }

  /**
   * The snapshot file first, then its WAL marker (spec server.md §5.4): a .snap
   * without a marker is ignored on restart, never the reverse. The device
   * serves fsyncs in order, so done means both are durable.
   */
  saveSnap(snap: Snapshot, done?: SyncDone): void {
    this.snapshotter.saveSnap(snap);
    const m = snap.metadata;
    this.wal.saveSnapshot({ index: m.index, term: m.term, confState: m.confState }, done);
  }

  /** After a snapshot is durable: let old WAL segments and received dbs go. */
  release(snap: Snapshot): void {
    this.wal.releaseLockTo(snap.metadata.index);
    this.snapshotter.releaseSnapDBs(snap);
  }

  sync(done?: SyncDone): void {
    this.wal.sync(done);
  }

  close(done?: SyncDone): void {
    this.wal.close(done);
  }
}

export interface OpenedWAL {
  wal: WAL;
  metadata: Uint8Array;
  state: HardState;
  ents: Entry[];
}

/**
 * Opens the WAL at the snapshot and reads it; a torn tail (io.ErrUnexpectedEOF)
 * is repaired once and read again. Any other error is fatal for the member.
 */
export function openWALFromSnapshot(disk: Disk, snap: WalSnapshot, options: WALOptions = {}): OpenedWAL {
  let repaired = false;
  for (;;) {
    const wal = WAL.open(disk, walDir, snap, options);
    try {
      return { wal, ...wal.readAll() };
    } catch (err) {
      wal.close();
      if (repaired || !errorIs(err, ErrUnexpectedEOF)) throw withContext('failed to read WAL, cannot be repaired', err as Error);
      if (!repair(disk, walDir)) throw withContext('failed to repair WAL', err as Error);
      repaired = true;
    }
  }
}

export interface RecoveredStorage extends OpenedWAL {
  storage: Storage;
  /** The newest snapshot recorded in both the snap directory and the WAL. */
  snapshot?: Snapshot;
  /** The db; apply only entries with index > backend.consistentIndex. */
  backend?: BackendImage;
}

/**
 * The restart path of a member that has a WAL, in etcd's order:
 * 1. open the backend and read its consistent index;
 * 2. collect the WAL's snapshot markers (index <= last commit) and load the
 *    newest .snap file matching one of them (unreadable ones become .broken);
 * 3. if the snapshot is newer than the backend, the db received with it
 *    (<index>.snap.db) replaces the backend;
 * 4. open the WAL at the snapshot and read it (repairing a torn tail once).
 * The caller then rebuilds raft storage (snapshot, hard state, entries) and
 * re-applies only entries above backend.consistentIndex.
 */
export function recoverStorage(disk: Disk, options: WALOptions = {}): RecoveredStorage {
  let backend = loadBackend(disk);
  const snapshotter = new Snapshotter(disk);
  let walSnaps: WalSnapshot[];
  try {
    walSnaps = validSnapshotEntries(disk, walDir);
  } catch (err) {
    throw withContext('failed to read snapshot entries from the WAL', err as Error);
  }
  let snapshot: Snapshot | undefined;
  try {
    snapshot = snapshotter.loadNewestAvailable(walSnaps);
  } catch (err) {
    if (err !== ErrNoSnapshot) throw err;
  }
  if (snapshot !== undefined) {
    const index = snapshot.metadata.index;
    if (index > (backend?.consistentIndex ?? 0)) {
      let dbPath: string;
      try {
        dbPath = snapshotter.dbFilePath(index);
      } catch (err) {
        throw withContext('failed to find database snapshot file', err as Error);
      }
      disk.rename(dbPath, backendPath, `snapshot at index ${index} is newer than the db`);
      backend = loadBackend(disk);
      const ci = backend?.consistentIndex ?? 0;
      if (ci < index) {
        throw new Error(`database file (${backendPath} index ${ci}) does not match with snapshot (index ${index})`);
      }
    }
  }
  const m = snapshot?.metadata;
  const opened = openWALFromSnapshot(disk, m ? { index: m.index, term: m.term } : { index: 0, term: 0 }, options);
  return { ...opened, storage: new Storage(opened.wal, snapshotter), snapshot, backend };
}
