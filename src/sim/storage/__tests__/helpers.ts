// Test scaffolding: a minimal virtual-time host and a seeded random stream.

import type { Backend } from '../backend/backend';
import { MemoryBackend } from '../backend/memory';
import type { DiskConfig, DiskHost, DiskRandom } from '../disk';
import { Disk } from '../disk';
import type { StorageEvent } from '../events';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A tiny event loop: events in (time, insertion) order, honouring holds. */
export class TestHost implements DiskHost {
  time = 0;
  private queue: Pending[] = [];
  private seq = 0;
  readonly holds: { until: number; pending: Promise<void> }[] = [];

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): void {
    this.queue.push({ at: this.time + delayMs, seq: this.seq++, fn });
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  hold(until: number, pending: Promise<void>): void {
    this.holds.push({ until, pending });
  }

  /** Runs every due event synchronously (memory backend: holds never used). */
  run(until = Infinity): void {
    while (this.queue.length > 0 && this.queue[0].at <= until) {
      const e = this.queue.shift() as Pending;
      this.time = e.at;
      e.fn();
    }
    if (until !== Infinity) this.time = Math.max(this.time, until);
  }

  /** Like run, but waits for the holds an event's instant depends on (IndexedDB). */
  async runAsync(): Promise<void> {
    while (this.queue.length > 0) {
      const next = this.queue[0];
      await Promise.all(this.holds.filter((h) => h.until <= next.at).map((h) => h.pending));
      this.queue.shift();
      this.time = next.at;
      next.fn();
    }
    await Promise.all(this.holds.map((h) => h.pending));
  }
}

/** mulberry32: small, seeded, good enough for tests. */
export function seeded(seed: number): DiskRandom {
  let a = seed >>> 0;
  return {
    float() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export const fastDisk: DiskConfig = { fsyncLatency: { kind: 'constant', ms: 1 }, tornWriteProbability: 0 };

export interface TestDisk {
  disk: Disk;
  host: TestHost;
  backend: Backend;
  events: StorageEvent[];
}

export async function newDisk(
  config: DiskConfig = fastDisk,
  backend: Backend = new MemoryBackend(),
  seed = 1,
): Promise<TestDisk> {
  const host = new TestHost();
  const events: StorageEvent[] = [];
  const disk = await Disk.open(backend, host, seeded(seed), config, (e) => events.push(e));
  return { disk, host, backend, events };
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

export function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
