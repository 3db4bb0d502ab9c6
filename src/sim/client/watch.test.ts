import { describe, expect, it } from 'vitest';
import type { ClientWatchResponse } from './watch';
import * as M from './methods';
import { Harness } from './testing/harness';
import { withRequireLeader } from './ctx';

function watchAll(h: Harness) {
  const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
  const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'] });
  h.run(50);
  const got: ClientWatchResponse[] = [];
  let closed = false;
  client.watcher.watch(h.ctx(), 'k/', { rangeEnd: 'k0' }, { onResponse: (r) => got.push(r), onClose: () => (closed = true) });
  h.run(20);
  return { cluster, client, got, isClosed: () => closed };
}

describe('Watch', () => {
  it('resumes from the last revision + 1 after a member restart, without loss or duplication', () => {
    for (const seed of [1, 2, 3, 4]) {
      const h = new Harness(seed);
      const { cluster, got, isClosed } = watchAll(h);
      const written: number[] = [];
      let i = 0;
      const writer = (): void => {
        if (i >= 60) return;
        written.push(cluster.put(`k/${i % 7}`, `v${i}`));
        i++;
        h.kernel.schedule(10, writer);
      };
      writer();
      h.run(150);
      const streamAddr = h.events('client.attempt', (e) => e.method === M.Watch.Watch).at(-1)?.addr as string;
      const member = streamAddr.split(':')[0];
      cluster.stop(member);
      h.run(300);
      cluster.start(member);
      h.run(1000);
      const revs = got.flatMap((r) => r.events.map((e) => e.kv.modRevision));
      expect(revs).toEqual(written);
      expect(isClosed()).toBe(false);
      const resumes = h.events('client.watch', (e) => e.action === 'resume');
      expect(resumes.length).toBeGreaterThanOrEqual(1);
      expect(resumes[0].reason).toMatch(/^resume from the next revision \d+$/);
    }
  });

  it('delivers a compacted response with ErrCompacted and closes the watcher', () => {
    const h = new Harness(5);
    const cluster = h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    for (let i = 0; i < 5; i++) cluster.put('a', `v${i}`);
    cluster.compact(4);
    const got: ClientWatchResponse[] = [];
    let closed = false;
    client.watcher.watch(h.ctx(), 'a', { rev: 2 }, { onResponse: (r) => got.push(r), onClose: () => (closed = true) });
    h.run(100);
    expect(got).toHaveLength(1);
    expect(got[0].compactRevision).toBe(4);
    expect(got[0].err?.message).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(closed).toBe(true);
  });

  it('answers a progress request with a progress notification', () => {
    const h = new Harness(6);
    const cluster = h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    cluster.put('x', '1');
    const ctx = h.ctx();
    const got: ClientWatchResponse[] = [];
    client.watcher.watch(ctx, 'a', {}, { onResponse: (r) => got.push(r), onClose: () => {} });
    h.run(50);
    client.watcher.requestProgress(ctx);
    h.run(50);
    expect(got.map((r) => [r.isProgressNotify, r.header.revision])).toEqual([[true, 2]]);
  });

  it('with WithRequireLeader, closes with ErrNoLeader when the member loses its leader', () => {
    const h = new Harness(7);
    const cluster = h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    const ctx = withRequireLeader(h.ctx());
    const got: ClientWatchResponse[] = [];
    let closed = false;
    client.watcher.watch(ctx, 'a', {}, { onResponse: (r) => got.push(r), onClose: () => (closed = true) });
    h.run(50);
    cluster.setLeader(undefined);
    h.run(3100);
    expect(closed).toBe(true);
    expect(got.at(-1)?.err?.message).toBe('etcdserver: no leader');
  });
});
