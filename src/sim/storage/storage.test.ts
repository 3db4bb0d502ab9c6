import { describe, expect, it } from 'vitest';
import type { Entry, Snapshot } from '../raft/raftpb';
import { EntryType } from '../raft/raftpb';
import { walDir } from './datadir';
import { encodeBackend, loadBackend, saveBackend } from './db';
import type { DiskConfig } from './disk';
import { Snapshotter } from './snap/snapshotter';
import { Storage, recoverStorage } from './storage';
import { WAL } from './wal/wal';
import { newDisk } from './__tests__/helpers';

const metadata = new TextEncoder().encode('member 1 of cluster 7');
const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const slow: DiskConfig = { fsyncLatency: { kind: 'constant', ms: 2 }, tornWriteProbability: 0 };

function ents(from: number, to: number, term = 1): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ term, index: i, type: EntryType.EntryNormal, data: new Uint8Array([i]) });
  return out;
}

function snap(index: number, term: number): Snapshot {
  return { metadata: { confState, index, term }, data: new Uint8Array([index]) };
}

async function member(config: DiskConfig = slow) {
  const t = await newDisk(config);
  const storage = new Storage(WAL.create(t.disk, walDir, metadata), new Snapshotter(t.disk));
  return { ...t, storage };
}

describe('restart (recoverStorage)', () => {
  it('recovers snapshot, backend and the WAL entries after the snapshot', async () => {
    const { disk, host, storage } = await member();
    if (storage.save({ term: 1, vote: 1, commit: 20 }, ents(1, 20))) storage.sync();
    saveBackend(disk, { consistentIndex: 15, term: 1, confState, state: new Uint8Array([15]) });
    let snapDurable = false;
    storage.saveSnap(snap(10, 1), () => (snapDurable = true));
    host.run();
    expect(snapDurable).toBe(true);
    storage.release(snap(10, 1));
    disk.crash();

    const r = recoverStorage(disk);
    expect(r.metadata).toEqual(metadata);
    expect(r.snapshot).toEqual(snap(10, 1));
    expect(r.backend?.consistentIndex).toBe(15);
    expect(r.state).toEqual({ term: 1, vote: 1, commit: 20 });
    expect(r.ents).toEqual(ents(11, 20));
    // the server re-applies only entries above the consistent index
    expect(r.ents.filter((e) => e.index > (r.backend?.consistentIndex ?? 0)).map((e) => e.index)).toEqual([
      16, 17, 18, 19, 20,
    ]);
    // and keeps appending where the WAL left off
    expect(r.storage.save({ term: 2, vote: 2, commit: 20 }, ents(21, 21, 2))).toBe(true);
  });

  it('keeps only what was synced and repairs a torn tail', async () => {
    const { disk, host, storage, events } = await member({ ...slow, tornWriteProbability: 1 });
    storage.save({ term: 1, vote: 1, commit: 5 }, ents(1, 5));
    storage.sync();
    host.run();
    storage.save({ term: 1, vote: 1, commit: 5 }, ents(6, 40)); // no sync: at risk
    const [loss] = disk.crash();
    expect(loss.tornBytes).toBeGreaterThan(0);

    const r = recoverStorage(disk);
    expect(r.ents.slice(0, 5)).toEqual(ents(1, 5));
    expect(r.ents).toEqual(ents(1, r.ents.length)); // never garbage, only a prefix of what was written
    expect(events.some((e) => e.type === 'wal.repaired' || e.type === 'wal.tail.zeroed')).toBe(true);
  });

  it('swaps in the database received with a snapshot newer than the backend', async () => {
    const { disk, host, storage } = await member();
    saveBackend(disk, { consistentIndex: 3, term: 1, state: new Uint8Array([3]) });
    storage.save({ term: 2, vote: 1, commit: 30 }, []);
    // a follower received snapshot 30 from the leader: db first, then snap file and marker
    const leaderDB = encodeBackend({ consistentIndex: 30, term: 2, confState, state: new Uint8Array([30]) });
    storage.snapshotter.saveDBFrom(leaderDB, 30);
    storage.saveSnap(snap(30, 2));
    host.run();
    const r = recoverStorage(disk);
    expect(r.backend?.consistentIndex).toBe(30);
    expect(loadBackend(disk)?.consistentIndex).toBe(30);
    expect(r.ents).toEqual([]);
  });

  it('fails clearly when the snapshot is newer than the backend and no database came with it', async () => {
    const { disk, host, storage } = await member();
    saveBackend(disk, { consistentIndex: 3, term: 1, state: new Uint8Array(0) });
    storage.save({ term: 2, vote: 1, commit: 30 }, []);
    storage.saveSnap(snap(30, 2));
    host.run();
    expect(() => recoverStorage(disk)).toThrow(
      "failed to find database snapshot file: snap: snapshot file doesn't exist",
    );
  });

  it('refuses to repair corruption that is not a torn write', async () => {
    const { disk, host, storage } = await member();
    storage.save({ term: 1, vote: 1, commit: 5 }, ents(1, 5));
    storage.sync();
    host.run();
    const name = `${walDir}/${disk.list(walDir)[0]}`;
    const b = disk.readFile(name);
    b[b.length - 40] ^= 0x10;
    disk.writeFile(name, b);
    expect(() => recoverStorage(disk)).toThrow(/^failed to read (WAL, cannot be repaired|snapshot entries from the WAL): /);
    expect(disk.list(walDir).some((n) => n.endsWith('.broken'))).toBe(false);
  });
});
