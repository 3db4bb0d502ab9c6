import { describe, expect, it } from 'vitest';
import type { MvccEvent } from './kv';
import { ErrEmptyWatcherRange, ErrWatcherDuplicateID, ErrWatcherNotExist } from './kv';
import { WatchFilterType } from './rpc';
import type { RequestOp, WatchResponse } from './rpc';
import { ServerWatchStream, watchResponseSize } from './server-watch-stream';
import { compaction, deleteRange, put, txn } from './txn';
import { WatchableStore } from './watchable-store';
import { watchBatchMaxRevs } from './watcher-group';

function drain(sws: ServerWatchStream): WatchResponse[] {
  const out: WatchResponse[] = [];
  for (let r = sws.recv(); r !== undefined; r = sws.recv()) out.push(...r);
  return out;
}

const summary = (wr: WatchResponse) => ({
  id: wr.watchId,
  rev: wr.header.revision,
  events: wr.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`),
});

describe('watch start revisions', () => {
  it('from now: created at the current revision, then each write inline', () => {
    const s = new WatchableStore();
    put(s, { key: 'a' }); // 2
    const sws = new ServerWatchStream(s);
    const created = sws.create({ key: 'a' });
    expect(created).toMatchObject({ watchId: 0, created: true, canceled: false, header: { revision: 2 } });
    put(s, { key: 'a', value: 'x' }); // 3
    put(s, { key: 'b' }); // 4, other key
    deleteRange(s, { key: 'a' }); // 5
    expect(drain(sws).map(summary)).toEqual([
      { id: 0, rev: 3, events: ['PUT a@3'] },
      { id: 0, rev: 5, events: ['DELETE a@5'] },
    ]);
  });

  it('from the past: replays history at the next sync, then goes live', () => {
    const s = new WatchableStore();
    for (let i = 0; i < 4; i++) put(s, { key: `k${i}` }); // 2..5
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'k', rangeEnd: 'l', startRevision: 3 });
    expect(drain(sws)).toEqual([]);
    expect(s.unsyncedCount).toBe(1);
    expect(s.syncWatchers()).toBe(0);
    expect(drain(sws).map(summary)).toEqual([{ id: 0, rev: 5, events: ['PUT k1@3', 'PUT k2@4', 'PUT k3@5'] }]);
    put(s, { key: 'k9' });
    expect(drain(sws).map(summary)).toEqual([{ id: 0, rev: 6, events: ['PUT k9@6'] }]);
    expect(s.watchersView()).toMatchObject([{ group: 'synced', minRevision: 7 }]);
  });

  it('from the future: only revisions at or after the start', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'a', startRevision: 4 });
    put(s, { key: 'a' }); // 2
    put(s, { key: 'a' }); // 3
    put(s, { key: 'a' }); // 4
    expect(drain(sws).map(summary)).toEqual([{ id: 0, rev: 4, events: ['PUT a@4'] }]);
  });

  it('from a compacted revision: created, then answered with the compact revision and canceled', () => {
    const events: MvccEvent[] = [];
    const s = new WatchableStore({ onEvent: (e) => events.push(e) });
    for (let i = 0; i < 5; i++) put(s, { key: 'a', value: `${i}` }); // 2..6
    compaction(s, { revision: 4 });
    const sws = new ServerWatchStream(s);
    expect(sws.create({ key: 'a', startRevision: 2 })).toMatchObject({ created: true, canceled: false, watchId: 0 });
    expect(sws.create({ key: 'a', startRevision: 4 })).toMatchObject({ created: true, watchId: 1 });
    s.syncWatchers();
    const got = drain(sws);
    expect(got[0]).toMatchObject({ watchId: 0, canceled: true, compactRevision: 4, events: [], cancelReason: '' });
    expect(summary(got[1])).toEqual({ id: 1, rev: 6, events: ['PUT a@4', 'PUT a@5', 'PUT a@6'] });
    expect(events.some((e) => e.type === 'watch.compacted' && e.watchId === 0)).toBe(true);
    expect(s.watchersView().map((w) => w.watchId)).toEqual([1]);
  });

  it('a negative start revision is refused as compacted', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    expect(sws.create({ key: 'a', startRevision: -1 })).toMatchObject({
      watchId: -1,
      created: true,
      canceled: true,
      cancelReason: 'etcdserver: mvcc: required revision has been compacted',
    });
  });

  it('delivers a whole watch history from revision 1 in 1000-revision batches', () => {
    const s = new WatchableStore();
    const n = watchBatchMaxRevs + 200;
    for (let i = 0; i < n; i++) put(s, { key: 'k', value: `${i}` });
    const sws = new ServerWatchStream(s, { capacity: 10 });
    sws.create({ key: 'k', startRevision: 1 });
    expect(s.syncWatchers()).toBe(1); // more to send
    const first = drain(sws);
    expect(first).toHaveLength(1);
    expect(first[0].events).toHaveLength(watchBatchMaxRevs);
    expect(s.syncWatchers()).toBe(0);
    const second = drain(sws);
    expect(second[0].events).toHaveLength(200);
    expect(second[0].events[0].kv.modRevision).toBe(watchBatchMaxRevs + 2);
  });
});

describe('watch ranges, filters and prev_kv', () => {
  it('prefix, range and from-key watches', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'foo/', rangeEnd: 'foo0' }); // 0: prefix
    sws.create({ key: 'b', rangeEnd: 'd' }); // 1: range
    sws.create({ key: 'x', rangeEnd: '\0' }); // 2: from key
    sws.create({ key: '', rangeEnd: '\0' }); // 3: everything
    for (const k of ['foo/a', 'foo', 'c', 'd', 'zz', 'x']) put(s, { key: k });
    const got = drain(sws).map((wr) => `${wr.watchId}:${wr.events[0].kv.key}`);
    expect(got).toEqual(['0:foo/a', '3:foo/a', '3:foo', '1:c', '3:c', '3:d', '2:zz', '3:zz', '2:x', '3:x']);
  });

  it('one response per txn revision, with every matching event', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    put(s, { key: 'a' }); // 2
    sws.create({ key: 'a', rangeEnd: 'z' });
    const ops: RequestOp[] = [{ requestPut: { key: 'b' } }, { requestPut: { key: 'c' } }, { requestDeleteRange: { key: 'a' } }];
    txn(s, { success: ops });
    expect(drain(sws).map(summary)).toEqual([{ id: 0, rev: 3, events: ['PUT b@3', 'PUT c@3', 'DELETE a@3'] }]);
  });

  it('filters drop events; an all-filtered response is not sent', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'a', filters: [WatchFilterType.NOPUT] });
    sws.create({ key: 'a', filters: [WatchFilterType.NODELETE] });
    put(s, { key: 'a' });
    deleteRange(s, { key: 'a' });
    expect(drain(sws).map(summary)).toEqual([
      { id: 1, rev: 2, events: ['PUT a@2'] },
      { id: 0, rev: 3, events: ['DELETE a@3'] },
    ]);
  });

  it('prev_kv: attached except for creations, omitted once compacted', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'a', prevKv: true });
    put(s, { key: 'a', value: '1' }); // 2: creation
    put(s, { key: 'a', value: '2' }); // 3
    deleteRange(s, { key: 'a' }); // 4
    const got = drain(sws);
    expect(got[0].events[0].prevKv).toBeUndefined();
    expect(got[1].events[0].prevKv).toMatchObject({ value: '1', modRevision: 2 });
    expect(got[2].events[0].prevKv).toMatchObject({ value: '2', modRevision: 3 });
    expect(got[2].events[0].kv).toMatchObject({ key: 'a', modRevision: 4, createRevision: 0, version: 0, value: '' });
    // history catch-up after compaction: the previous value of an event before the compaction point is gone
    put(s, { key: 'a', value: '3' }); // 5
    put(s, { key: 'a', value: '4' }); // 6
    drain(sws);
    compaction(s, { revision: 6 });
    const late = new ServerWatchStream(s);
    late.create({ key: 'a', startRevision: 6, prevKv: true });
    s.syncWatchers();
    expect(drain(late)[0].events[0].prevKv).toBeUndefined();
  });
});

describe('slow consumers and victims', () => {
  it('a full channel moves the watcher to victims; nothing is lost or reordered', () => {
    const events: MvccEvent[] = [];
    const s = new WatchableStore({ onEvent: (e) => events.push(e) });
    const sws = new ServerWatchStream(s, { capacity: 2 });
    sws.create({ key: 'k' });
    put(s, { key: 'k' }); // 2
    put(s, { key: 'k' }); // 3
    put(s, { key: 'k' }); // 4 -> channel full -> victim
    put(s, { key: 'k' }); // 5 -> not synced any more: waits in history
    expect(s.watchersView()).toMatchObject([{ group: 'victim', minRevision: 5 }]);
    expect(events).toContainEqual({ type: 'watch.moved', streamId: 1, watchId: 0, from: 'synced', to: 'victim', cause: 'watch channel full' });
    expect(s.syncVictims()).toBe(true); // still full
    const firstTwo = drain(sws);
    expect(firstTwo.map((w) => w.header.revision)).toEqual([2, 3]);
    expect(s.syncVictims()).toBe(false);
    // the pending batch is sent with revision minRev - 1; the watcher is behind, so unsynced
    expect(s.watchersView()).toMatchObject([{ group: 'unsynced' }]);
    s.syncWatchers();
    const rest = drain(sws);
    expect(rest.map(summary)).toEqual([
      { id: 0, rev: 4, events: ['PUT k@4'] },
      { id: 0, rev: 5, events: ['PUT k@5'] },
    ]);
    expect(s.watchersView()).toMatchObject([{ group: 'synced' }]);
  });

  it('an unsynced watcher whose catch-up cannot be sent becomes a victim', () => {
    const s = new WatchableStore();
    for (let i = 0; i < 3; i++) put(s, { key: 'k' });
    const sws = new ServerWatchStream(s, { capacity: 1 });
    sws.create({ key: 'k' });
    put(s, { key: 'k' }); // fills the channel (rev 5)
    sws.create({ key: 'k', startRevision: 2 });
    s.syncWatchers();
    expect(s.watchersView().find((w) => w.watchId === 1)?.group).toBe('victim');
    drain(sws);
    s.syncVictims();
    const got = drain(sws);
    expect(summary(got[0])).toEqual({ id: 1, rev: 5, events: ['PUT k@2', 'PUT k@3', 'PUT k@4', 'PUT k@5'] });
    expect(s.watchersView().map((w) => w.group)).toEqual(['synced', 'synced']);
  });

  it('canceling a victim removes its pending batch', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s, { capacity: 1 });
    sws.create({ key: 'k' });
    put(s, { key: 'k' });
    put(s, { key: 'k' });
    expect(s.hasVictims()).toBe(true);
    expect(sws.cancel(0)).toMatchObject({ watchId: 0, canceled: true });
    expect(s.hasVictims()).toBe(false);
    expect(s.watchersView()).toEqual([]);
  });
});

describe('progress, cancel and errors', () => {
  it('a progress request answers with watch ID -1 only when every watcher is synced', () => {
    const s = new WatchableStore();
    put(s, { key: 'a' }); // 2
    put(s, { key: 'a' }); // 3
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'a', startRevision: 2 }); // unsynced
    sws.requestProgress();
    expect(drain(sws)).toEqual([]);
    s.syncWatchers();
    drain(sws);
    sws.requestProgress();
    expect(drain(sws)).toMatchObject([{ watchId: -1, events: [], header: { revision: 3 } }]);
  });

  it('progress notify: skipped in an interval with events; none before the start revision', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    sws.create({ key: 'a', progressNotify: true }); // start revision 2
    sws.progressTick(); // store at 1 < 2: nothing
    expect(drain(sws)).toEqual([]);
    put(s, { key: 'b' }); // 2, not for this watcher
    sws.progressTick();
    expect(drain(sws)).toMatchObject([{ watchId: 0, events: [], header: { revision: 2 } }]);
    put(s, { key: 'a' }); // 3: an event clears the flag
    drain(sws);
    sws.progressTick();
    expect(drain(sws)).toEqual([]);
    sws.progressTick();
    expect(drain(sws)).toMatchObject([{ watchId: 0, header: { revision: 3 } }]);
  });

  it('cancel reasons and errors', () => {
    const s = new WatchableStore();
    const sws = new ServerWatchStream(s);
    expect(sws.create({ key: 'b', rangeEnd: 'a' })).toMatchObject({
      watchId: -1,
      canceled: true,
      cancelReason: 'mvcc: watcher range is empty',
    });
    expect(sws.create({ key: 'a', startRevision: Number.NaN })).toMatchObject({ watchId: -1, canceled: true });
    expect(sws.create({ key: 'a', watchId: 7 }).watchId).toBe(7);
    expect(sws.create({ key: 'a', watchId: 7 }).cancelReason).toBe('mvcc: duplicate watch ID provided on the WatchStream');
    expect(sws.create({ key: 'a' }).watchId).toBe(0);
    expect(sws.cancel(7)).toMatchObject({ watchId: 7, canceled: true, created: false });
    expect(sws.cancel(7)).toBeUndefined();
    const ws = s.newWatchStream();
    expect(() => ws.watch(0, 'b', 'a', 0)).toThrow(ErrEmptyWatcherRange);
    ws.watch(3, 'a', undefined, 0);
    expect(() => ws.watch(3, 'a', undefined, 0)).toThrow(ErrWatcherDuplicateID);
    expect(() => ws.cancel(9)).toThrow(ErrWatcherNotExist);
    ws.close();
    put(s, { key: 'a' });
    expect(ws.recv()).toBeUndefined();
  });
});

describe('fragmenting', () => {
  it('splits a large response when asked, keeping each part below the limit', () => {
    const s = new WatchableStore();
    const limit = 2000;
    const sws = new ServerWatchStream(s, { maxRequestBytes: limit - 512 * 1024 });
    const whole = new ServerWatchStream(s, { maxRequestBytes: limit - 512 * 1024 });
    sws.create({ key: 'k', rangeEnd: 'l', fragment: true });
    whole.create({ key: 'k', rangeEnd: 'l' });
    const ops: RequestOp[] = [];
    for (let i = 0; i < 10; i++) ops.push({ requestPut: { key: `k${i}`, value: 'v'.repeat(500) } });
    txn(s, { success: ops });
    const parts = drain(sws);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.fragment)).toEqual([...parts.slice(1).map(() => true), false]);
    expect(parts.flatMap((p) => p.events.map((e) => e.kv.key))).toEqual(ops.map((o) => o.requestPut?.key));
    for (const p of parts) expect(watchResponseSize(p)).toBeLessThan(limit);
    const single = drain(whole);
    expect(single).toHaveLength(1);
    expect(watchResponseSize(single[0])).toBeGreaterThan(limit);
  });
});

describe('restore', () => {
  it('moves synced watchers to unsynced and replays from the restored history', () => {
    const a = new WatchableStore();
    const sws = new ServerWatchStream(a);
    sws.create({ key: 'k' }); // synced, minRev 2
    put(a, { key: 'k', value: 'old' });
    drain(sws);
    // a snapshot from a member that got further
    const b = new WatchableStore();
    put(b, { key: 'k', value: 'old' });
    put(b, { key: 'k', value: 'new' }); // 3
    a.restore(b.snapshot());
    expect(a.watchersView()).toMatchObject([{ group: 'unsynced', minRevision: 3 }]);
    a.syncWatchers();
    expect(drain(sws).map(summary)).toEqual([{ id: 0, rev: 3, events: ['PUT k@3'] }]);
  });
});
