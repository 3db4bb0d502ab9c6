// The write-ahead log, as etcd's server/storage/wal (spec server.md §5). A WAL
// is either being read (just opened) or appended to (just created, or after
// readAll). Writes land in the disk's page cache; durability comes from fsyncs,
// whose completion the caller waits for through the `done` callbacks.

import { emptyHardState, isEmptyHardState, mustSync } from '../../raft/node';
import type { Entry, HardState } from '../../raft/raftpb';
import { ProtoWriter } from '../codec/proto';
import { marshalEntry, marshalHardState, unmarshalEntry, unmarshalHardState } from '../codec/raftpb';
import type { Disk, SyncDone } from '../disk';
import { EOF, ErrExist, ErrUnexpectedEOF, errorIs, wrapError } from '../errors';
import { Decoder, checkCrcRecord } from './decoder';
import type { WalFile } from './decoder';
import { Encoder } from './encoder';
import { exist, parseWALName, readWALNames, selectWALFiles, walName } from './util';
import type { WalSnapshot } from './walpb';
import {
  CrcType,
  EntryType,
  MetadataType,
  SnapshotType,
  StateType,
  marshalWalSnapshot,
  recordTypeNames,
  unmarshalWalSnapshot,
  validateSnapshotForWrite,
} from './walpb';

export { ErrCRCMismatch } from './walpb';
export { ErrFileNotFound } from './util';

/** Segment size at which the WAL cuts a new file: 64 MB, not MiB (spec server.md §1). */
export const SegmentSizeBytes = 64 * 1000 * 1000;

export const ErrMetadataConflict = new Error('wal: conflicting metadata found');
export const ErrSnapshotMismatch = new Error('wal: snapshot mismatch');
export const ErrSnapshotNotFound = new Error('wal: snapshot not found');
export const ErrSliceOutOfRange = new Error('wal: slice bounds out of range');
export const ErrDecoderNotFound = new Error('wal: decoder not found');

export interface WALOptions {
  /** Tests use small segments; etcd's is SegmentSizeBytes. */
  segmentSizeBytes?: number;
}

export interface ReadAllResult {
  metadata: Uint8Array;
  state: HardState;
  /** Entries after the snapshot; may include uncommitted ones (index > state.commit). */
  ents: Entry[];
}

const noData = new Uint8Array(0);

export class WAL {
  private metadata: Uint8Array = noData;
  /** Last hard state written; repeated at the head of each new segment. */
  private state: HardState = emptyHardState;
  private start: WalSnapshot = { index: 0, term: 0 };
  private decoder?: Decoder;
  /** Index of the last entry saved. */
  private enti = 0;
  private encoder?: Encoder;
  /** Segments this WAL holds (etcd: file locks), oldest first; the last is the tail. */
  private locks: string[] = [];
  private syncCause = 'wal sync';
  private readonly scratch = new ProtoWriter();
  private readonly segmentSize: number;

  private constructor(
    private readonly disk: Disk,
    readonly dir: string,
    options: WALOptions,
  ) {
    this.segmentSize = options.segmentSizeBytes ?? SegmentSizeBytes;
    if (!(this.segmentSize > 0)) throw new Error(`wal: segmentSizeBytes must be > 0, got ${this.segmentSize}`);
  }

  /**
   * Creates the first segment holding CRC(0), the metadata and the empty
   * snapshot marker; `done` runs when it is durable. Throws ErrExist if the
   * directory already holds a WAL.
   */
  static create(disk: Disk, dir: string, metadata: Uint8Array, done?: SyncDone, options: WALOptions = {}): WAL {
    if (exist(disk, dir)) throw wrapError(ErrExist, dir);
    const w = new WAL(disk, dir, options);
    const name = walName(0, 0);
    // etcd builds the file in <dir>.tmp and renames the directory; a crash before
    // the fsync completes loses the new file either way.
    disk.create(w.path(name));
    w.locks.push(name);
    w.metadata = metadata;
    w.encoder = new Encoder(disk, w.path(name), 0);
    w.encode(CrcType, undefined, 'new WAL: crc chain starts at 0');
    w.encode(MetadataType, metadata, 'new WAL: member metadata');
    disk.emit({ type: 'wal.created', file: name, cause: 'bootstrap: no WAL yet' });
    w.saveSnapshot({ index: 0, term: 0 }, done);
    return w;
  }

  /** Opens for appending after readAll (which must read to a clean end). */
  static open(disk: Disk, dir: string, snap: WalSnapshot, options: WALOptions = {}): WAL {
    return WAL.openAtIndex(disk, dir, snap, true, options);
  }

  /** Opens read-only: readAll accepts a torn tail and the WAL cannot append. */
  static openForRead(disk: Disk, dir: string, snap: WalSnapshot, options: WALOptions = {}): WAL {
    return WAL.openAtIndex(disk, dir, snap, false, options);
  }

  private static openAtIndex(disk: Disk, dir: string, snap: WalSnapshot, write: boolean, options: WALOptions): WAL {
    const names = selectWALFiles(disk, dir, snap.index);
    const w = new WAL(disk, dir, options);
    w.start = { ...snap };
    w.decoder = new Decoder(readFiles(disk, dir, names));
    if (write) w.locks = names;
    disk.emit({
      type: 'wal.opened',
      files: names,
      snapshotIndex: snap.index,
      snapshotTerm: snap.term,
      write,
      cause: `restart: read the WAL from the segment holding snapshot index ${snap.index}`,
    });
    return w;
  }

  /**
   * Reads every record after the start snapshot (spec server.md §5.6). Later
   * entries with the same index replace earlier ones. Throws ErrSnapshotNotFound
   * if the start snapshot's marker was not seen, ErrUnexpectedEOF (repairable)
   * for a torn tail in write mode, and the other WAL errors as etcd does.
   */
  readAll(): ReadAllResult {
    const decoder = this.decoder;
    if (decoder === undefined) throw ErrDecoderNotFound;
    let metadata: Uint8Array | undefined;
    let state: HardState = { ...emptyHardState };
    const ents: Entry[] = [];
    let match = false;
    let end: Error;
    for (;;) {
      const rec = decoder.decode();
      if (rec instanceof Error) {
        end = rec;
        break;
      }
      switch (rec.type) {
        case EntryType: {
          const e = unmarshalEntry(rec.data ?? noData);
          if (e.index > this.start.index) {
            const offset = e.index - this.start.index - 1;
            if (offset > ents.length) {
              throw wrapError(
                ErrSliceOutOfRange,
                `snapshot[Index: ${this.start.index}, Term: ${this.start.term}], ` +
                  `current entry[Index: ${e.index}, Term: ${e.term}], len(ents): ${ents.length}`,
              );
            }
            ents.length = offset; // a rewritten (uncommitted) suffix replaces the old one
            ents.push(e);
          }
          this.enti = e.index;
          break;
        }
        case StateType:
          state = unmarshalHardState(rec.data ?? noData);
          break;
        case MetadataType: {
          const data = rec.data ?? noData;
          if (metadata !== undefined && !bytesEqual(metadata, data)) throw ErrMetadataConflict;
          metadata = data;
          break;
        }
        case CrcType:
          checkCrcRecord(decoder, rec);
          break;
        case SnapshotType: {
          const snap = unmarshalWalSnapshot(rec.data ?? noData);
          if (snap.index === this.start.index) {
            if (snap.term !== this.start.term) throw ErrSnapshotMismatch;
            match = true;
          }
          break;
        }
        default:
          throw new Error(`unexpected block type ${rec.type}`);
      }
    }

    const tail = this.tail();
    if (tail === undefined) {
      // Read-only: the last record may be a partial write.
      if (!errorIs(end, EOF) && !errorIs(end, ErrUnexpectedEOF)) throw end;
    } else {
      if (!errorIs(end, EOF)) throw end;
      // Bytes after the last valid record were never fully synced (a torn write
      // behind a zero length word); etcd zeroes them so new writes cannot mix
      // with them. Our segments are not preallocated, so zeroing is truncating.
      const path = this.path(tail);
      const off = decoder.lastOffset();
      const garbage = this.disk.size(path) - off;
      if (garbage > 0) {
        this.disk.truncate(path, off, 'wal readAll: zero the tail after the last valid record');
        this.disk.emit({
          type: 'wal.tail.zeroed',
          file: tail,
          offset: off,
          bytes: garbage,
          cause: 'bytes after the last valid record were never fully written',
        });
      }
    }
    if (!match) throw ErrSnapshotNotFound;

    this.start = { index: 0, term: 0 };
    this.metadata = metadata ?? noData;
    if (tail !== undefined) this.encoder = new Encoder(this.disk, this.path(tail), decoder.lastCRC());
    this.decoder = undefined;
    this.disk.emit({
      type: 'wal.read',
      entries: ents.length,
      lastIndex: this.enti,
      hardState: state,
      cause: 'restart: WAL replayed',
    });
    return { metadata: this.metadata, state, ents };
  }

  /**
   * Appends entries then the hard state (if not empty). Returns true when the
   * caller must sync(done) and wait before relying on them: per raft.MustSync,
   * or because a segment was cut. A commit-only change returns false.
   */
  save(st: HardState, ents: readonly Entry[]): boolean {
    const encoder = this.appendable();
    checkSave(st, ents); // before writing anything: a bad batch must not leave half of itself
    if (isEmptyHardState(st) && ents.length === 0) return false;
    const sync = mustSync(st, this.state, ents.length);
    for (const e of ents) this.saveEntry(e);
    this.saveState(st);
    encoder.flush();
    if (sync) {
      this.syncCause =
        ents.length > 0
          ? `wal save: ${ents.length} entries (${ents[0].index}..${ents[ents.length - 1].index}) must be durable`
          : `wal save: hard state term/vote changed (term ${st.term}, vote ${st.vote})`;
    }
    if (this.disk.size(encoder.file) < this.segmentSize) return sync;
    this.cut();
    return true;
  }

  /** Appends a snapshot marker and fsyncs (always, as etcd). */
  saveSnapshot(snap: WalSnapshot, done?: SyncDone): void {
    const encoder = this.appendable();
    const invalid = validateSnapshotForWrite(snap);
    if (invalid !== undefined) throw invalid;
    checkUint('snapshot index', snap.index);
    checkUint('snapshot term', snap.term);
    this.scratch.reset();
    marshalWalSnapshot(this.scratch, snap);
    this.encode(SnapshotType, this.scratch.bytesView(), `snapshot marker at index ${snap.index} term ${snap.term}`, snap);
    if (this.enti < snap.index) this.enti = snap.index;
    encoder.flush();
    this.syncCause = `wal snapshot marker at index ${snap.index} must be durable`;
    this.sync(done);
  }

  /** fsyncs the tail; done runs once it and every earlier fsync are durable. */
  sync(done?: SyncDone): void {
    const encoder = this.appendable();
    encoder.flush();
    this.disk.fsync(encoder.file, this.syncCause, done);
    this.syncCause = 'wal sync';
  }

  /**
   * Releases the segments entirely below `index` except the one that may still
   * hold it (spec server.md §5.8): holding 1..6 by start index, 4 releases 1,2.
   */
  releaseLockTo(index: number): void {
    if (this.locks.length === 0) return;
    let smaller = this.locks.findIndex((name) => parseWALName(name).index >= index) - 1;
    if (smaller === -2) smaller = this.locks.length - 1; // none starts at or after index
    if (smaller <= 0) return;
    const released = this.locks.splice(0, smaller);
    this.disk.emit({
      type: 'wal.lock.released',
      files: released,
      cause: `snapshot at index ${index}: older segments may be purged`,
    });
  }

  /** Whether the WAL still holds a segment (purge skips held segments). */
  isLocked(name: string): boolean {
    return this.locks.includes(name);
  }

  /** Syncs the tail (if appending) and releases every segment. */
  close(done?: SyncDone): void {
    const encoder = this.encoder;
    this.encoder = undefined;
    this.decoder = undefined;
    this.locks = [];
    if (encoder === undefined) {
      if (done) this.disk.host.schedule(0, () => done());
      return;
    }
    encoder.flush();
    this.disk.fsync(encoder.file, 'wal close', done);
  }

  /** Name of the segment being appended to. */
  tail(): string | undefined {
    return this.locks[this.locks.length - 1];
  }

  /** Index of the last entry (or snapshot) saved or read. */
  lastIndex(): number {
    return this.enti;
  }

  private cut(): void {
    const encoder = this.appendable();
    const from = this.tail() as string;
    // etcd truncates the preallocated tail here; our segments are never preallocated.
    this.disk.fsync(encoder.file, `wal cut: segment ${from} reached ${this.segmentSize} bytes`);
    const name = walName(parseWALName(from).seq + 1, this.enti + 1);
    this.disk.create(this.path(name));
    this.locks.push(name);
    const prevCrc = encoder.crc;
    this.encoder = new Encoder(this.disk, this.path(name), prevCrc);
    this.encode(CrcType, undefined, `new segment continues the crc chain from ${prevCrc.toString(16)}`);
    this.encode(MetadataType, this.metadata, 'new segment: member metadata');
    this.saveState(this.state);
    this.encoder.flush();
    this.disk.emit({
      type: 'wal.segment.cut',
      from,
      to: name,
      prevCrc,
      cause: `segment reached ${this.segmentSize} bytes; next entry index ${this.enti + 1}`,
    });
    this.disk.fsync(this.encoder.file, `wal cut: header of ${name}`);
    this.syncCause = `wal cut: ${name} must be durable`;
  }

  private saveEntry(e: Entry): void {
    this.scratch.reset();
    marshalEntry(this.scratch, e);
    this.encode(EntryType, this.scratch.bytesView(), 'raft entries to persist', e);
    this.enti = e.index;
  }

  private saveState(st: HardState): void {
    if (isEmptyHardState(st)) return;
    this.state = { term: st.term, vote: st.vote, commit: st.commit };
    this.scratch.reset();
    marshalHardState(this.scratch, st);
    this.encode(StateType, this.scratch.bytesView(), `hard state term ${st.term} vote ${st.vote} commit ${st.commit}`);
  }

  private encode(type: number, data: Uint8Array | undefined, cause: string, at?: { index: number; term: number }): void {
    const encoder = this.appendable();
    const r = encoder.encode(type, data);
    if (!this.disk.tracing) return;
    this.disk.emit({
      type: 'wal.record.appended',
      file: this.tail() as string,
      record: recordTypeNames[type],
      offset: r.offset,
      bytes: r.bytes,
      crc: r.crc,
      ...(at && { index: at.index, term: at.term }),
      cause,
    });
  }

  private appendable(): Encoder {
    if (this.encoder === undefined) {
      throw new Error(
        this.decoder ? 'wal: not ready for appending: readAll first' : 'wal: closed or opened read-only',
      );
    }
    return this.encoder;
  }

  private path(name: string): string {
    return `${this.dir}/${name}`;
  }
}

function checkUint(what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`wal: invalid ${what}: ${v}`);
}

function checkSave(st: HardState, ents: readonly Entry[]): void {
  checkUint('hard state term', st.term);
  checkUint('hard state vote', st.vote);
  checkUint('hard state commit', st.commit);
  for (const e of ents) {
    checkUint('entry index', e.index);
    checkUint(`entry ${e.index} term`, e.term);
    checkUint(`entry ${e.index} type`, e.type);
    if (e.data !== undefined && !(e.data instanceof Uint8Array)) throw new Error(`wal: entry ${e.index} data is not bytes`);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function readFiles(disk: Disk, dir: string, names: readonly string[]): WalFile[] {
  return names.map((name) => ({ name, data: disk.readFile(`${dir}/${name}`) }));
}

/**
 * Read-only check of the WAL from `snap` (etcd's wal.Verify): metadata, CRC
 * chain and snapshot marker; returns the last hard state.
 */
export function verify(disk: Disk, dir: string, snap: WalSnapshot): HardState {
  const decoder = new Decoder(readFiles(disk, dir, selectWALFiles(disk, dir, snap.index)));
  let metadata: Uint8Array | undefined;
  let state: HardState = { ...emptyHardState };
  let match = false;
  for (;;) {
    const rec = decoder.decode();
    if (rec instanceof Error) {
      if (!errorIs(rec, EOF) && !errorIs(rec, ErrUnexpectedEOF)) throw rec;
      break;
    }
    switch (rec.type) {
      case MetadataType: {
        const data = rec.data ?? noData;
        if (metadata !== undefined && !bytesEqual(metadata, data)) throw ErrMetadataConflict;
        metadata = data;
        break;
      }
      case CrcType:
        checkCrcRecord(decoder, rec);
        break;
      case SnapshotType: {
        const s = unmarshalWalSnapshot(rec.data ?? noData);
        if (s.index === snap.index) {
          if (s.term !== snap.term) throw ErrSnapshotMismatch;
          match = true;
        }
        break;
      }
      case StateType:
        state = unmarshalHardState(rec.data ?? noData);
        break;
      case EntryType:
        break;
      default:
        throw new Error(`unexpected block type ${rec.type}`);
    }
  }
  if (!match) throw ErrSnapshotNotFound;
  return state;
}

/**
 * Snapshot markers in the whole WAL whose index is at most the last hard
 * state's commit (etcd's ValidSnapshotEntries): the snapshots a restart may use.
 */
export function validSnapshotEntries(disk: Disk, dir: string): WalSnapshot[] {
  const decoder = new Decoder(readFiles(disk, dir, readWALNames(disk, dir)));
  const snaps: WalSnapshot[] = [];
  let state: HardState = { ...emptyHardState };
  for (;;) {
    const rec = decoder.decode();
    if (rec instanceof Error) {
      if (!errorIs(rec, EOF) && !errorIs(rec, ErrUnexpectedEOF)) throw rec;
      break;
    }
    if (rec.type === SnapshotType) snaps.push(unmarshalWalSnapshot(rec.data ?? noData));
    else if (rec.type === StateType) state = unmarshalHardState(rec.data ?? noData);
    else if (rec.type === CrcType) checkCrcRecord(decoder, rec);
  }
  return snaps.filter((s) => s.index <= state.commit);
}
