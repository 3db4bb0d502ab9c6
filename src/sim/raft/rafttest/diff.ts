// A unified diff of two texts (line-based LCS), for reporting transcript mismatches.

export function unifiedDiff(expected: string, actual: string, context = 3): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i:] and b[j:], in a flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  type Op = { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i], ai: i++, bi: j++ });
    else if (j < m && (i >= n || lcs[i * (m + 1) + j + 1] > lcs[(i + 1) * (m + 1) + j])) ops.push({ kind: '+', text: b[j], ai: i, bi: j++ });
    else ops.push({ kind: '-', text: a[i], ai: i++, bi: j });
  }
  let out = '--- expected\n+++ actual\n';
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    for (let q = k; q < ops.length; q++) {
      if (ops[q].kind !== ' ') end = q;
      else if (q - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${hunk[0].ai + 1},${aLen} +${hunk[0].bi + 1},${bLen} @@\n`;
    for (const o of hunk) out += o.kind + o.text + '\n';
    k = stop;
  }
  return out;
}
