// npm run scenario -- NAME|FILE [--seed N] [--trace OUT.jsonl] [--json]
// Replays a scenario headless, prints its narration and each expectation's result, and
// exits non-zero if one fails (or the scenario cannot be read).

import { readFileSync, writeFileSync } from 'node:fs';
import { loadScenario, scenarioNames } from './load';
import { ScenarioRun, type ScenarioReport } from './runner';

interface Args {
  target: string;
  seed?: number;
  trace?: string;
  json: boolean;
}

const USAGE = 'usage: npm run scenario -- NAME|FILE [--seed N] [--trace OUT.jsonl] [--json]\n       npm run scenario -- --list';

function parseArgs(argv: string[]): Args | string {
  const args: Args = { target: '', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--seed') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) return `--seed: expected a whole number >= 0 (got ${argv[i] ?? 'nothing'})`;
      args.seed = n;
    } else if (a === '--trace') {
      if (argv[i + 1] === undefined) return '--trace: expected an output file';
      args.trace = argv[++i];
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (args.target !== '') return `unexpected argument ${a}`;
    else args.target = a;
  }
  return args.target === '' ? 'missing scenario name or file' : args;
}

function printReport(r: ScenarioReport, title: string): void {
  console.log(`${title} (${r.name}, seed ${r.seed})\n`);
  for (const n of r.narration) console.log(`[t=${(n.t / 1000).toFixed(3)}s] ${n.text}\n`);
  if (r.error !== undefined) console.log(r.error);
  for (const s of r.steps) if (s.error !== undefined) console.log(`step ${s.step + 1} at t=${Math.round(s.t)} ms: ${s.error}`);
  for (const x of r.expectations) console.log(`${x.status === 'pass' ? 'PASS' : 'FAIL'}  ${x.title}\n      ${x.detail}`);
  console.log(`\n${r.passed ? 'passed' : 'FAILED'}: ${r.traceEvents} trace events to t=${r.endMs} ms, trace hash ${r.traceHash}`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--list')) {
    console.log(scenarioNames().join('\n'));
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  let scenario;
  try {
    const isFile = args.target.endsWith('.json') || args.target.includes('/');
    scenario = loadScenario(isFile ? readFileSync(args.target, 'utf8') : args.target);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const run = new ScenarioRun(scenario, args.seed);
  const report = await run.runToEndAsync();
  if (args.trace !== undefined) writeFileSync(args.trace, run.world.kernel.trace.toJSONL());
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report, scenario.title);
  return report.passed ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
