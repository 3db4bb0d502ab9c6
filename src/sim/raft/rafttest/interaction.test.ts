// Conformance: every etcd interaction transcript must reproduce byte for byte (spec §13).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectTranscripts, runTranscript } from './run';
import { parseLine } from './datadriven';
import { unifiedDiff } from './diff';

const dir = path.resolve(process.cwd(), '../shared/vectors/etcd-raft-datadriven');

describe('etcd raft datadriven transcripts', () => {
  const files = collectTranscripts([dir]);

  it('finds all 20 transcripts', () => {
    expect(files).toHaveLength(20);
  });

  for (const file of files) {
    it(path.basename(file), () => {
      const r = runTranscript(file);
      expect(r.pass, r.detail).toBe(true);
    });
  }
});

describe('datadriven parser', () => {
  it('parses keys, values and lists', () => {
    expect(parseLine('add-nodes 3 voters=(1, 2,3) index=10 drop=1')).toEqual({
      cmd: 'add-nodes',
      args: [
        { key: '3', vals: [] },
        { key: 'voters', vals: ['1', '2', '3'] },
        { key: 'index', vals: ['10'] },
        { key: 'drop', vals: ['1'] },
      ],
    });
  });

  it('rejects unbalanced lists', () => {
    expect(() => parseLine('x a=(1,2')).toThrow(/unbalanced/);
  });
});

describe('unifiedDiff', () => {
  it('shows removed lines before added ones', () => {
    expect(unifiedDiff('a\nb\nc', 'a\nx\nc')).toBe('--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n');
  });
});
