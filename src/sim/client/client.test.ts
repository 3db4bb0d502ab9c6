import { describe, expect, it } from 'vitest';
import { ContextError } from '../grpc/context';
import type { Result } from '../grpc/result';
import { Client, isOldVersion } from './client';
import { ClientConfigError } from './config';
import { ErrNoAvailableEndpoints } from './rpctypes';
import type { ClientWatchResponse } from './watch';
import { Harness } from './testing/harness';
import * as M from './methods';

function create(h: Harness, config: unknown): Result<Client>[] {
  const out: Result<Client>[] = [];
  Client.create(h.env(), config, (r) => out.push(r));
  return out;
}

describe('New', () => {
  it('rejects bad config and empty endpoints with clear errors', () => {
    const h = new Harness(41);
    const bad = create(h, { endpoints: ['m1:2379'], dialTimeoutMs: -5 });
    expect(!bad[0].ok && bad[0].error).toBeInstanceOf(ClientConfigError);
    expect(!bad[0].ok && bad[0].error.message).toMatch(/dialTimeoutMs/);
    const empty = create(h, { endpoints: [] });
    expect(!empty[0].ok && empty[0].error).toBe(ErrNoAvailableEndpoints);
    const sizes = create(h, { endpoints: ['m1:2379'], maxCallSendMsgSize: 10, maxCallRecvMsgSize: 5 });
    expect(!sizes[0].ok && sizes[0].error.message).toBe('gRPC message recv limit (5 bytes) must be greater than send limit (10 bytes)');
  });

  it('without credentials returns at once, before any connection is READY', () => {
    const h = new Harness(42);
    const out = create(h, { endpoints: ['m1:2379'] });
    expect(out).toHaveLength(1);
    expect(out[0].ok).toBe(true);
  });

  it('with credentials and a DialTimeout, fails with context deadline exceeded when no endpoint is up', () => {
    const h = new Harness(43);
    const out = create(h, { endpoints: ['m1:2379'], username: 'root', password: 'pw', dialTimeoutMs: 2000 });
    h.run(1999);
    expect(out).toHaveLength(0);
    h.run(2);
    expect(!out[0].ok && out[0].error).toBe(ContextError.DeadlineExceeded);
  });

  it('with credentials blocks until an endpoint is READY, then authenticates', () => {
    const h = new Harness(44);
    const out = create(h, { endpoints: ['m1:2379'], username: 'root', password: 'pw' });
    h.run(3000);
    expect(out).toHaveLength(0);
    const cluster = h.cluster({ members: ['m1'] });
    cluster.enableAuth('root', 'pw');
    h.run(5000);
    expect(out).toHaveLength(1);
    expect(out[0].ok && out[0].value.authToken).toMatch(/\./);
  });

  it('RejectOldCluster checks every endpoint', () => {
    expect(isOldVersion('3.4.27', '3.6')).toBe(true);
    expect(isOldVersion('3.5.0', '3.6')).toBe(false);
    expect(isOldVersion('3.4.0', '3.5')).toBe(false);
    expect(isOldVersion('3.3.9', '3.5')).toBe(true);
    expect(isOldVersion('3', '3.5')).toBe(true);
    const h = new Harness(45);
    h.cluster({ members: ['m1', 'm2'] });
    const ok = create(h, { endpoints: ['m1:2379', 'm2:2379'], rejectOldCluster: true });
    h.run(100);
    expect(ok[0].ok).toBe(true);
    const down = create(h, { endpoints: ['m1:2379', 'm9:2379'], rejectOldCluster: true, dialTimeoutMs: 1000 });
    h.run(1100);
    expect(!down[0].ok && down[0].error).toBe(ContextError.DeadlineExceeded);
  });
});

describe('endpoints', () => {
  it('auto-sync replaces the endpoints with the started, non-learner members', () => {
    const h = new Harness(46);
    const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
    cluster.learners.add('m3');
    const client = h.client({ endpoints: ['m1:2379'], autoSyncIntervalMs: 1000 });
    h.run(1500);
    expect(client.endpoints()).toEqual(['http://m1:2379', 'http://m2:2379']);
    expect(client.state()).toEqual({
      endpoints: ['http://m1:2379', 'http://m2:2379'],
      channel: 'READY',
      subchannels: [
        { addr: 'm1:2379', state: 'READY', backoffIdx: 0 },
        { addr: 'm2:2379', state: 'READY', backoffIdx: 0 },
      ],
      token: '',
      watchers: 0,
      keptAliveLeases: [],
    });
    expect(client.conn.subchannels.map((s) => s.addr)).toEqual(['m1:2379', 'm2:2379']);
  });

  it('SetEndpoints drains a removed endpoint: its watch keeps running until it breaks, then resumes elsewhere', () => {
    const h = new Harness(47);
    const cluster = h.cluster({ members: ['m1', 'm2'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    const got: ClientWatchResponse[] = [];
    client.watcher.watch(h.ctx(), 'w', {}, { onResponse: (r) => got.push(r), onClose: () => {} });
    h.run(50);
    client.setEndpoints('m2:2379');
    h.run(50);
    cluster.put('w', '1');
    h.run(50);
    expect(got.flatMap((r) => r.events.map((e) => e.kv.value))).toEqual(['1']);
    const attempts = () => h.events('client.attempt', (e) => e.method === M.Watch.Watch).map((e) => e.addr);
    expect(attempts()).toEqual(['m1:2379']);
    cluster.stop('m1');
    h.run(100);
    cluster.put('w', '2');
    h.run(100);
    expect(attempts()).toEqual(['m1:2379', 'm2:2379']);
    expect(got.flatMap((r) => r.events.map((e) => e.kv.value))).toEqual(['1', '2']);
  });
});
