// npm run etcdctl -- [--members N] [--seed S] [--endpoints a,b] [--file F]
//                    [--interrupt-after D] [--linger D]
// Runs etcdctl command lines (from F, or standard input) against a fresh simulated
// cluster and prints their outputs in order. See runner.ts for the script conventions.
// The cluster is a World of real simulated etcd members; etcdctl talks to it through the
// simulated etcd client over the simulated network.

import { readFileSync } from 'node:fs';
import { World } from '../world/world';
import { MAX_MEMBERS } from '../world/config';
import { clientEtcdctlEnv } from './client-backend';
import { parseDuration } from './go-format';
import { runScript } from './runner';

const USAGE = 'usage: npm run etcdctl -- [--members N] [--seed S] [--endpoints a,b] [--file F] [--interrupt-after D] [--linger D]';

function parseArgs(argv: string[]): Map<string, string> {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m === null) throw new Error(`unexpected argument ${argv[i]}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    opts.set(m[1], value);
  }
  for (const k of opts.keys()) {
    if (!['members', 'seed', 'endpoints', 'file', 'interrupt-after', 'linger'].includes(k)) throw new Error(`unknown option --${k}`);
  }
  return opts;
}

function positiveInt(s: string | undefined, name: string, def: number): number {
  if (s === undefined) return def;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${s}`);
  return n;
}

async function main(): Promise<number> {
  let opts: Map<string, string>;
  let members: number;
  let seed: number;
  try {
    opts = parseArgs(process.argv.slice(2));
    members = positiveInt(opts.get('members'), 'members', 3);
    seed = positiveInt(opts.get('seed'), 'seed', 1);
    if (members < 1 || members > MAX_MEMBERS) throw new Error(`--members must be between 1 and ${MAX_MEMBERS}`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const file = opts.get('file');
  const text = readFileSync(file ?? 0, 'utf8');
  const world = new World({ members, seed });
  // Let the cluster elect its first leader, as a freshly started etcd would have.
  world.runUntilTrue(() => world.leader() !== undefined, 10_000);
  const endpoints = opts.get('endpoints')?.split(',') ?? world.members.map((m) => `${m.name}:2379`);
  const env = clientEtcdctlEnv({ kernel: world.kernel, net: world.net }, endpoints);
  const result = await runScript(text.split('\n'), {
    env,
    clock: world.kernel,
    sink: (c) => (c.stream === 'stdout' ? process.stdout : process.stderr).write(c.text),
    interruptAfterMs: opts.has('interrupt-after') ? parseDuration(opts.get('interrupt-after') ?? '') : undefined,
    lingerMs: opts.has('linger') ? parseDuration(opts.get('linger') ?? '') : undefined,
  });
  return result.codes[result.codes.length - 1] ?? 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
