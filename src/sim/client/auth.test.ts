import { describe, expect, it } from 'vitest';
import type { RangeResponse } from '../mvcc/rpc';
import type { ClientVersion } from './rpctypes';
import { collect, Harness } from './testing/harness';
import * as M from './methods';

function repoint(version: ClientVersion, seed = 21) {
  const h = new Harness(seed);
  const a = h.cluster({ members: ['m1', 'm2', 'm3'], clusterId: 0xa, version });
  const b = h.cluster({ members: ['n1', 'n2', 'n3'], clusterId: 0xb, version });
  a.enableAuth('root', 'pw');
  b.enableAuth('root', 'pw');
  b.put('k', 'from-b');
  const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'], username: 'root', password: 'pw', version });
  const firstToken = client.authToken;
  h.run(50);
  client.setEndpoints('n1:2379', 'n2:2379', 'n3:2379');
  h.run(50);
  const gets = collect<RangeResponse>();
  for (let i = 0; i < 40; i++) h.kernel.schedule(i * 2, () => client.kv.get(h.ctx(5000), 'k', {}, gets.done));
  h.run(2000);
  const since = h.events('client.endpoints', (e) => e.trigger === 'set')[0].t;
  const messages = h.events('client.attempt', (e) => e.method === M.KV.Range && e.t >= since).map((e) => e.message ?? 'OK');
  return { client, gets, messages, firstToken };
}

describe('auth token refresh after the endpoints move to another cluster', () => {
  it('fetches a token in New when credentials are set', () => {
    const { firstToken } = repoint('3.6');
    expect(firstToken).toMatch(/^[a-zA-Z]{16}\.\d+$/);
  });

  for (const version of ['3.6', '3.5'] as const) {
    it(`${version}: the stale token is rejected as invalid and the client re-authenticates`, () => {
      const { client, gets, messages, firstToken } = repoint(version);
      expect(gets.results).toHaveLength(40);
      expect(gets.results.every((r) => r.ok && r.value.kvs[0]?.value === 'from-b')).toBe(true);
      expect(messages).toContain('etcdserver: invalid auth token');
      expect(client.authToken).not.toBe(firstToken);
      if (version === '3.5') expect(messages).toContain('etcdserver: user name is empty');
      else expect(messages).not.toContain('etcdserver: user name is empty');
    });
  }
});
