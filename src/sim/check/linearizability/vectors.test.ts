import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHistory } from './load';
import type { ModelName } from './load';

/**
 * Every labelled history in ../shared/vectors (porcupine-etcd and
 * knossos-cas-register) against its verdict, in its original format (model
 * detected) and in its normalized JSON lines (model named), each within 1 s
 * of CPU time.
 */

const VECTORS = path.resolve(process.cwd(), '../shared/vectors');

/** CPU time of this process in ms: the 1 s bound is on the checker, not on how busy the machine is. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function verdicts(set: string): [string, boolean][] {
  return Object.entries(JSON.parse(readFileSync(path.join(VECTORS, set, 'verdicts.json'), 'utf8')) as Record<string, boolean>);
}

interface Case {
  file: string;
  /** Absent: detected from the file. */
  model?: ModelName;
  linearizable: boolean;
}

function normalized(file: string): { file: string; model: ModelName } {
  if (file.startsWith('porcupine-etcd/jepsen/')) {
    return { file: file.replace('/jepsen/', '/normalized/').replace(/\.log$/, '.jsonl'), model: 'etcd' };
  }
  if (file.startsWith('porcupine-etcd/kv/')) {
    return { file: file.replace('/kv/', '/normalized-kv/').replace(/\.txt$/, '.jsonl'), model: 'kv' };
  }
  const model = file.includes('/multi-register/') ? 'multi-register' : 'cas-register';
  return { file: file.replace('/raw/', '/normalized/').replace(/\.edn$/, '.jsonl'), model };
}

const labelled = [...verdicts('porcupine-etcd'), ...verdicts('knossos-cas-register')];
const cases: Case[] = labelled.flatMap(([file, linearizable]) => [{ file, linearizable }, { ...normalized(file), linearizable }]);

describe('labelled vectors', () => {
  it('covers all 209 labelled histories (82 + 6 Porcupine, 121 Knossos)', () => {
    expect(labelled).toHaveLength(209);
  });

  it.each(cases.map((c) => ({ ...c, as: c.model ?? 'detected' })))('$file (model: $as) → linearizable: $linearizable', ({ file, model, linearizable }) => {
    const text = readFileSync(path.join(VECTORS, file), 'utf8');
    const start = cpuMs();
    const result = loadHistory(text, model).check();
    const ms = cpuMs() - start;
    expect(result.verdict).toBe(linearizable ? 'linearizable' : 'not-linearizable');
    expect(ms).toBeLessThan(1000);
  });
});
