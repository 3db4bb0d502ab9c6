// Property tests: random histories against a reference model of the latest values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from './bytes';
import { ErrCompacted } from './kv';
import { KVStore } from './kvstore';
import type { StoreSnapshot } from './kvstore';
import type { KeyValue } from './mvccpb';
import { SortOrder, SortTarget } from './rpc';
import type { RangeRequest, RequestOp } from './rpc';
import { compaction, hashKV, range, txn } from './txn';
import { RequestValidationError } from './validate';
import { WatchFilterType } from './rpc';
import type { WatchResponse } from './rpc';
import { ServerWatchStream } from './server-watch-stream';
import { WatchableStore } from './watchable-store';

type Op =
  | { kind: 'put'; key: string; value: string; lease: number }
  | { kind: 'delete'; key: string; end?: string }
  | { kind: 'txn'; ops: Op[] }
  | { kind: 'compact'; back: number };

const keyArb = fc.constantFrom('a', 'b', 'ba', 'c', 'é', '😀');
const putArb = fc.record({
  kind: fc.constant('put' as const),
  key: keyArb,
  value: fc.string({ maxLength: 3 }),
  lease: fc.constantFrom(0, 0, 1, 2),
});
const deleteArb = fc.record(
  { kind: fc.constant('delete' as const), key: keyArb, end: fc.constantFrom('b', 'c', '\0', 'zz') },
  { requiredKeys: ['kind', 'key'] },
);
const simpleArb = fc.oneof(putArb, deleteArb);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: putArb },
  { weight: 2, arbitrary: deleteArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('txn' as const), ops: fc.array(simpleArb, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat(6) }) },
);

type State = Map<string, KeyValue>;

interface ModelEvent {
  type: 'PUT' | 'DELETE';
  key: string;
  rev: number;
  value: string;
}

/** The reference: the latest state after each revision, and every event. */
class Model {
  states: State[] = [new Map(), new Map()]; // revisions 0 and 1: empty
  events: ModelEvent[] = [];
  get rev(): number {
    return this.states.length - 1;
  }

  apply(ops: Op[]): void {
    const rev = this.rev + 1;
    const next = new Map(this.states[this.rev]);
    let changed = false;
    for (const op of ops) {
      if (op.kind === 'put') {
        this.events.push({ type: 'PUT', key: op.key, rev, value: op.value });
        const prev = next.get(op.key);
        next.set(op.key, {
          key: op.key,
          value: op.value,
          lease: op.lease,
          modRevision: rev,
          createRevision: prev?.createRevision ?? rev,
          version: (prev?.version ?? 0) + 1,
        });
        changed = true;
      } else if (op.kind === 'delete') {
        for (const k of [...next.keys()].sort(compareKeys)) {
          if (!inRange(k, op.key, op.end)) continue;
          next.delete(k);
          this.events.push({ type: 'DELETE', key: k, rev, value: '' });
          changed = true;
        }
      }
    }
    if (changed) this.states.push(next);
  }
}

function inRange(k: string, key: string, end: string | undefined): boolean {
  if (end === undefined) return k === key;
  if (end === '\0') return compareKeys(k, key) >= 0;
  return compareKeys(k, key) >= 0 && compareKeys(k, end) < 0;
}

function toRequest(op: Op): RequestOp {
  if (op.kind === 'put') return { requestPut: { key: op.key, value: op.value, lease: op.lease } };
  if (op.kind === 'delete') return { requestDeleteRange: { key: op.key, rangeEnd: op.end } };
  throw new Error('nested op kind');
}

function all(s: KVStore, revision = 0): KeyValue[] {
  return range(s, { key: '\0', rangeEnd: '\0', revision }).kvs;
}

function expected(state: State): KeyValue[] {
  return [...state.values()].sort((x, y) => compareKeys(x.key, y.key));
}

/** Applies a put, delete or txn; false when validation refused it (e.g. a key put twice). */
function apply(s: KVStore, op: Op): boolean {
  try {
    txn(s, { success: (op.kind === 'txn' ? op.ops : [op]).map(toRequest) });
    return true;
  } catch (err) {
    if (err instanceof RequestValidationError) return false;
    throw err;
  }
}

function applyAll(s: KVStore, ops: Op[]): void {
  for (const op of ops) {
    if (op.kind !== 'compact') apply(s, op);
    else {
      const rev = Math.max(1, s.currentRevision - op.back);
      if (rev > s.compactRevision) compaction(s, { revision: rev });
    }
  }
}

function run(ops: Op[], check: (s: KVStore, m: Model) => void): void {
  const s = new KVStore();
  const m = new Model();
  for (const op of ops) {
    if (op.kind === 'compact') {
      const rev = Math.max(1, s.currentRevision - op.back);
      if (rev <= s.compactRevision) expect(() => compaction(s, { revision: rev })).toThrow(ErrCompacted);
      else compaction(s, { revision: rev });
    } else if (apply(s, op)) m.apply(op.kind === 'txn' ? op.ops : [op]);
    check(s, m);
  }
}

describe('mvcc properties', () => {
  it('agrees with the reference model at every kept revision', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        run(ops, (s, m) => {
          expect(s.currentRevision).toBe(m.rev);
          expect(all(s)).toEqual(expected(m.states[m.rev]));
          expect(s.liveKeys).toBe(m.states[m.rev].size);
          // compaction never changes what a read at or after the compaction revision returns
          for (let rev = Math.max(1, s.compactRevision); rev <= s.currentRevision; rev++) {
            expect(all(s, rev)).toEqual(expected(m.states[rev]));
          }
          if (s.compactRevision > 1) expect(() => all(s, s.compactRevision - 1)).toThrow(ErrCompacted);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('snapshot/restore gives an identical store: same hash, same reads, same future', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(putArb, { maxLength: 5 }), (ops, more) => {
        const s = new KVStore();
        applyAll(s, ops);
        const r = new KVStore();
        r.restore(JSON.parse(JSON.stringify(s.snapshot())) as StoreSnapshot);
        expect(hashKV(r, {})).toEqual(hashKV(s, {}));
        for (let rev = Math.max(1, s.compactRevision); rev <= s.currentRevision; rev++) {
          expect(all(r, rev)).toEqual(all(s, rev));
        }
        for (const op of more) {
          txn(s, { success: [toRequest(op)] });
          txn(r, { success: [toRequest(op)] });
        }
        expect(r.snapshot()).toEqual(s.snapshot());
        expect(hashKV(r, {})).toEqual(hashKV(s, {}));
      }),
      { numRuns: 150 },
    );
  });

  it('every watcher gets exactly its events from its start revision, in order, once, whole revisions', () => {
    type HostOp =
      | { kind: 'watch'; stream: number; key: string; end?: string; start: 'now' | 'past' | 'future'; delta: number; filter: number }
      | { kind: 'sync' }
      | { kind: 'victims' }
      | { kind: 'recv'; stream: number; n: number };
    const hostArb: fc.Arbitrary<HostOp> = fc.oneof(
      fc.record(
        {
          kind: fc.constant('watch' as const),
          stream: fc.nat(1),
          key: keyArb,
          end: fc.constantFrom('c', '\0', 'zz'),
          start: fc.constantFrom('now' as const, 'past' as const, 'future' as const),
          delta: fc.nat(6),
          filter: fc.nat(3),
        },
        { requiredKeys: ['kind', 'stream', 'key', 'start', 'delta', 'filter'] },
      ),
      fc.record({ kind: fc.constant('sync' as const) }),
      fc.record({ kind: fc.constant('victims' as const) }),
      fc.record({ kind: fc.constant('recv' as const), stream: fc.nat(1), n: fc.nat(3) }),
    );
    interface Watch {
      stream: number;
      id: number;
      key: string;
      end?: string;
      from: number;
      filter: number;
      got: WatchResponse[];
    }
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: opArb }, { weight: 2, arbitrary: hostArb }), { maxLength: 80 }), (steps) => {
        const s = new WatchableStore();
        const m = new Model();
        const streams = [new ServerWatchStream(s, { capacity: 1 }), new ServerWatchStream(s, { capacity: 3 })];
        const watches: Watch[] = [];
        const recv = (i: number) => {
          const out = streams[i].recv();
          for (const wr of out ?? []) watches.find((w) => w.stream === i && w.id === wr.watchId)?.got.push(wr);
          return out !== undefined;
        };
        for (const step of steps) {
          switch (step.kind) {
            case 'watch': {
              const cur = s.currentRevision;
              const startRevision =
                step.start === 'now' ? 0 : step.start === 'past' ? Math.max(1, cur - step.delta) : cur + 1 + step.delta;
              const filters = step.filter === 1 ? [WatchFilterType.NOPUT] : step.filter === 2 ? [WatchFilterType.NODELETE] : [];
              const created = streams[step.stream].create({ key: step.key, rangeEnd: step.end, startRevision, filters });
              const from = startRevision === 0 ? cur + 1 : startRevision;
              watches.push({ stream: step.stream, id: created.watchId, key: step.key, end: step.end, from, filter: step.filter, got: [] });
              break;
            }
            case 'sync':
              s.syncWatchers();
              break;
            case 'victims':
              s.syncVictims();
              break;
            case 'recv':
              for (let i = 0; i < step.n; i++) recv(step.stream);
              break;
            case 'compact': {
              const rev = Math.max(1, s.currentRevision - step.back);
              if (rev > s.compactRevision) compaction(s, { revision: rev });
              break;
            }
            default:
              if (apply(s, step)) m.apply(step.kind === 'txn' ? step.ops : [step]);
          }
        }
        // Let the host loops run until everything is delivered.
        for (let round = 0; round < 1000; round++) {
          const busy = recv(0) || recv(1);
          s.syncVictims();
          s.syncWatchers();
          if (!busy && s.unsyncedCount === 0 && !s.hasVictims() && streams.every((x) => x.pending() === 0)) break;
        }
        for (const w of watches) {
          const expected = m.events
            .filter((e) => e.rev >= w.from && inRange(e.key, w.key, w.end))
            .filter((e) => !(w.filter === 1 && e.type === 'PUT') && !(w.filter === 2 && e.type === 'DELETE'))
            .map((e) => `${e.type} ${e.key}@${e.rev}=${e.value}`);
          const got = w.got.flatMap((wr) => wr.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}=${e.kv.value}`));
          const compacted = w.got.findIndex((wr) => wr.compactRevision !== 0);
          if (compacted === -1) expect(got).toEqual(expected);
          else {
            expect(compacted).toBe(w.got.length - 1); // nothing after the compaction notice
            expect(w.got[compacted]).toMatchObject({ canceled: true, events: [] });
            expect(expected.slice(0, got.length)).toEqual(got);
          }
          // a revision is never split across responses; a response never runs ahead of its header
          const seen = new Set<number>();
          for (const wr of w.got) {
            const revs = new Set(wr.events.map((e) => e.kv.modRevision));
            for (const r of revs) {
              expect(seen.has(r)).toBe(false);
              seen.add(r);
              expect(r).toBeLessThanOrEqual(wr.header.revision);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('Range with limit, sort, filters, count_only and keys_only matches a naive reading of the model', () => {
    const rangeArb = fc.record({
      key: keyArb,
      rangeEnd: fc.constantFrom(undefined, 'b', 'c', 'zz', '\0'),
      limit: fc.constantFrom(0, 1, 2, 3, -1),
      sortOrder: fc.constantFrom(SortOrder.NONE, SortOrder.ASCEND, SortOrder.DESCEND),
      sortTarget: fc.constantFrom(SortTarget.KEY, SortTarget.VERSION, SortTarget.CREATE, SortTarget.MOD, SortTarget.VALUE),
      minModRevision: fc.constantFrom(0, 0, 3, 5),
      maxModRevision: fc.constantFrom(0, 0, 4, 8),
      minCreateRevision: fc.constantFrom(0, 0, 3),
      maxCreateRevision: fc.constantFrom(0, 0, 6),
      countOnly: fc.boolean(),
      keysOnly: fc.boolean(),
      back: fc.nat(5),
    });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), fc.array(rangeArb, { minLength: 1, maxLength: 5 }), (ops, reqs) => {
        const s = new KVStore();
        const m = new Model();
        for (const op of ops) if (op.kind !== 'compact' && apply(s, op)) m.apply(op.kind === 'txn' ? op.ops : [op]);
        for (const { back, ...rest } of reqs) {
          const revision = Math.max(1, s.currentRevision - back);
          const req: RangeRequest = { ...rest, revision };
          const matching = expected(m.states[revision]).filter((kv) =>
            inRange(kv.key, req.key, req.rangeEnd === undefined ? undefined : req.rangeEnd),
          );
          let kvs = matching.filter(
            (kv) =>
              (!req.minModRevision || kv.modRevision >= req.minModRevision) &&
              (!req.maxModRevision || kv.modRevision <= req.maxModRevision) &&
              (!req.minCreateRevision || kv.createRevision >= req.minCreateRevision) &&
              (!req.maxCreateRevision || kv.createRevision <= req.maxCreateRevision),
          );
          const limit = req.limit ?? 0;
          const filtered = !!(req.minModRevision || req.maxModRevision || req.minCreateRevision || req.maxCreateRevision);
          // Unless the request sorts or filters, etcd fetches just limit+1 keys in key order;
          // a sort by another target then orders only those (server.md §6.4 step 2).
          if (req.sortOrder === SortOrder.NONE && !filtered && limit > 0) kvs = kvs.slice(0, limit + 1);
          const field = (kv: KeyValue): number | string =>
            [kv.key, kv.version, kv.createRevision, kv.modRevision, kv.value][req.sortTarget ?? 0];
          const order = req.sortOrder === SortOrder.NONE && req.sortTarget !== SortTarget.KEY ? SortOrder.ASCEND : req.sortOrder;
          if (order !== SortOrder.NONE) {
            const sign = order === SortOrder.DESCEND ? -1 : 1;
            kvs = [...kvs].sort((x, y) => {
              const a = field(x);
              const b = field(y);
              const c = typeof a === 'string' ? compareKeys(a, b as string) : a - (b as number);
              return sign * c || compareKeys(x.key, y.key);
            });
          }
          const more = limit > 0 && kvs.length > limit;
          if (more) kvs = kvs.slice(0, limit);
          if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
          if (req.countOnly) kvs = [];
          const got = range(s, req);
          expect(got.count).toBe(matching.length);
          expect(got.kvs).toEqual(kvs);
          expect(got.more).toBe(req.countOnly ? false : more);
          expect(got.header.revision).toBe(s.currentRevision);
        }
      }),
      { numRuns: 200 },
    );
  });
});
