// npm run bench [-- NAME...]: runs the benchmarks (all of them, or the ones named) and
// prints one JSON line per figure: {"name", "value", "unit", ...extra}. Every bench
// runs by default, the Chromium one too (the figures the README shows); it needs a
// Chromium that Playwright can launch (see playwright.config.ts).
//
// npm run bench runs this file bundled by esbuild (.bench/run.mjs), as the page runs
// bundled code: through tsx, one module per file, the Raft bench was 5-10% slower.
//
// Each bench runs in a Node process of its own. V8 compiles the shared kernel, network
// and trace code for whatever ran first in a process, so a bench run after others
// measured what they left behind: the Raft bench gave 0.44-0.53 M messages/s after the
// kernel and net benches and 0.52-0.67 alone, alternated on the same machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { print, type Figure } from './figures';
import { kernelEvents } from './kernel.bench';
import { netDelivered } from './net.bench';
import { raftSteady } from './raft.bench';
import { clusterStandard } from './cluster.bench';
import { scaleKeys, scaleMembers } from './scale.bench';
import { lincheckLargest } from './lincheck.bench';
import { chromiumStandard } from './chromium.bench';

// In this order when all run (each in its own process, so its peak memory is its own).
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
const names = Object.keys(benches).filter((name) => wanted.length === 0 || wanted.includes(name));
// A bench that fails says why on stderr; the others still run, and the exit status is 1.
let failed = false;
if (names.length === 1) {
  try {
    for (const f of await benches[names[0]]()) print(f);
  } catch (err) {
    failed = true;
    console.error(`bench ${names[0]} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
} else {
  // This script again (the bundle, or this file under tsx), with the same Node flags, once per bench.
  const self = fileURLToPath(import.meta.url);
  for (const name of names) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, name], { stdio: 'inherit' });
    if (child.status !== 0) failed = true;
  }
}
if (failed) process.exit(1);
