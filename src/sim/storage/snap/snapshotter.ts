// Raft snapshot files, as etcd's api/snap (spec server.md §4.1, §5.4): one file
// <term>-<index>.snap per snapshot holding {crc, data}; loading skips (and
// renames to .broken) files that cannot be read, newest first.

import { isEmptySnap } from '../../raft/node';
import type { Snapshot } from '../../raft/raftpb';
import { ProtoWriter } from '../codec/proto';
import { marshalSnapshot, unmarshalSnapshot } from '../codec/raftpb';
import { crc32c } from '../crc32c';
import { snapDir } from '../datadir';
import type { Disk, SyncDone } from '../disk';
import type { WalSnapshot } from '../wal/walpb';
import { hex16 } from '../wal/util';
import { marshalSnapEnvelope, unmarshalSnapEnvelope } from './snappb';

export const ErrNoSnapshot = new Error('snap: no available snapshot');
export const ErrEmptySnapshot = new Error('snap: empty snapshot');
export const ErrCRCMismatch = new Error('snap: crc mismatch');
export const ErrNoDBSnapshot = new Error("snap: snapshot file doesn't exist");

const snapSuffix = '.snap';

export function snapName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}${snapSuffix}`;
}

export class Snapshotter {
  constructor(
    private readonly disk: Disk,
    readonly dir: string = snapDir,
  ) {}

  /**
   * Writes <term>-<index>.snap and fsyncs it; done runs when it is durable.
   * An empty snapshot (index 0) writes nothing and returns false, as etcd.
   */
  saveSnap(snap: Snapshot, done?: SyncDone): boolean {
    if (isEmptySnap(snap)) return false;
    const body = new ProtoWriter();
    marshalSnapshot(body, snap);
    const data = body.bytesView();
    const file = new ProtoWriter(data.length + 16);
    marshalSnapEnvelope(file, { crc: crc32c(data), data });
    const name = snapName(snap.metadata.term, snap.metadata.index);
    const bytes = file.bytesView();
    this.disk.writeFile(this.path(name), bytes);
    this.disk.emit({
      type: 'snap.saved',
      file: name,
      bytes: bytes.length,
      cause: `raft snapshot at index ${snap.metadata.index} term ${snap.metadata.term}`,
    });
    this.disk.fsync(this.path(name), `snapshot file ${name} must be durable before its WAL marker`, done);
    return true;
  }

  /** The newest readable snapshot, or ErrNoSnapshot. */
  load(): Snapshot {
    return this.loadMatching(() => true);
  }

  /** The newest readable snapshot that the WAL also recorded (restart, spec server.md §4.3 3c). */
  loadNewestAvailable(walSnaps: readonly WalSnapshot[]): Snapshot {
    return this.loadMatching((snap) =>
      walSnaps.some((w) => w.term === snap.metadata.term && w.index === snap.metadata.index),
    );
  }

  /** Reads one snapshot file; throws ErrEmptySnapshot, ErrCRCMismatch or a decoding error. */
  read(name: string): Snapshot {
    const bytes = this.disk.readFile(this.path(name));
    if (bytes.length === 0) throw ErrEmptySnapshot;
    const envelope = unmarshalSnapEnvelope(bytes);
    if (envelope.data === undefined || envelope.data.length === 0 || envelope.crc === 0) throw ErrEmptySnapshot;
    if (crc32c(envelope.data) !== envelope.crc) throw ErrCRCMismatch;
    return unmarshalSnapshot(envelope.data);
  }

  /** Stores a database received with a raft snapshot as <index>.snap.db. */
  saveDBFrom(data: Uint8Array, index: number, done?: SyncDone): string {
    const path = this.dbPath(index);
    this.disk.writeFile(path, data);
    this.disk.fsync(path, `received snapshot database for index ${index}`, done);
    return path;
  }

  /** Path of the received database for `index`, or ErrNoDBSnapshot. */
  dbFilePath(index: number): string {
    const path = this.dbPath(index);
    if (!this.disk.exists(path)) throw ErrNoDBSnapshot;
    return path;
  }

  /** Removes received databases older than the snapshot (etcd's ReleaseSnapDBs). */
  releaseSnapDBs(snap: Snapshot): void {
    for (const name of this.disk.list(this.dir)) {
      if (!name.endsWith('.snap.db')) continue;
      const index = parseInt(name.slice(0, -'.snap.db'.length), 16);
      if (index < snap.metadata.index) {
        this.disk.remove(this.path(name), `orphaned snapshot database older than index ${snap.metadata.index}`);
      }
    }
  }

  private loadMatching(match: (snap: Snapshot) => boolean): Snapshot {
    const names = this.snapNames();
    for (const name of names) {
      const snap = this.loadSnap(name);
      if (snap !== undefined && match(snap)) return snap;
    }
    throw ErrNoSnapshot;
  }

  private loadSnap(name: string): Snapshot | undefined {
    try {
      const snap = this.read(name);
      this.disk.emit({ type: 'snap.loaded', file: name, cause: 'restart: newest usable snapshot' });
      return snap;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.disk.rename(this.path(name), this.path(name + '.broken'), `unreadable snapshot: ${error}`);
      this.disk.emit({ type: 'snap.broken', file: name, error, cause: 'skipped; an older snapshot is tried' });
      return undefined;
    }
  }

  /** Snapshot file names, newest first; ErrNoSnapshot if none. */
  private snapNames(): string[] {
    for (const name of this.disk.list(this.dir)) {
      if (name.startsWith('db.tmp')) this.disk.remove(this.path(name), 'orphaned defragmentation file');
    }
    const names = this.disk.list(this.dir).filter((n) => n.endsWith(snapSuffix));
    if (names.length === 0) throw ErrNoSnapshot;
    return names.reverse();
  }

  private dbPath(index: number): string {
    return this.path(`${hex16(index)}.snap.db`);
  }

  private path(name: string): string {
    return `${this.dir}/${name}`;
  }
}
