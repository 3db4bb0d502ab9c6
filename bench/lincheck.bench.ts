// lincheck.largest_vector: wall ms the project's linearizability checker takes on the
// largest labelled vector in ../shared/vectors (by operations; the three index files
// list them), parsing included, as `npm run lincheck` runs it; the median of 5 runs in
// one process (the first run, before the JIT warms up, is printed as first_ms). The
// largest linearizable vector is timed too: proving an order exists searches more than
// refuting one usually does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { loadHistory } from '../src/sim/check/linearizability/load';
import type { Figure } from './figures';
import { allVectors, largest, type Vector } from './vectors';

const VECTORS = fileURLToPath(new URL('../../shared/vectors', import.meta.url));

function timeCheck(name: string, v: Vector, runs = 5): Figure {
  const text = readFileSync(v.path, 'utf8');
  const ms: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    verdict = loadHistory(text).check().verdict;
    ms.push(performance.now() - start);
  }
  if ((verdict === 'linearizable') !== v.expectedLinearizable) {
    throw new Error(`lincheck bench: ${v.path} is labelled ${v.expectedLinearizable ? '' : 'not '}linearizable, the checker said ${verdict}`);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  const median = [...ms].sort((a, b) => a - b)[Math.floor(runs / 2)];
  return { name, value: round(median), unit: 'ms', file: relative(VECTORS, v.path), ops: v.ops, verdict, first_ms: round(ms[0]), runs };
}

export function lincheckLargest(): Figure[] {
  const vectors = allVectors(VECTORS);
  return [
    timeCheck('lincheck.largest_vector', largest(vectors)),
    timeCheck('lincheck.largest_linearizable_vector', largest(vectors.filter((v) => v.expectedLinearizable))),
  ];
}
