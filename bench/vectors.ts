// The labelled linearizability vectors in ../shared/vectors, as their index files list
// them (a tab-separated header with `file`, `ops` and `expected_linearizable` columns).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Vector {
  /** Path of the history file. */
  path: string;
  ops: number;
  expectedLinearizable: boolean;
}

/** Where each index lives and the folder its `file` column is relative to. */
const INDEXES = [
  { index: 'porcupine-etcd/index.tsv', base: 'porcupine-etcd/jepsen' },
  { index: 'porcupine-etcd/index-kv.tsv', base: 'porcupine-etcd' },
  { index: 'knossos-cas-register/index.tsv', base: 'knossos-cas-register' },
];

/** The rows of one index file; `base` is prefixed to each file. */
export function parseIndex(tsv: string, base: string): Vector[] {
  const [header, ...rows] = tsv.split('\n').filter((l) => l.trim() !== '');
  const cols = header.split('\t');
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`vector index under ${base}: no "${name}" column in its header`);
    return i;
  };
  const [file, ops, expected] = [at('file'), at('ops'), at('expected_linearizable')];
  return rows.map((row) => {
    const cells = row.split('\t');
    const n = Number(cells[ops]);
    if (!Number.isInteger(n)) throw new Error(`vector index under ${base}: ops of ${cells[file]} is not a number: ${JSON.stringify(cells[ops])}`);
    return { path: join(base, cells[file]), ops: n, expectedLinearizable: cells[expected] === 'true' };
  });
}

export function allVectors(root: string): Vector[] {
  return INDEXES.flatMap(({ index, base }) => parseIndex(readFileSync(join(root, index), 'utf8'), join(root, base)));
}

/** The vector with the most operations (the first listed among equals). */
export function largest(vectors: readonly Vector[]): Vector {
  if (vectors.length === 0) throw new Error('no vectors listed');
  return vectors.reduce((best, v) => (v.ops > best.ops ? v : best));
}
