// npm run bench [-- NAME...]: runs the benchmarks (all of them, or the ones named) and
// prints one JSON line per figure: {"name", "value", "unit", ...extra}. Every bench
// runs by default, the Chromium one too (the figures the README shows); it needs a
// Chromium that Playwright can launch (see playwright.config.ts).
import { print, type Figure } from './figures';
import { kernelEvents } from './kernel.bench';
import { netDelivered } from './net.bench';
import { raftSteady } from './raft.bench';
import { clusterStandard } from './cluster.bench';
import { scaleKeys, scaleMembers } from './scale.bench';
import { lincheckLargest } from './lincheck.bench';
import { chromiumStandard } from './chromium.bench';

// In this order when all run: `cluster` first, so its peak memory is its own run's
// rather than what the others leave behind.
const benches: Record<string, () => Figure[] | Promise<Figure[]>> = {
  cluster: () => clusterStandard(),
  kernel: () => [kernelEvents()],
  net: () => [netDelivered()],
  raft: () => raftSteady(),
  'scale-members': () => scaleMembers(),
  'scale-keys': () => scaleKeys(),
  lincheck: () => lincheckLargest(),
  // The standard 600 virtual seconds in Chromium's memory; 60 over IndexedDB, where each
  // fsync waits for a real transaction (about 1.3 virtual s per wall s here).
  chromium: () =>
    chromiumStandard([
      { backend: 'memory', virtualSeconds: 600 },
      { backend: 'indexeddb', virtualSeconds: 60 },
    ]),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
// A bench that fails says why on stderr; the others still run, and the exit status is 1.
let failed = false;
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  try {
    for (const f of await run()) print(f);
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
if (failed) process.exit(1);
