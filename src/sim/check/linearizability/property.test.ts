import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker';
import { writeHistory } from './history';
import type { Compare, HistoryEvent, KeyValue } from './history';
import { loadHistory } from './load';
import type { Operation } from './model';
import { etcdModel } from './models/etcd';
import type { RegisterInput, RegisterOutput } from './models/register';

/**
 * Histories made by running operations one after another against a reference
 * implementation, then giving each an interval around its moment of effect:
 * they must be linearizable; changing a read to a value never written must
 * make them not.
 */

/** Each operation takes effect at 10·i + 50 and its interval reaches up to 40 ms either side. */
const timing = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));
const at = (i: number, [before, after]: [number, number]) => ({ call: 10 * i + 50 - before, return: 10 * i + 50 + after });

// --- etcd register (Porcupine's model) ---------------------------------------

const registerCommand = fc.oneof(
  fc.record({ kind: fc.constant('read' as const) }),
  fc.record({ kind: fc.constant('write' as const), value: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('cas' as const), from: fc.integer({ min: 0, max: 4 }), to: fc.integer({ min: 0, max: 4 }) }),
);
const registerStep = fc.record({ input: registerCommand, timing, unknown: fc.boolean() });

function runRegister(steps: { input: RegisterInput; timing: [number, number]; unknown: boolean }[]): Operation<RegisterInput, RegisterOutput>[] {
  let value: number | null = null;
  return steps.map(({ input, timing: t, unknown }, i) => {
    const before = value;
    if (input.kind === 'write') value = input.value;
    if (input.kind === 'cas' && before === input.from) value = input.to;
    const output = { unknown: false, value: input.kind === 'read' ? before : null, ok: input.kind !== 'cas' || before === input.from };
    // An unknown outcome: the client never heard back, so the operation stays open.
    if (unknown && input.kind !== 'read') return { clientId: i, input, output: { ...output, unknown: true }, call: at(i, t).call, return: Infinity };
    return { clientId: i, input, output, ...at(i, t) };
  });
}

describe('etcd register histories from sequential runs', () => {
  it('are linearizable', () => {
    fc.assert(
      fc.property(fc.array(registerStep, { maxLength: 30 }), (steps) => {
        expect(checkOperations(etcdModel, runRegister(steps)).verdict).toBe('linearizable');
      }),
    );
  });

  it('are not once a read returns a value never written', () => {
    fc.assert(
      fc.property(fc.array(registerStep, { minLength: 1, maxLength: 30 }), fc.nat(), (steps, pick) => {
        const ops = runRegister(steps);
        const reads = ops.filter((op) => op.input.kind === 'read');
        fc.pre(reads.length > 0);
        const read = reads[pick % reads.length];
        read.output = { ...read.output, value: 99 };
        expect(checkOperations(etcdModel, ops).verdict).toBe('not-linearizable');
      }),
    );
  });
});

// --- the simulator's KV history (sim-kv) --------------------------------------

const KEYS = ['a', 'b', 'c'];
const key = fc.constantFrom(...KEYS);
const compare: fc.Arbitrary<Compare> = fc.oneof(
  fc.record({ value: fc.constantFrom('v0', 'v1', 'v2', 'v3') }),
  fc.record({ version: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ modRevision: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ createRevision: fc.integer({ min: 0, max: 4 }) }),
);
type Command =
  | { f: 'put'; key: string }
  | { f: 'get'; key: string }
  | { f: 'delete'; key: string }
  | { f: 'range' }
  | { f: 'txn'; key: string; expected: Compare };
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ f: fc.constant('put' as const), key }),
  fc.record({ f: fc.constant('get' as const), key }),
  fc.record({ f: fc.constant('delete' as const), key }),
  fc.record({ f: fc.constant('range' as const) }),
  fc.record({ f: fc.constant('txn' as const), key, expected: compare }),
);
/** ok, info (the effect happened but the client never learnt it), or fail (it never happened). */
const outcome = fc.constantFrom('ok', 'ok', 'ok', 'info', 'fail');
const simStep = fc.record({ command, timing, outcome });

/** etcd's KV semantics, kept minimal: the reference the histories are recorded from. */
class ReferenceKv {
  private readonly kvs = new Map<string, Required<KeyValue>>();
  private revision = 1;

  get(k: string): KeyValue | null {
    return this.kvs.get(k) ?? null;
  }

  header(): number {
    return this.revision;
  }

  put(k: string, value: string): void {
    const old = this.kvs.get(k);
    this.revision++;
    this.kvs.set(k, { key: k, value, modRevision: this.revision, createRevision: old?.createRevision ?? this.revision, version: (old?.version ?? 0) + 1 });
  }

  delete(k: string): number {
    if (!this.kvs.delete(k)) return 0;
    this.revision++;
    return 1;
  }

  range(): KeyValue[] {
    return [...this.kvs.values()].sort((x, y) => (x.key < y.key ? -1 : 1));
  }

  matches(k: string, expected: Compare): boolean {
    const kv = this.kvs.get(k);
    if ('value' in expected) return kv?.value === expected.value;
    if ('version' in expected) return (kv?.version ?? 0) === expected.version;
    if ('modRevision' in expected) return (kv?.modRevision ?? 0) === expected.modRevision;
    return (kv?.createRevision ?? 0) === expected.createRevision;
  }
}

function runSimKv(steps: { command: Command; timing: [number, number]; outcome: string }[]): HistoryEvent[] {
  const kv = new ReferenceKv();
  const events: HistoryEvent[] = [];
  steps.forEach(({ command: c, timing: t, outcome: o }, i) => {
    const { call, return: ret } = at(i, t);
    const value = `v${i}`;
    const k = c.f === 'range' ? 'a' : c.key;
    const params: Partial<HistoryEvent> =
      c.f === 'put' ? { value } : c.f === 'txn' ? { value, expected: c.expected } : c.f === 'range' ? { rangeEnd: '\u0000' } : {};
    events.push({ process: i, type: 'invoke', f: c.f, key: k, t: call, ...params });
    if (o === 'fail') {
      events.push({ process: i, type: 'fail', f: c.f, key: k, t: ret });
      return;
    }
    let result: HistoryEvent['result'];
    if (c.f === 'put') kv.put(k, value);
    else if (c.f === 'get') result = { kv: kv.get(k) };
    else if (c.f === 'delete') result = { deleted: kv.delete(k) };
    else if (c.f === 'range') result = { kvs: kv.range() };
    else if (kv.matches(k, c.expected)) {
      kv.put(k, value);
      result = { succeeded: true };
    } else result = { succeeded: false, kv: kv.get(k) };
    if (o === 'info') events.push({ process: i, type: 'info', f: c.f, key: k, t: ret, error: 'timed out' });
    else events.push({ process: i, type: 'ok', f: c.f, key: k, t: ret, revision: kv.header(), ...(result ? { result } : {}) });
  });
  return events.sort((x, y) => x.t - y.t || Number(y.type === 'invoke') - Number(x.type === 'invoke'));
}

const verdict = (events: HistoryEvent[]) => loadHistory(writeHistory(events)).check().verdict;

describe('simulator KV histories from sequential runs', () => {
  it('are linearizable', () => {
    fc.assert(
      fc.property(fc.array(simStep, { maxLength: 25 }), (steps) => {
        expect(verdict(runSimKv(steps))).toBe('linearizable');
      }),
    );
  });

  it('are not once a get returns a value never written', () => {
    fc.assert(
      fc.property(fc.array(simStep, { minLength: 1, maxLength: 25 }), fc.nat(), (steps, pick) => {
        const events = runSimKv(steps);
        const reads = events.filter((e) => e.type === 'ok' && e.f === 'get');
        fc.pre(reads.length > 0);
        const read = reads[pick % reads.length];
        read.result = { kv: { key: read.key, value: 'never written' } };
        expect(verdict(events)).toBe('not-linearizable');
      }),
    );
  });
});
