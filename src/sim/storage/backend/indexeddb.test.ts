import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../raft/raftpb';
import { EntryType } from '../../raft/raftpb';
import { walDir } from '../datadir';
import { saveBackend } from '../db';
import { Disk } from '../disk';
import type { DiskConfig } from '../disk';
import { Snapshotter } from '../snap/snapshotter';
import { Storage, recoverStorage } from '../storage';
import { WAL } from '../wal/wal';
import { TestHost, bytes, seeded } from '../__tests__/helpers';
import type { Backend } from './backend';
import { IndexedDBBackend, databaseName } from './indexeddb';
import { MemoryBackend } from './memory';

const config: DiskConfig = { fsyncLatency: { kind: 'lognormal', medianMs: 1, sigma: 0.8, maxMs: 30 }, tornWriteProbability: 1 };
const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

function ents(from: number, to: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ term: 1, index: i, type: EntryType.EntryNormal, data: new Uint8Array(50).fill(i) });
  return out;
}

async function files(backend: Backend): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const name of await backend.list()) out[name] = [...((await backend.readFile(name)) as Uint8Array)];
  return out;
}

/** One member's life: bootstrap, writes with segment cuts, a snapshot, a backend commit, a crash with a torn tail. */
async function scenario(backend: Backend, host: TestHost): Promise<void> {
  const disk = await Disk.open(backend, host, seeded(42), config);
  const storage = new Storage(
    WAL.create(disk, walDir, bytes(1, 7), undefined, { segmentSizeBytes: 2048 }),
    new Snapshotter(disk),
  );
  for (let i = 1; i <= 60; i += 3) {
    if (storage.save({ term: 1, vote: 1, commit: i + 2 }, ents(i, i + 2))) storage.sync();
    if (i === 31) {
      saveBackend(disk, { consistentIndex: 30, term: 1, confState, state: new Uint8Array([30]) });
      storage.saveSnap({ metadata: { confState, index: 30, term: 1 }, data: bytes(30) });
    }
    await host.runAsync();
  }
  storage.save({ term: 1, vote: 1, commit: 62 }, ents(61, 70)); // never synced
  disk.crash();
  await host.runAsync();
}

let dbs = 0;

describe('IndexedDB backend', () => {
  it('stores files as chunks: put, append, truncate, rename, remove', async () => {
    const b = await IndexedDBBackend.open('unit', `m${dbs++}`);
    await b.commit([
      { op: 'put', name: 'a', data: bytes(1, 2) },
      { op: 'append', name: 'a', offset: 2, data: bytes(3, 4, 5) },
      { op: 'append', name: 'a', offset: 5, data: bytes(6) },
    ]);
    expect(await b.readFile('a')).toEqual(bytes(1, 2, 3, 4, 5, 6));
    await b.commit([{ op: 'truncate', name: 'a', size: 3 }]);
    expect(await b.readFile('a')).toEqual(bytes(1, 2, 3));
    await b.commit([
      { op: 'append', name: 'a', offset: 3, data: bytes(9) },
      { op: 'rename', from: 'a', to: 'b' },
    ]);
    expect(await b.list()).toEqual(['b']);
    expect(await b.readFile('b')).toEqual(bytes(1, 2, 3, 9));
    await b.commit([{ op: 'remove', name: 'b' }]);
    expect(await b.list()).toEqual([]);
    expect(await b.readFile('b')).toBeUndefined();
    b.close();
  });

  it('rejects a bad batch whole, with a clear error', async () => {
    const b = await IndexedDBBackend.open('unit', `m${dbs++}`);
    await b.commit([{ op: 'put', name: 'a', data: bytes(1) }]);
    await expect(b.commit([{ op: 'put', name: 'c', data: bytes(1) }, { op: 'append', name: 'a', offset: 7, data: bytes(2) }])).rejects.toThrow(
      'indexeddb backend: append a at 7, but its size is 1',
    );
    expect(await b.list()).toEqual(['a']);
    b.close();
  });

  it('holds the same bytes as the memory backend after the same run', async () => {
    const memory = new MemoryBackend();
    await scenario(memory, new TestHost());
    const member = `m${dbs++}`;
    const idb = await IndexedDBBackend.open('same-bytes', member);
    expect(idb.name).toBe(databaseName('same-bytes', member));
    const host = new TestHost();
    await scenario(idb, host);
    expect(host.holds.length).toBeGreaterThan(20);
    const expected = await files(memory);
    expect(Object.keys(expected).some((n) => n.endsWith('.wal'))).toBe(true);
    expect(await files(idb)).toEqual(expected);
    idb.close();

    // a page reload: reopen the database and restart the member from it
    const reopened = await IndexedDBBackend.open('same-bytes', member);
    const disk = await Disk.open(reopened, new TestHost(), seeded(1), config);
    const r = recoverStorage(disk, { segmentSizeBytes: 2048 });
    expect(r.snapshot?.metadata.index).toBe(30);
    expect(r.backend?.consistentIndex).toBe(30);
    expect(r.ents.slice(0, 30)).toEqual(ents(31, 60));
    reopened.close();
    await IndexedDBBackend.destroy('same-bytes', member);
  });

  it('never reports an fsync complete before its transaction committed', async () => {
    const idb = await IndexedDBBackend.open('holds', `m${dbs++}`);
    const host = new TestHost();
    const disk = await Disk.open(idb, host, seeded(5), config);
    const settled = new Set<Promise<void>>();
    const wal = WAL.create(disk, walDir, bytes(1), () => {
      // at the completion instant, every hold up to now has settled
      for (const h of host.holds) if (h.until <= host.now()) expect(settled.has(h.pending)).toBe(true);
    });
    for (const h of host.holds) void h.pending.then(() => settled.add(h.pending));
    await host.runAsync();
    expect(wal.lastIndex()).toBe(0);
    idb.close();
  });
});
