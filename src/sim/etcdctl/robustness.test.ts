// House rule 4: whatever is typed, etcdctl answers with output and an exit code; it never
// throws, and an unexpected failure never shows up as a simulator bug ("Error: " + a stack).

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { INTERNAL_ERROR } from './cobra';
import { runScript } from './runner';
import { FakeCluster } from './testing/fake-cluster';

const words = [
  'put', 'get', 'del', 'txn', 'compaction', 'watch', 'lease', 'grant', 'revoke', 'timetolive', 'keep-alive', 'list',
  'member', 'add', 'remove', 'update', 'promote', 'endpoint', 'status', 'health', 'hashkv', 'auth', 'enable', 'disable',
  'user', 'role', 'get', 'grant-permission', 'revoke-permission', 'grant-role', 'alarm', 'disarm', 'defrag', 'move-leader',
  'version', 'help', 'a', 'b', '""', '0', '1', '-1', '60', 'zz', 'ffff', 'read', 'readwrite', 'root:pw', '--prefix', '--from-key',
  '--rev=1', '--rev', '--limit=2', '--keys-only', '--count-only', '--prev-kv', '--lease=1', '--once', '--keys', '-w', 'json',
  '-w=table', '--write-out=fields', '--hex', '--user=root:pw', '--peer-urls=http://x:1', '--learner', '--cluster', '-i', '--',
  '--sort-by=VALUE', '--order=DESCEND', '--print-value-only', '--consistency=s', '--physical', '--ignore-value', '-h',
  'value("a")', '=', '"1"', '&',
];

it('answers every command line with an exit code and no simulator error', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(fc.constantFrom(...words), { maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (lines) => {
      const cluster = new FakeCluster();
      let stderr = '';
      const script = lines.map((l) => l.join(' '));
      const { codes } = await runScript(script, {
        env: cluster,
        clock: cluster.kernel,
        sink: (c) => {
          if (c.stream === 'stderr') stderr += c.text;
        },
        interruptAfterMs: 100,
        lingerMs: 100,
      });
      expect(codes.every((c) => Number.isInteger(c))).toBe(true);
      expect(stderr).not.toContain(INTERNAL_ERROR);
    }),
    { numRuns: 300, seed: 42 },
  );
});
