// Turns bench output into the README's Figures table:
//   (npm run -s bench; npm run -s bench:ui) | npx tsx bench/table.ts [--write README.md]
// reads JSON lines on stdin (other lines are ignored), prints the table, and with
// --write replaces the table between the README's `figures:start` / `figures:end`
// markers. Rows whose figures are missing from the input keep a dash, so a partial run
// (`npm run -s bench -- cluster | ...`) shows what it did not measure.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Figure } from './figures';

interface Row {
  command: string;
  label: string;
  /** Figure names; several are shown as "a / b / c". */
  names: string[];
}

const bench = (name: string) => `npm run bench -- ${name}`;
const perWall = (prefix: string) => ['completed_puts', 'committed_proposals', 'applied_proposals'].map((f) => `${prefix}.${f}_per_wall_second`);

export const ROWS: readonly Row[] = [
  { command: bench('kernel'), label: 'kernel events (`kernel.events_per_wall_second`)', names: ['kernel.events_per_wall_second'] },
  { command: bench('net'), label: 'network messages delivered (`net.delivered_per_wall_second`)', names: ['net.delivered_per_wall_second'] },
  { command: bench('raft'), label: 'Raft messages stepped, 5 members, median of 5 runs after a warm-up (`raft.messages_stepped_per_wall_second`)', names: ['raft.messages_stepped_per_wall_second'] },
  { command: bench('raft'), label: 'the same run, virtual s per wall s (`raft.virtual_seconds_per_wall_second`)', names: ['raft.virtual_seconds_per_wall_second'] },
  { command: bench('cluster'), label: 'standard workload, virtual s per wall s (`cluster.virtual_seconds_per_wall_second`)', names: ['cluster.virtual_seconds_per_wall_second'] },
  { command: bench('cluster'), label: 'the same: completed puts / committed / applied proposals (`cluster.*`)', names: perWall('cluster') },
  { command: bench('cluster'), label: 'peak RSS / peak V8 heap used of that run (`cluster.peak_rss`, `cluster.peak_heap_used`)', names: ['cluster.peak_rss', 'cluster.peak_heap_used'] },
  { command: bench('chromium'), label: 'in Chromium, memory backend, virtual s per wall s (`chromium.memory.virtual_seconds_per_wall_second`)', names: ['chromium.memory.virtual_seconds_per_wall_second'] },
  { command: bench('chromium'), label: 'the same: completed puts / committed / applied proposals (`chromium.memory.*`)', names: perWall('chromium.memory') },
  { command: bench('chromium'), label: 'over IndexedDB (60 virtual s), virtual s per wall s (`chromium.indexeddb.virtual_seconds_per_wall_second`)', names: ['chromium.indexeddb.virtual_seconds_per_wall_second'] },
  { command: bench('chromium'), label: 'the same: completed puts / committed / applied proposals (`chromium.indexeddb.*`)', names: perWall('chromium.indexeddb') },
  { command: bench('scale-members'), label: 'virtual s per wall s, 3 / 5 / 7 / 15 / 51 members (`scale.members.N.*`)', names: [3, 5, 7, 15, 51].map((n) => `scale.members.${n}.virtual_seconds_per_wall_second`) },
  { command: bench('scale-keys'), label: 'virtual s per wall s, 1k / 100k / 1M keys (`scale.keys.N.*`)', names: [1_000, 100_000, 1_000_000].map((n) => `scale.keys.${n}.virtual_seconds_per_wall_second`) },
  { command: bench('lincheck'), label: 'largest vector (`lincheck.largest_vector`)', names: ['lincheck.largest_vector'] },
  { command: bench('lincheck'), label: 'largest linearizable vector (`lincheck.largest_linearizable_vector`)', names: ['lincheck.largest_linearizable_vector'] },
  { command: 'npm run bench:ui', label: 'page frames per second under load (`ui.frames_per_second`)', names: ['ui.frames_per_second'] },
];

/** A value as the table shows it: millions for big rates, thousands separators, units. */
export function show(value: number, unit: string): string {
  const grouped = (x: number) => Math.round(x).toLocaleString('en-US');
  if (unit.endsWith('/s') && value >= 100_000) return `${(value / 1e6).toFixed(2)} M/s`;
  if (unit.endsWith('/s')) return `${grouped(value)}/s`;
  if (unit === 'x') return String(value);
  if (unit === 'ms' || unit === 'MiB') return `${grouped(value)} ${unit}`;
  return `${value} ${unit}`;
}

export function parseFigures(text: string): Map<string, Figure> {
  const byName = new Map<string, Figure>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const f = JSON.parse(line) as Figure;
      if (typeof f.name === 'string' && typeof f.value === 'number') byName.set(f.name, f);
    } catch {
      // not a figure line
    }
  }
  return byName;
}

export function table(figures: Map<string, Figure>): string {
  const cell = (names: string[], pick: (f: Figure) => string | undefined) => {
    const cells = names.map((n) => {
      const f = figures.get(n);
      return f === undefined ? '-' : pick(f);
    });
    return cells.every((c) => c === undefined) ? '' : cells.map((c) => c ?? '-').join(' / ');
  };
  const lines = ['| command | figure | value | per CPU s |', '| --- | --- | --- | --- |'];
  for (const r of ROWS) {
    // A lincheck figure names its vector.
    const value = cell(r.names, (f) => show(f.value, f.unit) + (typeof f.file === 'string' ? ` (${f.file}, ${String(f.ops)} ops)` : ''));
    const perCpu = cell(r.names, (f) => (typeof f.per_cpu_second === 'number' ? show(f.per_cpu_second, f.unit) : undefined));
    lines.push(`| \`${r.command}\` | ${r.label} | ${value} | ${perCpu} |`);
  }
  return lines.join('\n');
}

/** Replaces what lies between the markers in a README. */
export function replaceBetweenMarkers(readme: string, content: string): string {
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no "${start}" ... "${end}" markers in the README`);
  return `${readme.slice(0, a + start.length)}\n${content}\n${readme.slice(b)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = parseFigures(readFileSync(0, 'utf8'));
  const [l1, l5, l15] = loadavg().map((x) => x.toFixed(1));
  const when = `Run finished ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores; load average then: ${l1}, ${l5}, ${l15} (1, 5, 15 min).`;
  const out = `${when}\n\n${table(figures)}`;
  const i = process.argv.indexOf('--write');
  if (i < 0) console.log(out);
  else {
    const file = process.argv[i + 1] ?? 'README.md';
    writeFileSync(file, replaceBetweenMarkers(readFileSync(file, 'utf8'), out));
    console.log(`${file}: figures table updated (${figures.size} figures read)`);
  }
}
