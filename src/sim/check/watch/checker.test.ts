import { describe, expect, it } from 'vitest';
import { checkWatches } from './checker';
import type { RecordedEvent, RecordedWatch, RecordedWatchResponse } from './history';

const put = (key: string, value: string, rev: number, created: number, version: number): RecordedEvent => ({
  type: 'PUT',
  kv: { key, value, createRevision: created, modRevision: rev, version },
});
const del = (key: string, rev: number): RecordedEvent => ({ type: 'DELETE', kv: { key, value: '', createRevision: 0, modRevision: rev, version: 0 } });

// Revisions 2..6: a=1, b=1 (one txn at 3 writes b and c), a=2, delete b.
const history: RecordedEvent[] = [put('a', '1', 2, 2, 1), put('b', '1', 3, 3, 1), put('c', '1', 3, 3, 1), put('a', '2', 4, 2, 2), del('b', 5)];

const resp = (events: RecordedEvent[], extra: Partial<RecordedWatchResponse> = {}): RecordedWatchResponse => ({
  t: 0,
  revision: events.length > 0 ? events[events.length - 1].kv.modRevision : 0,
  events,
  created: false,
  progressNotify: false,
  canceled: false,
  compactRevision: 0,
  ...extra,
});
const created = (rev: number) => resp([], { created: true, revision: rev });
const progress = (rev: number) => resp([], { progressNotify: true, revision: rev });

const watch = (responses: RecordedWatchResponse[], startRevision = 0, extra: Partial<RecordedWatch> = {}): RecordedWatch => ({
  id: 7,
  client: 'c1',
  key: '',
  rangeEnd: '\u0000',
  startRevision,
  prevKv: true,
  opened: 0,
  responses,
  ...extra,
});

const guarantees = (w: RecordedWatch) => checkWatches([w], history).map((v) => v.guarantee);

describe('watch guarantees', () => {
  it('accepts a watch that saw everything, a revision per response, with bookmarks', () => {
    const w = watch([created(1), resp([history[0]]), resp([history[1], history[2]]), progress(3), resp([history[3]]), resp([history[4]]), progress(5)]);
    expect(checkWatches([w], history)).toEqual([]);
  });

  it('accepts a watch from a past revision that starts with the first event at or after it', () => {
    expect(guarantees(watch([resp([history[1], history[2]]), resp([history[3]])], 3))).toEqual([]);
  });

  it('Ordered: a revision going backwards', () => {
    expect(guarantees(watch([created(1), resp([history[0]]), resp([history[3]]), resp([history[1], history[2]])]))).toContain('Ordered');
  });

  it('Unique: an event delivered twice', () => {
    expect(guarantees(watch([created(1), resp([history[0]]), resp([history[0]])]))).toContain('Unique');
  });

  it('Atomic: one revision split across two responses', () => {
    expect(guarantees(watch([created(1), resp([history[0], history[1]]), resp([history[2]])]))).toEqual(['Atomic']);
  });

  it('Bookmarkable: an event at or below a progress notification', () => {
    expect(guarantees(watch([created(1), resp([history[0]]), progress(3), resp([history[1], history[2]])]))).toContain('Bookmarkable');
  });

  it('Reliable: a gap in the middle, or a bookmark past an event never sent', () => {
    expect(guarantees(watch([created(1), resp([history[0]]), resp([history[3]])]))).toEqual(['Reliable']);
    expect(guarantees(watch([created(1), resp([history[0]]), progress(3)]))).toEqual(['Reliable']);
  });

  it('Resumable: a watch from a revision that misses its first event', () => {
    expect(guarantees(watch([resp([history[3]])], 3))).toEqual(['Resumable']);
  });

  it('Valid, Filter and PrevKV', () => {
    expect(guarantees(watch([created(1), resp([put('a', 'x', 2, 2, 1)])]))).toEqual(['Valid']);
    expect(guarantees(watch([created(3), resp([history[3]])], 0, { key: 'b', rangeEnd: undefined }))).toEqual(['Filter']);
    const withPrev: RecordedEvent = { ...history[3], prevKv: history[3].kv };
    expect(guarantees(watch([created(3), resp([withPrev])]))).toEqual(['PrevKV']);
    expect(guarantees(watch([created(3), resp([{ ...history[3], prevKv: history[0].kv }])]))).toEqual([]);
  });

  it('messages name the guarantee, the watch and the revision', () => {
    const [v] = checkWatches([watch([created(1), resp([history[0]]), resp([history[3]])])], history);
    expect(v).toMatchObject({ guarantee: 'Reliable', watch: 7, client: 'c1', revision: 3 });
    expect(v.message).toBe('Reliable: watch 7 (c1): PUT b@3 was never delivered (watch from 2, seen up to 4)');
  });

  it('rejects a store history out of revision order', () => {
    expect(() => checkWatches([], [history[1], history[0]])).toThrow(/store history out of order: revision 2 after 3/);
  });
});

describe('resumed watches', () => {
  const first = watch([created(1), resp([history[0]]), resp([history[1], history[2]])], 0, { id: 1 });
  it('accepts a resume from the revision after the last event', () => {
    expect(checkWatches([first, watch([resp([history[3]])], 4, { id: 2, resumes: 1 })], history)).toEqual([]);
  });
  it('Unique: a resume from the last revision seen redelivers it', () => {
    const again = watch([resp([history[1], history[2]]), resp([history[3]])], 3, { id: 2, resumes: 1 });
    expect(checkWatches([first, again], history).map((v) => v.message)).toEqual(['Unique: watch 2 (c1) resumes watch 1 (last event at 3) and redelivers revision 3']);
  });
});
