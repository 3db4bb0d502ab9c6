// npm run fuzz -- --seeds N [--from S] [--minutes M] [--inject BUG] [--phase MS]
//                 [--peer-only] [--no-dup] [--kinds K,...] [--members 3|5] [--large-values]
//                 [--member-down] [--out DIR] [--no-shrink]
// npm run fuzz -- --replay FILE   (reruns a repro file's schedule and prints its failures)
// Runs seeds S, S+1, ... (each printed with its schedule first), stops after N seeds or
// M wall-clock minutes, shrinks each failing seed and writes a repro file for it, and
// ends with a summary. Exit code 1 when a run failed (without --inject) or when an
// injected bug was never caught (with --inject).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_KINDS, describeFault, describeSwarm, generateSchedule, type FaultKind } from '../sim/check/fuzz/schedule';
import { runSchedule, type RunResult } from '../sim/check/fuzz/run';
import { shrink } from '../sim/check/fuzz/shrink';
import { toRepro, REPRO_FORMAT, type Repro } from '../sim/check/fuzz/repro';
import { addRun, emptySummary } from '../sim/check/fuzz/summary';
import { BUG_NAMES, parseBug, type BugName } from '../sim/check/fuzz/inject';

interface Args {
  seeds: number;
  from: number;
  minutes: number | undefined;
  inject: BugName | undefined;
  phaseMs: number;
  clientFaults: boolean;
  out: string;
  shrink: boolean;
  kinds: FaultKind[] | undefined;
  duplication: boolean;
  members: number | undefined;
  largeValues: boolean;
  memberDown: boolean;
}

const USAGE = `usage: npm run fuzz -- --seeds N [--from S] [--minutes M] [--inject BUG] [--phase MS] [--peer-only] [--no-dup] [--kinds K,...]
                     [--members 3|5] [--large-values] [--member-down] [--out DIR] [--no-shrink]
       npm run fuzz -- --replay FILE
  bugs: ${BUG_NAMES.join(', ')}
  kinds: ${FAULT_KINDS.join(', ')}`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 10, from: 1, minutes: undefined, inject: undefined, phaseMs: 10_000, clientFaults: true, out: 'fuzz-failures', shrink: true, kinds: undefined, duplication: true, members: undefined, largeValues: false, memberDown: false };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min} (got ${v ?? 'nothing'})\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--seeds':
        args.seeds = Math.floor(num(flag, argv[++i], 1));
        break;
      case '--from':
        args.from = Math.floor(num(flag, argv[++i], 0));
        break;
      case '--minutes':
        args.minutes = num(flag, argv[++i], 0);
        break;
      case '--phase':
        args.phaseMs = Math.floor(num(flag, argv[++i], 1000));
        break;
      case '--inject':
        args.inject = parseBug(argv[++i] ?? '');
        break;
      case '--peer-only':
        args.clientFaults = false;
        break;
      case '--out':
        args.out = argv[++i] ?? args.out;
        break;
      case '--no-dup':
        args.duplication = false;
        break;
      case '--kinds':
        args.kinds = (argv[++i] ?? '').split(',') as FaultKind[];
        break;
      case '--members': {
        const n = num(flag, argv[++i], 1);
        if (n !== 3 && n !== 5) throw new Error(`--members needs 3 or 5 (got ${n})\n${USAGE}`);
        args.members = n;
        break;
      }
      case '--large-values':
        args.largeValues = true;
        break;
      case '--member-down':
        args.memberDown = true;
        break;
      case '--no-shrink':
        args.shrink = false;
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return args;
}

/** Reruns a repro file's schedule (with its injected bug) and prints what fails. */
function replay(file: string): number {
  const repro = JSON.parse(readFileSync(file, 'utf8')) as Repro;
  if (repro.format !== REPRO_FORMAT) throw new Error(`${file}: not a fuzz repro file (format ${JSON.stringify(repro.format)}, expected ${REPRO_FORMAT})`);
  console.log(`seed ${repro.seed}: ${describeSwarm(repro.schedule.swarm)}`);
  for (const f of repro.schedule.faults) console.log(`  ${describeFault(f)}`);
  const result = runSchedule(repro.schedule, repro.inject === undefined ? {} : { inject: repro.inject });
  for (const f of result.failures) console.log(`  ! ${f.check}: ${f.message}`);
  console.log(result.failures.length === 0 ? '  -> ok (the failure no longer reproduces)' : '  -> FAILED');
  return result.failures.length === 0 ? 0 : 1;
}

function main(): number {
  const argv = process.argv.slice(2);
  if (argv[0] === '--replay') {
    if (argv[1] === undefined) throw new Error(`--replay needs a file\n${USAGE}`);
    return replay(argv[1]);
  }
  const args = parseArgs(argv);
  const started = Date.now();
  const summary = emptySummary();
  for (let seed = args.from; seed < args.from + args.seeds; seed++) {
    if (args.minutes !== undefined && Date.now() - started > args.minutes * 60_000) break;
    const schedule = generateSchedule(seed, { faultPhaseMs: args.phaseMs, clientFaults: args.clientFaults, duplication: args.duplication, largeValues: args.largeValues, memberDown: args.memberDown, ...(args.members === undefined ? {} : { members: args.members }), ...(args.kinds === undefined ? {} : { kinds: args.kinds }) });
    console.log(`seed ${seed}: ${describeSwarm(schedule.swarm)}${args.clientFaults ? '' : ', peer links only'}`);
    for (const f of schedule.faults) console.log(`  ${describeFault(f)}`);
    const t0 = Date.now();
    const result = runSchedule(schedule, { inject: args.inject });
    addRun(summary, result);
    const s = result.stats;
    console.log(`  -> ${result.failures.length === 0 ? 'ok' : 'FAILED'}: ${s.operations} ops, ${s.watchEvents} watch events, recovery ${s.recoveryMs ?? '-'} ms, ${Date.now() - t0} ms wall`);
    if (result.failures.length > 0) report(result, args);
  }
  const wallMs = Date.now() - started;
  console.log(JSON.stringify({ summary: { ...summary, wallMs, virtualPerWall: Math.round((summary.virtualMs / Math.max(1, wallMs)) * 10) / 10, inject: args.inject ?? null } }));
  if (args.inject !== undefined) return summary.failed.length > 0 ? 0 : 1;
  return summary.failed.length > 0 ? 1 : 0;
}

function report(result: RunResult, args: Args): void {
  for (const f of result.failures) console.log(`  ! ${f.check}: ${f.message}`);
  const final = args.shrink ? shrink(result, { inject: args.inject }) : { schedule: result.schedule, result, runs: 0 };
  if (args.shrink) {
    console.log(`  shrunk in ${final.runs} reruns to ${final.schedule.faults.length} fault(s) (watches ${final.schedule.swarm.watchesPerClient}, compaction ${final.schedule.swarm.compactEveryMs} ms):`);
    for (const f of final.schedule.faults) console.log(`    ${describeFault(f)}`);
  }
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, `seed-${result.schedule.seed}${args.inject === undefined ? '' : `-${args.inject}`}.json`);
  const repro = toRepro(final.result, args.inject);
  writeFileSync(file, `${JSON.stringify(repro, null, 1)}\n`);
  console.log(`  repro: ${file} (npm run fuzz -- --replay ${file})`);
  if (repro.scenario !== undefined) {
    const scenarioFile = file.replace(/\.json$/, '.scenario.json');
    writeFileSync(scenarioFile, `${JSON.stringify(repro.scenario, null, 1)}\n`);
    console.log(`  scenario: ${scenarioFile} (npm run scenario -- ${scenarioFile}; World.replay reproduces it)`);
  }
}

try {
  process.exitCode = main();
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 2;
}
