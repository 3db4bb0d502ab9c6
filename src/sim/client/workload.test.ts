import { describe, expect, it } from 'vitest';
import { loadHistory } from '../check/linearizability/load';
import { MemoryHistory } from './history';
import { Workload, WorkloadConfigError } from './workload';
import { Harness } from './testing/harness';

describe('Workload and history', () => {
  it('records invoke/ok/fail/info with virtual times, and the history checks as linearizable', () => {
    const h = new Harness(31);
    const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
    const history = new MemoryHistory();
    const loads = ['c1', 'c2'].map((name) => {
      const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'] }, name);
      return new Workload(client, { mix: { get: 3, put: 3, txn: 2, delete: 1, range: 1 }, keys: 3, concurrency: 3, rate: 200, timeoutMs: 300 }, history);
    });
    for (const w of loads) w.start();
    h.run(1000);
    cluster.setLeader(undefined); // writes time out: info
    h.run(600);
    cluster.setLeader('m2');
    cluster.stop('m1');
    h.run(1000);
    for (const w of loads) w.stop();
    h.run(2000);
    const types = new Set(history.events.map((e) => e.type));
    expect(types).toEqual(new Set(['invoke', 'ok', 'info', 'fail']));
    const invokes = history.events.filter((e) => e.type === 'invoke').length;
    expect(invokes).toBeGreaterThan(200);
    expect(history.events.length).toBe(2 * invokes);
    const result = loadHistory(history.toJSONL(), 'sim-kv').check();
    expect(result.verdict).toBe('linearizable');
  });

  it('is deterministic: the same seed gives the same trace and history', () => {
    const run = (seed: number) => {
      const h = new Harness(seed);
      const cluster = h.cluster({ members: ['m1', 'm2', 'm3'] });
      const history = new MemoryHistory();
      const client = h.client({ endpoints: ['m1:2379', 'm2:2379', 'm3:2379'] });
      const w = new Workload(client, { mix: { get: 1, put: 1, txn: 1, watch: 1, lease: 1 }, rate: 100 }, history);
      w.start();
      h.run(500);
      cluster.stop('m2');
      h.run(3000);
      w.stop();
      return [h.kernel.trace.hash(), history.toJSONL()];
    };
    expect(run(77)).toEqual(run(77));
    expect(run(77)[0]).not.toEqual(run(78)[0]);
  });

  it('rejects a bad workload with a clear error', () => {
    const h = new Harness(32);
    h.cluster({ members: ['m1'] });
    const client = h.client({ endpoints: ['m1:2379'] });
    expect(() => new Workload(client, { mix: { get: 0 } }, new MemoryHistory())).toThrow(WorkloadConfigError);
    expect(() => new Workload(client, { rate: -1 }, new MemoryHistory())).toThrow(/rate/);
  });
});
