import { describe, expect, it } from 'vitest';
import { eventsFromEdn, eventsFromJepsenLog, eventsFromJsonLines } from './jepsen-events';
import { pairEvents } from './pair-events';

describe('Jepsen events', () => {
  it('reads Porcupine etcd logs, tab- or space-separated', () => {
    const log = 'INFO  jepsen.util - 2\t:invoke\t:cas\t[1 0]\nINFO  jepsen.util - 2   :fail   :cas   [1 0]\n\nINFO  jepsen.util - 0\t:ok\t:read\tnil\n';
    expect(eventsFromJepsenLog(log)).toEqual([
      { process: 2, type: 'invoke', f: 'cas', value: [1, 0], line: 1 },
      { process: 2, type: 'fail', f: 'cas', value: [1, 0], line: 2 },
      { process: 0, type: 'ok', f: 'read', value: null, line: 4 },
    ]);
  });

  it('names the line of a malformed log event', () => {
    expect(() => eventsFromJepsenLog('INFO  jepsen.util - 1\t:invoke\t:read\tnil\ngarbage')).toThrow(/^line 2: not a Jepsen log event/);
    expect(() => eventsFromJepsenLog('INFO  jepsen.util - 1\t:invoke\t:write\t{1}')).toThrow('line 1: unrecognized value "{1}"');
  });

  it('reads EDN maps into the normalized field names', () => {
    expect(eventsFromEdn('[{:process :nemesis, :type :info, :f :start}]')).toEqual([{ process: ':nemesis', type: 'info', f: 'start', line: 1 }]);
    expect(() => eventsFromEdn('[{:process 1, :type :begin, :f :read}]')).toThrow(/^line 1: not a history event: type/);
  });

  it('names the line of a bad JSON event', () => {
    expect(() => eventsFromJsonLines('{"process":1,"type":"invoke","f":"read","value":null}\n{"process":1,')).toThrow(/^line 2: not JSON/);
  });
});

describe('pairEvents', () => {
  const ev = (process: number | string, type: 'invoke' | 'ok' | 'fail' | 'info', line: number) => ({ process, type, f: 'read', line });

  it('pairs by process, leaves info and unanswered operations open, and skips the nemesis', () => {
    const paired = pairEvents([ev(1, 'invoke', 1), ev(':nemesis', 'info', 2), ev(2, 'invoke', 3), ev(1, 'ok', 4), ev(2, 'info', 5), ev(3, 'invoke', 6)]);
    expect(paired.map((p) => [p.clientId, p.call, p.return, p.completion?.line])).toEqual([
      [1, 0, 3, 4],
      [2, 2, Infinity, undefined],
      [3, 5, Infinity, undefined],
    ]);
  });

  it('rejects a process that overlaps itself or completes what it never invoked', () => {
    expect(() => pairEvents([ev(1, 'invoke', 1), ev(1, 'invoke', 2)])).toThrow('line 2: process 1 invokes while its operation from line 1 is still open');
    expect(() => pairEvents([ev(1, 'ok', 7)])).toThrow('line 7: process 1 completes (ok) an operation it never invoked');
    expect(() => pairEvents([ev('x', 'invoke', 3)])).toThrow('line 3: process must be an integer (or :nemesis), got "x"');
  });
});
