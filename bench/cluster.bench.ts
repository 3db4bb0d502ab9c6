// The standard workload (bench/standard.ts) with the memory backend, in Node: figures
// cluster.{virtual_seconds,completed_puts,committed_proposals,applied_proposals}_per_wall_second,
// and the peak memory of the same run. The run goes in slices of one virtual second and
// reads process memory after each (bench/memory.ts), which costs far less than 1%.
import { World } from '../src/sim/world/world';
import { timed, type Figure } from './figures';
import { MemoryPeak, runSampled } from './memory';
import { STANDARD_VIRTUAL_SECONDS, standardConfig, standardFigures } from './standard';

const MB = 1024 * 1024;

export function clusterStandard(virtualSeconds = STANDARD_VIRTUAL_SECONDS): Figure[] {
  const before = process.memoryUsage();
  const peak = new MemoryPeak();
  const world = new World(standardConfig());
  const t = timed(() => runSampled((to) => world.runUntil(to), virtualSeconds * 1000, 1000, peak));
  const mb = (bytes: number) => Math.round(bytes / MB);
  const memory = { samples: peak.samples, virtual_s: virtualSeconds, members: world.members.length };
  return [
    ...standardFigures('cluster', world, virtualSeconds, t),
    // Whole process: Node itself, the code, and what earlier benches left unreclaimed.
    { name: 'cluster.peak_rss', value: mb(peak.rss), unit: 'MiB', rss_before_mib: mb(before.rss), process_max_rss_mib: mb(process.resourceUsage().maxRSS * 1024), ...memory },
    { name: 'cluster.peak_heap_used', value: mb(peak.heapUsed), unit: 'MiB', heap_before_mib: mb(before.heapUsed), trace_events: world.kernel.trace.length, ...memory },
  ];
}
