import { describe, expect, it } from 'vitest';
import { historyLine, writeHistory } from './history';
import type { HistoryEvent } from './history';
import { loadHistory, loadSimHistory } from './load';

describe('simulator history format', () => {
  const events: HistoryEvent[] = [
    { process: 0, type: 'invoke', f: 'put', key: 'a', value: '1', t: 10 },
    { process: 0, type: 'ok', f: 'put', key: 'a', revision: 2, t: 14 },
    { process: 1, type: 'invoke', f: 'get', key: 'a', t: 20 },
    { process: 1, type: 'ok', f: 'get', key: 'a', result: { kv: { key: 'a', value: '1', modRevision: 2, version: 1 } }, revision: 2, t: 22 },
  ];

  it('writes one JSON object per line, which the checker reads back', () => {
    const text = writeHistory(events);
    expect(text.split('\n')[0]).toBe('{"process":0,"type":"invoke","f":"put","key":"a","value":"1","t":10}');
    const history = loadHistory(text);
    expect(history.model).toBe('sim-kv');
    expect(history.describe(1)).toBe('get("a") → "1"@2 (rev 2)');
    expect(history.check().verdict).toBe('linearizable');
  });

  it('checks a history held in memory, as the page does', () => {
    const history = loadSimHistory([...events, { process: 2, type: 'invoke', f: 'get', key: 'a', t: 30 }, { process: 2, type: 'ok', f: 'get', key: 'a', result: { kv: null }, t: 31 }]);
    const result = history.check();
    expect(result.verdict).toBe('not-linearizable');
    expect(history.violationWindow(result)).toMatchObject({ stuck: 2, start: 20, end: 31 });
    expect(history.operations[2]).toMatchObject({ clientId: 2, call: 30, return: 31, line: 5 });
    expect(() => loadSimHistory([{ ...events[0], t: -5 }])).toThrow('line 1: not a simulator history event: t: ');
  });

  it('refuses to write a malformed event', () => {
    expect(() => historyLine({ ...events[0], t: -1 })).toThrow();
  });

  it('names the line and the field of a bad event', () => {
    const bad = `${historyLine(events[0])}\n{"process":0,"type":"ok","f":"put","key":"a","revision":"2","t":14}\n`;
    expect(() => loadHistory(bad)).toThrow(/^line 2: not a simulator history event: revision: /);
    const missing = '{"process":0,"type":"invoke","f":"txn","key":"a","value":"1","t":1}\n';
    expect(() => loadHistory(missing)).toThrow('line 1: a txn invocation needs "expected"');
    const noResult = `${historyLine(events[2])}\n{"process":1,"type":"ok","f":"get","key":"a","t":22}\n`;
    expect(() => loadHistory(noResult)).toThrow('line 2: an ok get needs "result.kv"');
  });
});
