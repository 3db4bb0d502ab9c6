import { readFileSync } from 'node:fs';
import { MODEL_NAMES, loadHistory } from '../sim/check/linearizability/load';
import type { CheckResult } from '../sim/check/linearizability/checker';
import type { LoadedHistory, ModelName } from '../sim/check/linearizability/load';
import { ParseError } from '../sim/check/linearizability/parse/parse-error';

const HELP = `Usage: npm run lincheck -- [--model MODEL] [--explain] FILE...

Checks client histories for linearizability and prints one JSON line per file:
  {"file": "...", "linearizable": true|false, "ms": 12.3}
With --explain, a non-linearizable file's line also carries "window": where the
search got stuck (the operation no order could explain, the state it met, and the
operations around it, each as "client call..return description").
When a file cannot be read or parsed:
  {"file": "...", "error": "FILE:LINE: what is wrong"}

Formats, detected from the content: Jepsen etcd logs (Porcupine's jepsen/*.log),
EDN histories (Knossos, Porcupine kv), and JSON lines (normalized Jepsen events,
or the simulator's own history: see src/sim/check/linearizability/history.ts).

Models (--model; detected when absent):
  etcd            one register, initially absent; a failed cas did not match (Porcupine)
  kv              get/put/append of strings per key, initially "" (Porcupine)
  cas-register    one register, initially 0; a failed operation never happened (Knossos)
  multi-register  registers read and written by transactions (Knossos)
  sim-kv          the simulator's etcd KV history: put/get/range/delete/txn
Register histories in JSON lines need --model etcd or --model cas-register.

Exit status: 0 when every file could be checked, whatever the verdicts (a
non-linearizable history is a result, not an error); 1 when a file could not be
read or parsed; 2 on bad arguments.`;

interface Args {
  model?: ModelName;
  explain: boolean;
  files: string[];
}

function parseArgs(args: string[]): Args | string {
  let model: ModelName | undefined;
  let explain = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--model') {
      const name = args[++i];
      if (!MODEL_NAMES.includes(name as ModelName)) return `--model must be one of ${MODEL_NAMES.join(', ')}; got ${JSON.stringify(name)}`;
      model = name as ModelName;
    } else if (arg === '--explain') {
      explain = true;
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else {
      files.push(arg);
    }
  }
  return files.length > 0 ? { model, explain, files } : 'no history files given';
}

function explain(history: LoadedHistory, result: CheckResult): Record<string, unknown> | undefined {
  const where = history.violationWindow(result);
  if (where === undefined) return undefined;
  const show = (i: number) => {
    const op = history.operations[i];
    return `client ${op.clientId} ${op.call}..${op.return} ${history.describe(i)}`;
  };
  return { start: where.start, end: where.end, stuck: show(where.stuck), stateBefore: where.stateBefore, operations: where.operations.map(show) };
}

function checkFile(file: string, { model, explain: withWindow }: Args): Record<string, unknown> {
  try {
    const text = readFileSync(file, 'utf8');
    const start = performance.now();
    const history = loadHistory(text, model);
    const result = history.check();
    const ms = Math.round((performance.now() - start) * 10) / 10;
    const explained = withWindow ? explain(history, result) : undefined;
    return { file, linearizable: result.verdict === 'linearizable', ms, ...(explained && { window: explained }) };
  } catch (e) {
    const error = e instanceof ParseError ? `${file}:${e.line}: ${e.reason}` : `${file}: ${(e as Error).message}`;
    return { file, error };
  }
}

function main(args: string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`lincheck: ${parsed}\n\n${HELP}`);
    return 2;
  }
  let failed = false;
  for (const file of parsed.files) {
    const line = checkFile(file, parsed);
    failed ||= 'error' in line;
    console.log(JSON.stringify(line));
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
