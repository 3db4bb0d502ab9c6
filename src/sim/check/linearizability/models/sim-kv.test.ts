import { describe, expect, it } from 'vitest';
import { writeHistory } from '../history';
import type { HistoryEvent } from '../history';
import { loadHistory } from '../load';

/** The verdict on a simulator history, written and read back through the history format. */
function verdict(events: HistoryEvent[]): string {
  return loadHistory(writeHistory(events)).check().verdict;
}

const ev = (process: number, type: HistoryEvent['type'], f: HistoryEvent['f'], key: string, t: number, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  process,
  type,
  f,
  key,
  t,
  ...extra,
});

const put = (p: number, key: string, value: string, t0: number, t1: number, revision?: number): HistoryEvent[] => [
  ev(p, 'invoke', 'put', key, t0, { value }),
  ev(p, 'ok', 'put', key, t1, revision === undefined ? {} : { revision }),
];
const get = (p: number, key: string, value: string | null, t0: number, t1: number, extra: { modRevision?: number; version?: number; revision?: number } = {}): HistoryEvent[] => {
  const { revision, ...kvFields } = extra;
  const kv = value === null ? null : { key, value, ...kvFields };
  return [ev(p, 'invoke', 'get', key, t0), ev(p, 'ok', 'get', key, t1, { result: { kv }, ...(revision === undefined ? {} : { revision }) })];
};

describe('simKvModel', () => {
  it('a get sees the last put, or absence before any', () => {
    expect(verdict([...get(0, 'a', null, 0, 1), ...put(0, 'a', '1', 2, 3), ...get(0, 'a', '1', 4, 5)])).toBe('linearizable');
    expect(verdict([...put(0, 'a', '1', 2, 3), ...get(0, 'a', null, 4, 5)])).toBe('not-linearizable');
  });

  it('checks versions and mod revisions where recorded', () => {
    const history = [...put(0, 'a', '1', 0, 1, 2), ...put(0, 'a', '2', 2, 3, 3)];
    expect(verdict([...history, ...get(1, 'a', '2', 4, 5, { modRevision: 3, version: 2, revision: 3 })])).toBe('linearizable');
    expect(verdict([...history, ...get(1, 'a', '2', 4, 5, { modRevision: 2 })])).toBe('not-linearizable');
    expect(verdict([...history, ...get(1, 'a', '2', 4, 5, { version: 1 })])).toBe('not-linearizable');
  });

  it('revisions never go back, even across keys in a partition', () => {
    expect(verdict([...put(0, 'a', '1', 0, 1, 5), ...put(0, 'a', '2', 2, 3, 4)])).toBe('not-linearizable');
    expect(verdict([...put(0, 'a', '1', 0, 1, 5), ...get(0, 'a', '1', 2, 3, { revision: 4 })])).toBe('not-linearizable');
  });

  it('a txn succeeds iff its compare matches', () => {
    const txn = (p: number, expected: HistoryEvent['expected'], value: string, succeeded: boolean, t0: number, t1: number) => [
      ev(p, 'invoke', 'txn', 'a', t0, { expected, value }),
      ev(p, 'ok', 'txn', 'a', t1, { result: { succeeded } }),
    ];
    const base = put(0, 'a', '1', 0, 1, 2);
    expect(verdict([...base, ...txn(1, { value: '1' }, '2', true, 2, 3), ...get(2, 'a', '2', 4, 5)])).toBe('linearizable');
    expect(verdict([...base, ...txn(1, { value: '0' }, '2', true, 2, 3)])).toBe('not-linearizable');
    expect(verdict([...base, ...txn(1, { modRevision: 2 }, '2', false, 2, 3)])).toBe('not-linearizable');
    expect(verdict([...base, ...txn(1, { version: 0 }, '2', false, 2, 3), ...get(2, 'a', '1', 4, 5)])).toBe('linearizable');
    expect(verdict([...txn(1, { createRevision: 0 }, 'new', true, 0, 1), ...get(2, 'a', 'new', 4, 5)])).toBe('linearizable');
  });

  it('an info put may take effect later, or never; a failed one never does', () => {
    const info = [ev(0, 'invoke', 'put', 'a', 0, { value: '1' }), ev(0, 'info', 'put', 'a', 5, { error: 'timeout' })];
    expect(verdict([...info, ...get(1, 'a', null, 10, 11), ...get(1, 'a', '1', 20, 21)])).toBe('linearizable');
    expect(verdict([...info, ...get(1, 'a', '1', 10, 11), ...get(1, 'a', null, 20, 21)])).toBe('not-linearizable');
    const failed = [ev(0, 'invoke', 'put', 'a', 0, { value: '1' }), ev(0, 'fail', 'put', 'a', 5)];
    expect(verdict([...failed, ...get(1, 'a', '1', 10, 11)])).toBe('not-linearizable');
  });

  it('delete removes keys and counts them', () => {
    const del = (deleted: number, rangeEnd?: string) => [
      ev(1, 'invoke', 'delete', 'a', 2, rangeEnd === undefined ? {} : { rangeEnd }),
      ev(1, 'ok', 'delete', 'a', 3, { result: { deleted } }),
    ];
    const base = [...put(0, 'a', '1', 0, 1), ...put(0, 'b', '1', 0, 1)];
    expect(verdict([...base, ...del(1), ...get(2, 'a', null, 4, 5), ...get(2, 'b', '1', 4, 5)])).toBe('linearizable');
    expect(verdict([...base, ...del(2, 'c'), ...get(2, 'b', null, 4, 5)])).toBe('linearizable');
    expect(verdict([...base, ...del(0)])).toBe('not-linearizable');
  });

  it('a range sees every key in [key, rangeEnd) at one instant', () => {
    const range = (rangeEnd: string, kvs: { key: string; value: string }[], t0: number, t1: number) => [
      ev(2, 'invoke', 'range', 'a', t0, { rangeEnd }),
      ev(2, 'ok', 'range', 'a', t1, { result: { kvs } }),
    ];
    const base = [...put(0, 'a', '1', 0, 1), ...put(1, 'b', '2', 0, 1), ...put(1, 'z', '3', 0, 1)];
    expect(verdict([...base, ...range('c', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], 2, 3)])).toBe('linearizable');
    expect(verdict([...base, ...range('\u0000', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'z', value: '3' }], 2, 3)])).toBe('linearizable');
    expect(verdict([...base, ...range('c', [{ key: 'a', value: '1' }], 2, 3)])).toBe('not-linearizable');
    // Concurrent puts: the range must see a consistent cut.
    const racing = [...put(0, 'a', '1', 0, 10), ...put(1, 'b', '2', 0, 10)];
    expect(verdict([...racing, ...range('c', [{ key: 'b', value: '2' }], 2, 3)])).toBe('linearizable');
  });

  it('keeps keys joined by a range in one partition', () => {
    const h = loadHistory(
      writeHistory([...put(0, 'a', '1', 0, 1), ...put(0, 'b', '1', 0, 1), ...put(0, 'x', '1', 0, 1), ev(1, 'invoke', 'range', 'a', 2, { rangeEnd: 'c' }), ev(1, 'ok', 'range', 'a', 3, { result: { kvs: [] } })]),
    );
    const result = h.check();
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions[0].operations).toEqual([0, 1, 3]);
  });
});
