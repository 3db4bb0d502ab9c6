import { describe, expect, it } from 'vitest';
import { acknowledgedPuts, lostWrites, type MemberStore } from './durability';
import type { TraceEvent } from '../sim/trace/trace';
import type { HistoryEvent } from '../sim/client/history';

const ev = (e: Record<string, unknown>) => ({ seq: 0, source: 'c1', ...e }) as unknown as TraceEvent;

/** A store holding one history: key -> [modRevision, value] in revision order. */
function store(member: string, writes: [string, number, string][], compacted = 0): MemberStore {
  const revision = Math.max(0, ...writes.map((w) => w[1]));
  return {
    member,
    revision,
    compacted,
    readAt: (key, rev) => {
      const w = writes.filter(([k, r]) => k === key && r <= rev).at(-1);
      return w === undefined ? undefined : { value: w[2], modRevision: w[1] };
    },
  };
}

describe('no acknowledged write lost', () => {
  const events = [
    ev({ kind: 'world.request', t: 1, label: 'p1', op: 'put', detail: JSON.stringify({ op: 'put', key: 'k', value: 'v1' }) }),
    ev({ kind: 'world.response', t: 2, label: 'p1', op: 'put', outcome: 'ok', revision: 5 }),
    ev({ kind: 'world.request', t: 3, label: 'p2', op: 'put', detail: JSON.stringify({ op: 'put', key: 'k', value: 'v2' }) }),
    ev({ kind: 'world.response', t: 4, label: 'p2', op: 'put', outcome: 'error', error: 'context deadline exceeded' }),
  ];
  const history: HistoryEvent[] = [
    { process: 0, type: 'invoke', f: 'put', key: 'w', value: 'a', t: 1 },
    { process: 0, type: 'ok', f: 'put', key: 'w', revision: 6, t: 2 },
    { process: 1, type: 'invoke', f: 'put', key: 'w', value: 'b', t: 3 },
    { process: 1, type: 'info', f: 'put', key: 'w', error: 'timeout', t: 4 },
  ];
  const acked = acknowledgedPuts(events, [history], ['c1']);

  it('collects the puts acknowledged by requests and by workload operations only', () => {
    expect(acked).toEqual([
      { key: 'k', value: 'v1', revision: 5, by: 'p1' },
      { key: 'w', value: 'a', revision: 6, by: 'c1 op 0' },
    ]);
  });

  it('passes when every store has each write at its revision, later writes notwithstanding', () => {
    expect(lostWrites(acked, [store('m1', [['k', 5, 'v1'], ['w', 6, 'a'], ['k', 7, 'later']])])).toEqual([]);
  });

  it('names the member and the write it lost, or the member that is behind', () => {
    expect(lostWrites(acked, [store('m2', [['k', 4, 'old'], ['w', 6, 'a']])])).toEqual(['m2 lost p1 (k=v1 at revision 5): at that revision it has old from revision 4']);
    expect(lostWrites(acked, [store('m3', [['k', 5, 'v1']])])).toEqual(['m3 is at revision 5, before c1 op 0 (w=a at revision 6)']);
  });

  it('after compaction, the key must hold the write or a later one', () => {
    expect(lostWrites(acked, [store('m4', [['k', 8, 'later'], ['w', 9, 'b']], 8)])).toEqual([]);
    expect(lostWrites(acked, [store('m5', [['w', 9, 'b']], 8)])).toEqual(['m5 lost p1 (k=v1 at revision 5)']);
  });
});
