import { describe, expect, it } from 'vitest';
import type { Entry, HardState } from '../../raft/raftpb';
import { EntryType } from '../../raft/raftpb';
import { ProtoWriter } from '../codec/proto';
import { marshalEntry } from '../codec/raftpb';
import { walDir } from '../datadir';
import type { Disk } from '../disk';
import { ErrExist, ErrUnexpectedEOF, errorIs } from '../errors';
import { catchError, fastDisk, newDisk } from '../__tests__/helpers';
import { Encoder } from './encoder';
import { repair } from './repair';
import { walName } from './util';
import {
  ErrCRCMismatch,
  ErrDecoderNotFound,
  ErrFileNotFound,
  ErrMetadataConflict,
  ErrSliceOutOfRange,
  ErrSnapshotMismatch,
  ErrSnapshotNotFound,
  WAL,
  validSnapshotEntries,
  verify,
} from './wal';
import { CrcType, EntryType as EntryRecord, MetadataType, SnapshotType, marshalWalSnapshot } from './walpb';

const metadata = new TextEncoder().encode('node=1 cluster=7');
const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

function ents(from: number, to: number, term = 1, size = 8): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) {
    out.push({ term, index: i, type: EntryType.EntryNormal, data: new Uint8Array(size).fill(i & 0xff) });
  }
  return out;
}

/** Saves entries from..to two at a time, so small segments get cut often. */
function fill(wal: WAL, from: number, to: number, size = 100): void {
  for (let i = from; i <= to; i += 2) {
    const last = Math.min(to, i + 1);
    if (wal.save({ term: 1, vote: 1, commit: last }, ents(i, last, 1, size))) wal.sync();
  }
}

async function created(segmentSizeBytes?: number) {
  const t = await newDisk();
  const wal = WAL.create(t.disk, walDir, metadata, undefined, { segmentSizeBytes });
  t.host.run();
  return { ...t, wal };
}

function reopen(disk: Disk, snap = { index: 0, term: 0 }, segmentSizeBytes?: number) {
  return WAL.open(disk, walDir, snap, { segmentSizeBytes });
}

function path(name: string): string {
  return `${walDir}/${name}`;
}

/** Rewrites a segment's page-cache content (a disk fault injected by the test). */
function corrupt(disk: Disk, name: string, edit: (b: Uint8Array) => Uint8Array): void {
  disk.writeFile(path(name), edit(disk.readFile(path(name))));
}

describe('WAL create, save and readAll', () => {
  it('creates the first segment with crc, metadata and the empty snapshot marker', async () => {
    const { disk, host, events } = await newDisk();
    let durable = false;
    WAL.create(disk, walDir, metadata, () => (durable = true));
    const first = path(walName(0, 0));
    expect(disk.list(walDir)).toEqual(['0000000000000000-0000000000000000.wal']);
    expect(disk.durableSize(first)).toBe(0);
    host.run();
    expect(durable).toBe(true);
    expect(disk.durableSize(first)).toBe(disk.size(first));
    // CRC record {type 4, crc 0} is 4 bytes: length word 4 with 4 bytes of padding (0x84).
    expect([...disk.readFile(first).subarray(0, 16)]).toEqual([4, 0, 0, 0, 0, 0, 0, 0x84, 0x08, 0x04, 0x10, 0, 0, 0, 0, 0]);
    expect(events.map((e) => e.type)).toContain('wal.created');
    expect(() => WAL.create(disk, walDir, metadata)).toThrow(ErrExist.message);
  });

  it('reads back metadata, hard state and entries', async () => {
    const { disk, host, wal } = await created();
    const st: HardState = { term: 2, vote: 1, commit: 5 };
    expect(wal.save(st, ents(1, 10))).toBe(true);
    wal.sync();
    host.run();
    const r = reopen(disk).readAll();
    expect(r.metadata).toEqual(metadata);
    expect(r.state).toEqual(st);
    expect(r.ents).toEqual(ents(1, 10));
  });

  it('asks for an fsync only as raft.MustSync does', async () => {
    const { wal } = await created();
    expect(wal.save({ term: 0, vote: 0, commit: 0 }, [])).toBe(false);
    expect(wal.save({ term: 1, vote: 1, commit: 0 }, [])).toBe(true);
    expect(wal.save({ term: 1, vote: 1, commit: 3 }, [])).toBe(false); // commit-only
    expect(wal.save({ term: 1, vote: 1, commit: 3 }, ents(1, 1))).toBe(true);
    expect(wal.save({ term: 2, vote: 1, commit: 3 }, [])).toBe(true);
  });

  it('lets a rewritten suffix replace older uncommitted entries', async () => {
    const { disk, host, wal } = await created();
    wal.save({ term: 1, vote: 1, commit: 2 }, ents(1, 5, 1));
    wal.save({ term: 2, vote: 2, commit: 2 }, ents(4, 6, 2));
    wal.sync();
    host.run();
    expect(reopen(disk).readAll().ents).toEqual([...ents(1, 3, 1), ...ents(4, 6, 2)]);
  });

  it('returns ErrDecoderNotFound on a second readAll and refuses appends before the first', async () => {
    const { disk } = await created();
    const w = reopen(disk);
    expect(() => w.save({ term: 1, vote: 0, commit: 0 }, [])).toThrow(/readAll first/);
    w.readAll();
    expect(() => w.readAll()).toThrow(ErrDecoderNotFound);
  });

  it('rejects a non-initial snapshot marker without ConfState', async () => {
    const { wal } = await created();
    expect(() => wal.saveSnapshot({ index: 3, term: 1 })).toThrow('Saved (not-initial) snapshot is missing ConfState');
  });
});

describe('WAL segments', () => {
  it('cuts segments at the size limit and chains the crc across them', async () => {
    const { disk, host, wal, events } = await created(1024);
    for (let i = 1; i <= 60; i += 5) {
      if (wal.save({ term: 1, vote: 1, commit: i + 4 }, ents(i, i + 4, 1, 100))) wal.sync();
    }
    host.run();
    const names = disk.list(walDir);
    expect(names.length).toBeGreaterThan(3);
    const cuts = events.filter((e) => e.type === 'wal.segment.cut');
    expect(cuts.length).toBe(names.length - 1);
    for (const [i, name] of names.entries()) {
      expect(name.startsWith(i.toString(16).padStart(16, '0'))).toBe(true);
      if (i > 0) {
        // the new segment's first record is a CRC record carrying the previous running crc
        const cut = cuts[i - 1];
        expect(cut.type === 'wal.segment.cut' && cut.to).toBe(name);
        const first = events.find((e) => e.type === 'wal.record.appended' && e.file === name);
        expect(first?.type === 'wal.record.appended' && [first.record, first.crc]).toEqual([
          'crc',
          cut.type === 'wal.segment.cut' && cut.prevCrc,
        ]);
      }
      expect(disk.durableSize(path(name))).toBe(disk.size(path(name)));
    }
    const r = reopen(disk, undefined, 1024).readAll();
    expect(r.ents).toEqual(ents(1, 60, 1, 100));
    expect(r.state.commit).toBe(60);
  });

  it('opens from the segment that holds the snapshot and returns only later entries', async () => {
    const { disk, host, wal } = await created(1024);
    fill(wal, 1, 30);
    wal.saveSnapshot({ index: 25, term: 1, confState });
    fill(wal, 31, 40);
    host.run();
    const r = reopen(disk, { index: 25, term: 1 }, 1024).readAll();
    expect(r.ents).toEqual(ents(26, 40, 1, 100));
    expect(validSnapshotEntries(disk, walDir)).toEqual([{ index: 0, term: 0 }, { index: 25, term: 1, confState }]);
    expect(verify(disk, walDir, { index: 25, term: 1 })).toEqual({ term: 1, vote: 1, commit: 40 });
  });

  it('reports missing or discontinuous segments', async () => {
    const empty = await newDisk();
    expect(() => reopen(empty.disk)).toThrow(ErrFileNotFound);

    const { disk, host, wal } = await created(512);
    fill(wal, 1, 20);
    host.run();
    const names = disk.list(walDir);
    disk.remove(path(names[0]), 'test');
    expect(() => reopen(disk)).toThrow("wal: file not found which matches the snapshot index '0'");
    disk.remove(path(names[2]), 'test');
    const start = parseInt(names[1].slice(17, 33), 16);
    expect(() => reopen(disk, { index: start, term: 1 })).toThrow(
      'wal: file sequence numbers (starting from 0) do not increase continuously',
    );
  });

  it('releases segment locks as etcd: all below the one that may hold the index', async () => {
    const { disk, host, wal } = await created(512);
    fill(wal, 1, 30);
    host.run();
    const names = disk.list(walDir);
    const starts = names.map((n) => parseInt(n.slice(17, 33), 16));
    wal.releaseLockTo(starts[3]);
    expect(names.map((n) => wal.isLocked(n))).toEqual(names.map((_, i) => i >= 2));
    wal.releaseLockTo(1e9);
    expect(names.map((n) => wal.isLocked(n))).toEqual(names.map((_, i) => i === names.length - 1));
  });
});

describe('WAL errors and repair', () => {
  async function withEntries(segmentSizeBytes?: number) {
    const t = await created(segmentSizeBytes);
    t.wal.save({ term: 1, vote: 1, commit: 10 }, ents(1, 10, 1, 40));
    t.wal.sync();
    t.host.run();
    return t;
  }

  it('fails with ErrCRCMismatch when a record byte flips', async () => {
    const { disk } = await withEntries();
    const name = disk.list(walDir)[0];
    corrupt(disk, name, (b) => {
      b[b.length - 60] ^= 0x01;
      return b;
    });
    const err = catchError(() => reopen(disk).readAll());
    expect(errorIs(err, ErrCRCMismatch)).toBe(true);
    expect(err.message).toMatch(/^walpb: crc mismatch: expected: [0-9a-f]+ computed: [0-9a-f]+: in file '0{16}-0{16}\.wal' at position: \d+$/);
    expect(repair(disk, walDir)).toBe(false); // corruption is not a torn write
  });

  it('treats a truncated last record as a torn write: unexpected EOF, repaired by truncation', async () => {
    const { disk, events } = await withEntries();
    const name = disk.list(walDir)[0];
    const full = disk.size(path(name));
    const stateRecord = 24; // the hard state follows the entries; cut into the last entry
    corrupt(disk, name, (b) => b.slice(0, full - stateRecord - 20));

    expect(errorIs(catchError(() => reopen(disk).readAll()), ErrUnexpectedEOF)).toBe(true);
    // read-only mode accepts the torn tail
    expect(WAL.openForRead(disk, walDir, { index: 0, term: 0 }).readAll().ents).toEqual(ents(1, 9, 1, 40));

    expect(repair(disk, walDir)).toBe(true);
    expect(disk.list(walDir)).toEqual([name, `${name}.broken`]);
    expect(disk.size(path(`${name}.broken`))).toBe(full - stateRecord - 20);
    const repaired = events.find((e) => e.type === 'wal.repaired');
    expect(repaired?.type === 'wal.repaired' && repaired.droppedBytes).toBeGreaterThan(0);

    const w = reopen(disk);
    const r = w.readAll();
    expect(r.ents).toEqual(ents(1, 9, 1, 40));
    // appending continues the crc chain
    w.save({ term: 1, vote: 1, commit: 10 }, ents(10, 11, 1, 40));
    expect(reopen(disk).readAll().ents).toEqual(ents(1, 11, 1, 40));
  });

  it('tells a zeroed sector inside the last record (torn) from corruption', async () => {
    const { disk, host, wal } = await created();
    wal.save({ term: 1, vote: 1, commit: 1 }, ents(1, 1, 1, 3000));
    wal.sync();
    host.run();
    const name = disk.list(walDir)[0];
    corrupt(disk, name, (b) => {
      const sector = Math.floor((b.length - 1000) / 512) * 512;
      b.fill(0, sector, sector + 512);
      return b;
    });
    expect(errorIs(catchError(() => reopen(disk).readAll()), ErrUnexpectedEOF)).toBe(true);
    expect(repair(disk, walDir)).toBe(true);
    expect(reopen(disk).readAll().ents).toEqual([]);
  });

  it('zeroes (truncates) bytes after a zero length word before appending', async () => {
    const { disk, events } = await withEntries();
    const name = disk.list(walDir)[0];
    const valid = disk.size(path(name));
    disk.append(path(name), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9]));
    const w = reopen(disk);
    expect(w.readAll().ents).toEqual(ents(1, 10, 1, 40));
    expect(disk.size(path(name))).toBe(valid);
    expect(events.some((e) => e.type === 'wal.tail.zeroed' && e.bytes === 12)).toBe(true);
  });

  it('checks the snapshot marker: mismatch and not found', async () => {
    const { disk } = await withEntries();
    expect(() => reopen(disk, { index: 0, term: 3 }).readAll()).toThrow(ErrSnapshotMismatch);
    expect(() => reopen(disk, { index: 4, term: 1 }).readAll()).toThrow(ErrSnapshotNotFound);
    expect(() => verify(disk, walDir, { index: 4, term: 1 })).toThrow(ErrSnapshotNotFound);
  });

  it('detects conflicting metadata and gaps in entry indexes', async () => {
    for (const [records, expected] of [
      [[[MetadataType, metadata], [MetadataType, new Uint8Array([1])]], ErrMetadataConflict],
      [[[EntryRecord, entryBytes(1)], [EntryRecord, entryBytes(3)]], ErrSliceOutOfRange],
    ] as const) {
      const { disk } = await newDisk(fastDisk);
      const file = path(walName(0, 0));
      disk.create(file);
      const enc = new Encoder(disk, file, 0);
      enc.encode(CrcType);
      const snap = new ProtoWriter();
      marshalWalSnapshot(snap, { index: 0, term: 0 });
      enc.encode(SnapshotType, snap.bytesView());
      for (const [type, data] of records) enc.encode(type, data);
      enc.flush();
      expect(errorIs(catchError(() => reopen(disk).readAll()), expected)).toBe(true);
    }
  });
});

function entryBytes(index: number): Uint8Array {
  const w = new ProtoWriter();
  marshalEntry(w, { term: 1, index, type: EntryType.EntryNormal });
  return w.buf.slice(0, w.pos);
}

describe('WAL input checks', () => {
  it('rejects a bad batch before writing any of it', async () => {
    const { disk, wal } = await created();
    const tail = path(wal.tail() as string);
    const size = disk.size(tail);
    const bad = [...ents(1, 2), { term: 1, index: -3, type: EntryType.EntryNormal }];
    expect(() => wal.save({ term: 1, vote: 1, commit: 0 }, bad)).toThrow('wal: invalid entry index: -3');
    expect(() => wal.save({ term: 1.5, vote: 1, commit: 0 }, [])).toThrow('wal: invalid hard state term: 1.5');
    expect(disk.size(tail)).toBe(size);
    wal.save({ term: 1, vote: 1, commit: 0 }, ents(1, 2));
    expect(reopen(disk).readAll().ents).toEqual(ents(1, 2));
  });
});
