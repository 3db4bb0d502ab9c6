import { describe, expect, it } from 'vitest';
import { backendPath } from './datadir';
import { ErrBackendCorrupt, decodeBackend, encodeBackend, loadBackend, saveBackend } from './db';
import { errorIs } from './errors';
import { catchError, newDisk } from './__tests__/helpers';

const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

describe('backend db', () => {
  it('round-trips the image with its consistent index, term and conf state', () => {
    const image = { consistentIndex: 1234, term: 5, confState, state: new Uint8Array([1, 2, 3]) };
    expect(decodeBackend(encodeBackend(image))).toEqual(image);
    const bare = { consistentIndex: 0, term: 0, state: new Uint8Array(0) };
    expect(decodeBackend(encodeBackend(bare))).toEqual(bare);
  });

  it('detects a corrupt file', () => {
    const b = encodeBackend({ consistentIndex: 7, term: 1, state: new Uint8Array(10) });
    b[6] ^= 1;
    expect(errorIs(catchError(() => decodeBackend(b)), ErrBackendCorrupt)).toBe(true);
    expect(() => decodeBackend(new Uint8Array(2))).toThrow('backend: database file is corrupt: 2 bytes');
  });

  it('commits atomically: a crash before the fsync keeps the previous commit', async () => {
    const { disk, host, events } = await newDisk({ fsyncLatency: { kind: 'constant', ms: 3 }, tornWriteProbability: 1 });
    expect(loadBackend(disk)).toBeUndefined();
    saveBackend(disk, { consistentIndex: 10, term: 2, state: new Uint8Array([10]) });
    host.run();
    saveBackend(disk, { consistentIndex: 20, term: 2, state: new Uint8Array([20]) });
    expect(loadBackend(disk)?.consistentIndex).toBe(20);
    disk.crash();
    expect(loadBackend(disk)?.consistentIndex).toBe(10);
    expect(disk.exists(backendPath)).toBe(true);
    expect(events.filter((e) => e.type === 'backend.committed').length).toBe(2);
  });
});
