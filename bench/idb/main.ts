// The bench page: the standard workload with World.open over real IndexedDB (or memory)
// in this browser. It publishes progress and the figures on window for the Playwright
// driver (bench/chromium.bench.ts); the run's wall time is read here, outside src/sim.
import { World } from '../../src/sim/world/world';
import type { Backend } from '../../src/sim/storage/backend/backend';
import { MemoryBackend } from '../../src/sim/storage/backend/memory';
import { IndexedDBBackend } from '../../src/sim/storage/backend/indexeddb';
import { STANDARD_VIRTUAL_SECONDS, standardConfig, standardFigures } from '../standard';
import type { Figure } from '../figures';

declare global {
  interface Window {
    /** Virtual seconds simulated so far. */
    benchProgress?: number;
    benchResult?: { figures: Figure[] } | { error: string };
  }
}

async function run(): Promise<Figure[]> {
  const q = new URLSearchParams(location.search);
  const backend = q.get('backend') ?? 'indexeddb';
  if (backend !== 'indexeddb' && backend !== 'memory') throw new Error(`?backend must be indexeddb or memory, got ${JSON.stringify(backend)}`);
  const seconds = Number(q.get('seconds') ?? STANDARD_VIRTUAL_SECONDS);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`?seconds must be a whole number >= 1, got ${JSON.stringify(q.get('seconds'))}`);

  // A fresh set of databases per run, deleted afterwards.
  const cluster = `bench-${Date.now()}`;
  const opened: Backend[] = [];
  const open = async (member: string): Promise<Backend> => {
    const b = backend === 'memory' ? new MemoryBackend() : await IndexedDBBackend.open(cluster, member);
    opened.push(b);
    return b;
  };
  const world = await World.open(standardConfig(), open);
  try {
    const start = performance.now();
    for (let s = 1; s <= seconds; s++) {
      // Each fsync waits, in virtual time, for its real IndexedDB transaction.
      await world.kernel.runUntilAsync(s * 1000);
      window.benchProgress = s;
    }
    const wall = (performance.now() - start) / 1000;
    return standardFigures(`chromium.${backend}`, world, seconds, { wall }, { backend, browser: /(?:Headless)?Chrome\/[\d.]+/.exec(navigator.userAgent)?.[0] ?? navigator.userAgent });
  } finally {
    for (const b of opened) b.close();
    if (backend === 'indexeddb') for (const m of world.members) await IndexedDBBackend.destroy(cluster, m.name);
  }
}

const out = document.getElementById('out') as HTMLElement;
run().then(
  (figures) => {
    window.benchResult = { figures };
    out.textContent = figures.map((f) => JSON.stringify(f)).join('\n');
  },
  (err: unknown) => {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    window.benchResult = { error };
    out.textContent = error;
  },
);
