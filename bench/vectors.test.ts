import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { allVectors, largest, parseIndex } from './vectors';

describe('vector index', () => {
  const tsv = 'file\texpected_linearizable\tops\tclients\nkv/a.txt\ttrue\t58\t1\nkv/b.txt\tfalse\t2024\t50\nkv/c.txt\ttrue\t2024\t9\n';

  it('reads file, ops and verdict by column name, and picks the most operations', () => {
    const v = parseIndex(tsv, 'root');
    expect(v[0]).toEqual({ path: 'root/kv/a.txt', ops: 58, expectedLinearizable: true });
    expect(largest(v)).toEqual({ path: 'root/kv/b.txt', ops: 2024, expectedLinearizable: false });
  });

  it('names the column an index lacks', () => {
    expect(() => parseIndex('file\tops\nx\t1\n', 'root')).toThrow(/no "expected_linearizable" column/);
  });

  it('lists every shared vector, each file present', () => {
    const v = allVectors('../shared/vectors');
    expect(v.length).toBeGreaterThan(200);
    for (const x of v) expect(existsSync(x.path), x.path).toBe(true);
  });
});
