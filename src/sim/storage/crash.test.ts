// Property: whatever the sequence of saves, syncs, elapsed time and crashes,
// a restart returns every entry whose sync completed, and otherwise only a
// prefix of what was written: never garbage, never a gap.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../raft/raftpb';
import { EntryType } from '../raft/raftpb';
import { walDir } from './datadir';
import type { DiskConfig } from './disk';
import { openWALFromSnapshot } from './storage';
import type { WAL } from './wal/wal';
import { WAL as WALClass } from './wal/wal';
import { newDisk } from './__tests__/helpers';

type Op =
  | { kind: 'save'; count: number; size: number; sync: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'crash' };

const save = fc.record({
  kind: fc.constant('save' as const),
  count: fc.integer({ min: 0, max: 6 }),
  size: fc.integer({ min: 0, max: 300 }),
  sync: fc.boolean(),
});
const advance = fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: save },
  { weight: 3, arbitrary: advance },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

const ops = fc.array(op, { maxLength: 60 });
const seeds = fc.integer({ min: 1, max: 2 ** 31 });
const probabilities = fc.double({ min: 0, max: 1, noNaN: true });
const segmentSizeBytes = 1500;

describe('crash recovery property', () => {
  it('restart returns the synced prefix at least, and nothing that was not written', async () => {
    await fc.assert(
      fc.asyncProperty(ops, seeds, probabilities, async (ops, seed, tornWriteProbability) => {
        const config: DiskConfig = { fsyncLatency: { kind: 'uniform', minMs: 0, maxMs: 5 }, tornWriteProbability };
        const { disk, host } = await newDisk(config, undefined, seed);
        let wal: WAL = WALClass.create(disk, walDir, new Uint8Array([1]), undefined, { segmentSizeBytes });
        host.run();
        let written: Entry[] = [];
        let durable = 0; // entries known durable (a sync covering them completed)

        const restart = () => {
          disk.crash();
          const r = openWALFromSnapshot(disk, { index: 0, term: 0 }, { segmentSizeBytes });
          expect(r.ents.length).toBeGreaterThanOrEqual(durable);
          expect(r.ents).toEqual(written.slice(0, r.ents.length));
          expect(r.state.commit).toBeLessThanOrEqual(r.ents.length);
          written = r.ents;
          durable = r.ents.length;
          wal = r.wal;
        };

        for (const o of ops) {
          if (o.kind === 'advance') host.run(host.time + o.ms);
          else if (o.kind === 'crash') restart();
          else {
            const from = written.length + 1;
            const batch: Entry[] = [];
            for (let i = 0; i < o.count; i++) {
              const index = from + i;
              const data = new Uint8Array(o.size).fill(index & 0xff);
              batch.push({ term: 1, index, type: EntryType.EntryNormal, data });
            }
            written = [...written, ...batch];
            const mustSync = wal.save({ term: 1, vote: 1, commit: written.length }, batch);
            if (mustSync && o.sync) {
              const upTo = written.length;
              wal.sync(() => (durable = Math.max(durable, upTo)));
            }
          }
        }
        restart();
      }),
      { numRuns: 150 },
    );
  });
});
