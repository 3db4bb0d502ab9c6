// The CLI lives at src/cli/lincheck.ts; its test sits with the checker it drives.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(process.cwd(), 'src/cli/lincheck.ts');
const VECTORS = path.resolve(process.cwd(), '../shared/vectors');

function lincheck(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { status: run.status, lines: run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: run.stderr };
}

describe('lincheck CLI', () => {
  it('prints one JSON line per file and exits 0 when it could check them all, whatever the verdicts', () => {
    const good = path.join(VECTORS, 'porcupine-etcd/jepsen/etcd_101.log');
    const bad = path.join(VECTORS, 'knossos-cas-register/raw/cas-register/bad/immediate-failure.edn');
    const { status, lines } = lincheck(good, bad);
    expect(status).toBe(0);
    expect(lines.map(({ file, linearizable }) => ({ file, linearizable }))).toEqual([
      { file: good, linearizable: true },
      { file: bad, linearizable: false },
    ]);
    expect(typeof lines[0].ms).toBe('number');
  });

  it('uses --model, and exits 1 with the file and line when a file cannot be checked', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lincheck-'));
    const broken = path.join(dir, 'broken.jsonl');
    writeFileSync(broken, '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"ok","f":"nope"}\n');
    const good = path.join(VECTORS, 'knossos-cas-register/normalized/cas-register/bad/rethink-fail-minimal.jsonl');
    const { status, lines } = lincheck('--model', 'cas-register', good, broken);
    expect(status).toBe(1);
    expect(lines[0]).toMatchObject({ linearizable: false });
    expect(lines[1]).toEqual({ file: broken, error: `${broken}:2: process 0 completes nope but invoked read on line 1` });
  });

  it('with --explain, shows where a non-linearizable history got stuck', () => {
    const bad = path.join(VECTORS, 'knossos-cas-register/raw/cas-register/bad/rethink-fail-minimal.edn');
    const { status, lines } = lincheck('--explain', bad);
    expect(status).toBe(0);
    expect(lines[0].window).toEqual({
      start: 0,
      end: 4,
      stuck: 'client 1 2..4 read() → 3',
      stateBefore: '4',
      operations: ['client 0 0..1 write(0)', 'client 1 2..4 read() → 3', 'client 2 3..5 write(4)'],
    });
  });

  it('exits 2 on bad arguments', () => {
    expect(lincheck('--model', 'paxos', 'x').status).toBe(2);
    expect(lincheck().status).toBe(2);
  });
});
