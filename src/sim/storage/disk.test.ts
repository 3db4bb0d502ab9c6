import { describe, expect, it } from 'vitest';
import { MemoryBackend } from './backend/memory';
import type { DiskConfig } from './disk';
import { Disk, SectorSize, sampleLatency, validateConfig } from './disk';
import { ErrNotExist, errorIs } from './errors';
import { TestHost, bytes, fastDisk, newDisk, seeded } from './__tests__/helpers';

const torn: DiskConfig = { fsyncLatency: { kind: 'constant', ms: 5 }, tornWriteProbability: 1 };

describe('simulated disk', () => {
  it('makes writes durable only when their fsync completes', async () => {
    const { disk, host, backend, events } = await newDisk({ fsyncLatency: { kind: 'constant', ms: 5 }, tornWriteProbability: 0 });
    disk.create('f');
    disk.append('f', bytes(1, 2, 3));
    let done = false;
    disk.fsync('f', 'test', () => (done = true));
    disk.append('f', bytes(4));
    host.run(4);
    expect([done, disk.durableSize('f')]).toEqual([false, 0]);
    host.run(5);
    expect([done, disk.durableSize('f'), disk.size('f')]).toEqual([true, 3, 4]);
    expect(await backend.readFile('f')).toEqual(bytes(1, 2, 3));
    expect(events.map((e) => e.type)).toEqual(['disk.fsync.started', 'disk.fsync.completed']);
    const started = events[0];
    expect(started.type === 'disk.fsync.started' && [started.at, started.completesAt, started.bytes]).toEqual([0, 5, 3]);
  });

  it('serves fsyncs in order: a later one never completes first', async () => {
    const { disk, host } = await newDisk({ fsyncLatency: { kind: 'uniform', minMs: 1, maxMs: 50 }, tornWriteProbability: 0 });
    const order: number[] = [];
    for (let i = 0; i < 20; i++) {
      disk.writeFile(`f${i}`, bytes(i));
      disk.fsync(`f${i}`, 'test', () => order.push(i));
    }
    host.run();
    expect(order).toEqual([...Array(20).keys()]);
  });

  it('loses the unsynced tail on crash, and the backend agrees', async () => {
    const { disk, host, backend, events } = await newDisk(fastDisk);
    disk.create('f');
    disk.append('f', bytes(1, 2));
    disk.fsync('f', 'test');
    host.run();
    disk.append('f', bytes(3, 4));
    let called = false;
    disk.fsync('f', 'in flight', () => (called = true)); // sent to the backend, not yet durable
    disk.append('f', bytes(5));
    disk.create('g'); // never synced: vanishes
    expect(disk.crash()).toEqual([
      { file: 'f', lostBytes: 3, tornBytes: 0 },
      { file: 'g', lostBytes: 0, tornBytes: 0 },
    ]);
    host.run();
    expect(called).toBe(false); // the process that waited is gone
    expect(disk.readFile('f')).toEqual(bytes(1, 2));
    expect(disk.exists('g')).toBe(false);
    expect(await backend.list()).toEqual(['f']);
    expect(await backend.readFile('f')).toEqual(bytes(1, 2));
    expect(events.at(-1)?.type).toBe('disk.crash');
  });

  it('may leave a seeded torn prefix of the unsynced tail', async () => {
    const { disk, host, backend } = await newDisk(torn, new MemoryBackend(), 7);
    disk.create('f');
    disk.append('f', bytes(1));
    disk.fsync('f', 'test');
    host.run();
    disk.append('f', new Uint8Array(2000).fill(9));
    const [loss] = disk.crash();
    expect(loss.tornBytes).toBeGreaterThan(0);
    expect(loss.lostBytes + loss.tornBytes).toBe(2000);
    expect(disk.size('f') % SectorSize).toBe(0); // whole sectors only
    expect(disk.size('f')).toBe(1 + loss.tornBytes);
    expect(await backend.readFile('f')).toEqual(disk.readFile('f'));
    // what survived a crash is durable
    expect(disk.durableSize('f')).toBe(disk.size('f'));
  });

  it('tears nothing when the unsynced tail stays within one sector', async () => {
    const { disk, host } = await newDisk(torn);
    disk.create('f');
    disk.append('f', new Uint8Array(10));
    disk.fsync('f', 'test');
    host.run();
    disk.append('f', new Uint8Array(400));
    expect(disk.crash()).toEqual([{ file: 'f', lostBytes: 400, tornBytes: 0 }]);
  });

  it('replaces a file atomically with writeFile: a crash before its fsync keeps the old content', async () => {
    const { disk, host, backend } = await newDisk(torn);
    disk.writeFile('db', bytes(1, 1));
    disk.fsync('db', 'test');
    host.run();
    disk.writeFile('db', bytes(2, 2, 2));
    disk.fsync('db', 'test');
    expect(disk.readFile('db')).toEqual(bytes(2, 2, 2)); // page cache sees the new content
    disk.crash();
    expect(disk.readFile('db')).toEqual(bytes(1, 1));
    expect(await backend.readFile('db')).toEqual(bytes(1, 1));
  });

  it('keeps both versions right when replaces overlap in flight', async () => {
    const { disk, host } = await newDisk({ fsyncLatency: { kind: 'constant', ms: 10 }, tornWriteProbability: 0 });
    disk.writeFile('db', bytes(1));
    disk.fsync('db', 'first');
    host.run(5);
    disk.writeFile('db', bytes(2));
    disk.fsync('db', 'second');
    host.run(15);
    expect(disk.crash()).toEqual([{ file: 'db', lostBytes: 1, tornBytes: 0 }]);
    expect(disk.readFile('db')).toEqual(bytes(1));
  });

  it('does not let an fsync issued before a truncate resurrect the cut bytes', async () => {
    const { disk, host } = await newDisk({ fsyncLatency: { kind: 'constant', ms: 10 }, tornWriteProbability: 0 });
    disk.create('f');
    disk.append('f', bytes(1, 2, 3, 4));
    disk.fsync('f', 'before');
    disk.truncate('f', 2, 'test');
    disk.append('f', bytes(7));
    host.run();
    disk.crash();
    expect(disk.readFile('f')).toEqual(bytes(1, 2));
  });

  it('renames and removes durably, and reports missing files clearly', async () => {
    const { disk, backend } = await newDisk(fastDisk);
    disk.writeFile('a', bytes(1));
    disk.fsync('a', 'test');
    disk.rename('a', 'b', 'test');
    expect(disk.list('')).toEqual([]);
    expect([disk.exists('a'), disk.exists('b')]).toEqual([false, true]);
    expect(await backend.list()).toEqual(['b']);
    disk.remove('b', 'test');
    expect(await backend.list()).toEqual([]);
    expect(() => disk.readFile('b')).toThrow('file does not exist: b');
    try {
      disk.append('nope', bytes(1));
    } catch (err) {
      expect(errorIs(err, ErrNotExist)).toBe(true);
    }
  });

  it('lists a directory sorted, without nested files', async () => {
    const { disk } = await newDisk(fastDisk);
    for (const n of ['m/wal/2.wal', 'm/wal/1.wal', 'm/snap/db', 'm/x']) disk.create(n);
    expect(disk.list('m/wal')).toEqual(['1.wal', '2.wal']);
    expect(disk.list('m')).toEqual(['x']);
  });

  it('reopens from the backend with what was durable', async () => {
    const { disk, host, backend } = await newDisk(fastDisk);
    disk.create('f');
    disk.append('f', bytes(1, 2));
    disk.fsync('f', 'test');
    host.run();
    disk.append('f', bytes(3));
    const reloaded = await Disk.open(backend, new TestHost(), seeded(1), fastDisk);
    expect(reloaded.readFile('f')).toEqual(bytes(1, 2));
  });

  it('draws latencies from the seeded distribution, the same for the same seed', () => {
    const lognormal = { kind: 'lognormal', medianMs: 2, sigma: 0.5, maxMs: 20 } as const;
    const a = seeded(3);
    const b = seeded(3);
    const xs = Array.from({ length: 2000 }, () => sampleLatency(lognormal, a));
    expect(xs).toEqual(Array.from({ length: 2000 }, () => sampleLatency(lognormal, b)));
    const sorted = [...xs].sort((x, y) => x - y);
    expect(sorted[1000]).toBeGreaterThan(1.8);
    expect(sorted[1000]).toBeLessThan(2.2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(20);
    const u = Array.from({ length: 100 }, () => sampleLatency({ kind: 'uniform', minMs: 3, maxMs: 4 }, a));
    expect(Math.min(...u) >= 3 && Math.max(...u) < 4).toBe(true);
  });

  it('rejects bad configuration with a clear error', () => {
    expect(() => validateConfig({ ...fastDisk, tornWriteProbability: 2 })).toThrow(
      'disk config: tornWriteProbability must be in [0, 1], got 2',
    );
    expect(() => validateConfig({ ...fastDisk, fsyncLatency: { kind: 'uniform', minMs: 5, maxMs: 1 } })).toThrow(
      'maxMs must be >= minMs',
    );
    expect(() => validateConfig({ ...fastDisk, fsyncLatency: { kind: 'constant', ms: NaN } })).toThrow(
      'fsyncLatency.ms must be a finite number',
    );
  });

  it('reports a failed backend write as an fsync error at the completion instant', async () => {
    const backend = new MemoryBackend();
    const host = new TestHost();
    const disk = await Disk.open(backend, host, seeded(1), fastDisk);
    disk.create('f');
    disk.append('f', bytes(1));
    disk.fsync('f', 'test');
    host.run();
    backend.commit = () => {
      throw new Error('quota exceeded');
    };
    disk.append('f', bytes(2));
    let error: Error | undefined;
    disk.fsync('f', 'wal save', (err) => (error = err));
    host.run();
    expect(error?.message).toBe('disk: backend write failed (wal save): quota exceeded');
  });
});
