import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../raft/raftpb';
import { snapDir } from '../datadir';
import { newDisk } from '../__tests__/helpers';
import { ErrCRCMismatch, ErrEmptySnapshot, ErrNoDBSnapshot, ErrNoSnapshot, Snapshotter, snapName } from './snapshotter';

const confState = { voters: [1, 2, 3], learners: [4], votersOutgoing: [], learnersNext: [], autoLeave: false };

function snap(index: number, term: number): Snapshot {
  return { metadata: { confState, index, term }, data: new TextEncoder().encode(`members at ${index}`) };
}

async function setup() {
  const t = await newDisk();
  return { ...t, ss: new Snapshotter(t.disk) };
}

describe('snapshotter', () => {
  it('saves <term>-<index>.snap durably and loads the newest', async () => {
    const { disk, host, ss } = await setup();
    let durable = false;
    expect(ss.saveSnap(snap(10, 2))).toBe(true);
    ss.saveSnap(snap(20, 3), () => (durable = true));
    expect(disk.list(snapDir)).toEqual([snapName(2, 10), snapName(3, 20)]);
    expect(snapName(3, 20)).toBe('0000000000000003-0000000000000014.snap');
    host.run();
    expect(durable).toBe(true);
    expect(ss.load()).toEqual(snap(20, 3));
  });

  it('writes nothing for an empty snapshot', async () => {
    const { disk, ss } = await setup();
    expect(ss.saveSnap(snap(0, 0))).toBe(false);
    expect(disk.list(snapDir)).toEqual([]);
    expect(() => ss.load()).toThrow(ErrNoSnapshot);
  });

  it('falls back to an older snapshot when the newest is corrupt, renaming it .broken', async () => {
    const { disk, ss, events } = await setup();
    ss.saveSnap(snap(10, 2));
    ss.saveSnap(snap(20, 3));
    const newest = `${snapDir}/${snapName(3, 20)}`;
    const b = disk.readFile(newest);
    b[b.length - 3] ^= 0xff;
    disk.writeFile(newest, b);
    expect(() => ss.read(snapName(3, 20))).toThrow(ErrCRCMismatch);
    expect(ss.load()).toEqual(snap(10, 2));
    expect(disk.list(snapDir)).toEqual([snapName(2, 10), `${snapName(3, 20)}.broken`]);
    expect(events.some((e) => e.type === 'snap.broken' && e.error === 'snap: crc mismatch')).toBe(true);
  });

  it('treats empty and truncated files as unreadable', async () => {
    const { disk, ss } = await setup();
    ss.saveSnap(snap(10, 2));
    disk.writeFile(`${snapDir}/${snapName(2, 11)}`, new Uint8Array(0));
    expect(() => ss.read(snapName(2, 11))).toThrow(ErrEmptySnapshot);
    disk.writeFile(`${snapDir}/${snapName(2, 12)}`, disk.readFile(`${snapDir}/${snapName(2, 10)}`).slice(0, 9));
    expect(() => ss.read(snapName(2, 12))).toThrow(/proto:/);
    expect(ss.load()).toEqual(snap(10, 2));
  });

  it('loads the newest snapshot the WAL also recorded', async () => {
    const { ss } = await setup();
    ss.saveSnap(snap(10, 2));
    ss.saveSnap(snap(20, 3)); // orphan: its WAL marker never made it
    expect(ss.loadNewestAvailable([{ index: 0, term: 0 }, { index: 10, term: 2 }])).toEqual(snap(10, 2));
    expect(() => ss.loadNewestAvailable([{ index: 20, term: 4 }])).toThrow(ErrNoSnapshot);
  });

  it('keeps received databases until a newer snapshot releases them', async () => {
    const { disk, ss } = await setup();
    ss.saveDBFrom(new Uint8Array([1]), 5);
    ss.saveDBFrom(new Uint8Array([2]), 9);
    expect(ss.dbFilePath(9)).toBe(`${snapDir}/0000000000000009.snap.db`);
    expect(() => ss.dbFilePath(7)).toThrow(ErrNoDBSnapshot);
    ss.releaseSnapDBs(snap(9, 2));
    expect(disk.list(snapDir)).toEqual(['0000000000000009.snap.db']);
  });
});
