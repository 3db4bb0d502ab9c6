import { describe, expect, it } from 'vitest';
import { Code } from '../grpc/codes';
import { StatusError } from '../grpc/status';
import type { SnapshotResponse, StatusResponse } from './rpc-types';
import * as M from './methods';
import { collect, Harness } from './testing/harness';

describe('Maintenance and Cluster', () => {
  it('Snapshot is retried on another endpoint until the first chunk arrives', () => {
    const h = new Harness(51);
    const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
    cluster.put('a', 'x'.repeat(200));
    const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'] });
    h.run(50);
    for (const m of ['m1', 'm2', 'm3']) cluster.inject(m, M.Maintenance.Snapshot, new StatusError(Code.Unavailable, 'error reading from server: EOF'));
    const chunks: SnapshotResponse[] = [];
    let ended: Error | undefined | 'open' = 'open';
    client.maintenance.snapshot(h.ctx(), { onChunk: (c) => chunks.push(c), onEnd: (e) => (ended = e) });
    h.run(500);
    expect(ended).toBeUndefined();
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)?.remainingBytes).toBe(0);
    expect(h.events('client.attempt', (e) => e.method === M.Maintenance.Snapshot).map((e) => e.outcome)).toEqual(['error', 'error', 'error', 'ok']);
  });

  it('Status(ep) uses its own connection to that endpoint, closed after the call', () => {
    const h = new Harness(52);
    h.cluster({ members: ['m1', 'm2'] });
    const client = h.client({ endpoints: ['m1:2379', 'm2:2379'] });
    const st = collect<StatusResponse>();
    client.maintenance.status(h.ctx(), 'm2:2379', st.done);
    h.run(100);
    const r = st.results[0];
    expect(r.ok && r.value.version).toBe('3.6.0');
    expect(h.events('grpc.pick', (e) => e.method === M.Maintenance.Status).map((e) => e.addr)).toEqual(['m2:2379']);
  });

  it('MemberList lists the members', () => {
    const h = new Harness(53);
    h.cluster({ members: ['m1', 'm2'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    const ml = collect<unknown>();
    client.cluster.memberList(h.ctx(), ml.done);
    h.run(50);
    const r = ml.results[0];
    expect(r.ok && (r.value as { members: { name: string }[] }).members.map((m) => m.name)).toEqual(['m1', 'm2']);
  });
});
