// etcdctl over the simulated clientv3 (retries, balancer, simulated network), against the
// client's test cluster: the same command layer, the real client path.

import { describe, expect, it } from 'vitest';
import { Harness } from '../client/testing/harness';
import { clientEtcdctlEnv } from './client-backend';
import { runScript } from './runner';

async function run(script: string) {
  const h = new Harness(7);
  h.cluster({ members: ['m1', 'm2', 'm3'] });
  const env = clientEtcdctlEnv({ kernel: h.kernel, net: h.net }, ['m1:2379', 'm2:2379', 'm3:2379']);
  let stdout = '';
  let stderr = '';
  const { codes } = await runScript(script.split('\n'), {
    env,
    clock: h.kernel,
    sink: (c) => (c.stream === 'stdout' ? (stdout += c.text) : (stderr += c.text)),
    interruptAfterMs: 1000,
  });
  return { stdout, stderr, codes };
}

describe('etcdctl on the simulated client', () => {
  it('runs kv commands and a txn', async () => {
    const r = await run('put a 1\nget a\ndel a\ntxn\nvalue("a") = "1"\n\nput b 2\n\nput c 3\n\nget --prefix ""');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('OK\na\n1\n1\nFAILURE\n\nOK\nc\n3\n');
    expect(r.codes).toEqual([0, 0, 0, 0, 0]);
  });

  it('reports server errors with their etcd messages', async () => {
    const r = await run('compaction 100');
    expect(r.stderr).toBe('Error: etcdserver: mvcc: required revision is a future revision\n');
    expect(r.codes).toEqual([1]);
  });

  it('grants a lease and lists members', async () => {
    const r = await run('lease grant 10\nmember list');
    expect(r.stdout).toMatch(/^lease [0-9a-f]{16} granted with TTL\(10s\)\n1, started, m1, http:\/\/m1:2380, http:\/\/m1:2379, false\n/);
  });

  it('watches from a past revision', async () => {
    const r = await run('put a 1\nput a 2\nwatch --rev=1 a');
    expect(r.stdout).toBe('OK\nOK\nPUT\na\n1\nPUT\na\n2\n');
    expect(r.codes).toEqual([0, 0, 130]);
  });
});
