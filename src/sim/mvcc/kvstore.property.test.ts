// Property tests: random histories against a reference model of the latest values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from './bytes';
import { ErrCompacted } from './kv';
import { KVStore } from './kvstore';
import type { StoreSnapshot } from './kvstore';
import type { KeyValue } from './mvccpb';
import type { RequestOp } from './rpc';
import { compaction, hashKV, range, txn } from './txn';
import { RequestValidationError } from './validate';

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

/** The reference: the latest state after each revision. */
class Model {
  states: State[] = [new Map(), new Map()]; // revisions 0 and 1: empty
  get rev(): number {
    return this.states.length - 1;
  }

  apply(ops: Op[]): void {
    const rev = this.rev + 1;
    const next = new Map(this.states[this.rev]);
    let changed = false;
    for (const op of ops) {
      if (op.kind === 'put') {
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
        for (const k of [...next.keys()]) if (inRange(k, op.key, op.end)) changed = next.delete(k) || changed;
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

describe('kv store properties', () => {
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
});
