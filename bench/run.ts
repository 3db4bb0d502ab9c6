// npm run bench [-- NAME...]: runs the benchmarks and prints one JSON line per figure.
import { print, type Figure } from './figures';
import { kernelEvents } from './kernel.bench';
import { netDelivered } from './net.bench';
import { raftSteady } from './raft.bench';
import { clusterStandard } from './cluster.bench';

const benches: Record<string, () => Figure[] | Promise<Figure[]>> = {
  kernel: () => [kernelEvents()],
  net: () => [netDelivered()],
  raft: () => raftSteady(),
  cluster: () => clusterStandard(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) for (const f of await run()) print(f);
}
