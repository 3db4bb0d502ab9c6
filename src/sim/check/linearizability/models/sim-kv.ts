import { hashCombine, hashNumber, hashString } from '../hash';
import type { Compare, KeyValue } from '../history';
import type { Model, StepResult } from '../model';
import { partitionByKeys } from '../partition';

/**
 * etcd's key space as the simulator's client history sees it (history.ts):
 * put, get, range, delete and txn-as-cas, with versions and revisions checked
 * where recorded.
 *
 * Revisions are global in etcd, but the history is checked key by key (keys
 * joined by a range or a ranged delete stay together). Per partition the model
 * keeps a lower bound of the store revision: it never goes back, a write
 * takes a revision above it, a read sees one at or above it. That holds in
 * every real execution, so a violation is real; revision relations between
 * unrelated keys are not checked.
 */

export type SimKvInput =
  | { kind: 'put'; key: string; value: string }
  | { kind: 'get'; key: string }
  | { kind: 'range'; key: string; rangeEnd: string }
  | { kind: 'delete'; key: string; rangeEnd?: string }
  | { kind: 'txn'; key: string; expected: Compare; value: string };

/** What the response said; a field left undefined was not recorded and is not checked. */
export interface SimKvOutput {
  unknown: boolean;
  revision?: number;
  kv?: KeyValue | null;
  kvs?: KeyValue[];
  deleted?: number;
  succeeded?: boolean;
}

/** A key's state; a revision is null when an operation with an unknown outcome set it. */
export interface KeyState {
  value: string;
  version: number;
  modRevision: number | null;
  createRevision: number | null;
}

export interface SimKvState {
  keys: ReadonlyMap<string, KeyState>;
  /** A lower bound of the store's revision. */
  revision: number;
}

/** etcd's "all keys from key on" range end. */
const FROM_KEY = '\u0000';

function inRange(k: string, key: string, rangeEnd: string | undefined): boolean {
  if (rangeEnd === undefined || rangeEnd === '') return k === key;
  return k >= key && (rangeEnd === FROM_KEY || k < rangeEnd);
}

/**
 * Whether a recorded KeyValue (null: absent) agrees with the key's state.
 * Returns the state, completed with any revision it did not know, or false.
 */
function observe(current: KeyState | undefined, kv: KeyValue | null): KeyState | undefined | false {
  if (kv === null) return current === undefined ? undefined : false;
  if (current === undefined || current.value !== kv.value) return false;
  if (kv.version !== undefined && kv.version !== current.version) return false;
  const agrees = (known: number | null, seen: number | undefined) => known === null || seen === undefined || known === seen;
  if (!agrees(current.modRevision, kv.modRevision) || !agrees(current.createRevision, kv.createRevision)) return false;
  const learns = (known: number | null, seen: number | undefined) => known === null && seen !== undefined;
  if (!learns(current.modRevision, kv.modRevision) && !learns(current.createRevision, kv.createRevision)) return current;
  return {
    ...current,
    modRevision: current.modRevision ?? kv.modRevision ?? null,
    createRevision: current.createRevision ?? kv.createRevision ?? null,
  };
}

/** The store revision moves to the response's: above the bound for a write, at or above it otherwise. */
function advance(state: SimKvState, revision: number | undefined, wrote: boolean): SimKvState | undefined {
  if (revision === undefined) return state;
  if (wrote ? revision <= state.revision : revision < state.revision) return undefined;
  return { keys: state.keys, revision };
}

function written(current: KeyState | undefined, value: string, revision: number | null): KeyState {
  return {
    value,
    version: (current?.version ?? 0) + 1,
    modRevision: revision,
    createRevision: current ? current.createRevision : revision,
  };
}

/** Whether the compare matches; undefined when it tests a revision nobody knows. */
function compareMatches(current: KeyState | undefined, expected: Compare): boolean | undefined {
  if ('value' in expected) return current !== undefined && current.value === expected.value;
  if ('version' in expected) return (current?.version ?? 0) === expected.version;
  const known = current === undefined ? 0 : 'modRevision' in expected ? current.modRevision : current.createRevision;
  const wanted = 'modRevision' in expected ? expected.modRevision : expected.createRevision;
  return known === null ? undefined : known === wanted;
}

/** The key's state, with the revision its matching compare tested now known. */
function learn(current: KeyState | undefined, expected: Compare): KeyState | undefined {
  if (current === undefined) return current;
  if ('modRevision' in expected) return { ...current, modRevision: expected.modRevision };
  if ('createRevision' in expected) return { ...current, createRevision: expected.createRevision };
  return current;
}

function withKey(state: SimKvState, key: string, ks: KeyState | undefined): SimKvState {
  if (state.keys.get(key) === ks) return state;
  const keys = new Map(state.keys);
  if (ks === undefined) keys.delete(key);
  else keys.set(key, ks);
  return { keys, revision: state.revision };
}

/** The step's result: legal iff the new state exists. */
function result(state: SimKvState, next: SimKvState | undefined): StepResult<SimKvState> {
  return next ? { ok: true, newState: next } : { ok: false, newState: state };
}

function step(state: SimKvState, input: SimKvInput, output: SimKvOutput): StepResult<SimKvState> {
  const current = state.keys.get(input.key);
  switch (input.kind) {
    case 'put': {
      const revision = output.unknown ? null : (output.revision ?? null);
      return result(state, advance(withKey(state, input.key, written(current, input.value, revision)), output.revision, true));
    }
    case 'get': {
      if (output.unknown || output.kv === undefined) return { ok: true, newState: state };
      const seen = observe(current, output.kv);
      return result(state, seen === false ? undefined : advance(withKey(state, input.key, seen), output.revision, false));
    }
    case 'range':
      return stepRange(state, input.key, input.rangeEnd, output);
    case 'delete': {
      const doomed = [...state.keys.keys()].filter((k) => inRange(k, input.key, input.rangeEnd));
      if (!output.unknown && output.deleted !== undefined && output.deleted !== doomed.length) return result(state, undefined);
      const next = doomed.reduce((s, k) => withKey(s, k, undefined), state);
      return result(state, advance(next, output.revision, doomed.length > 0));
    }
    case 'txn': {
      // A compare of a revision nobody knows (one set by an operation of
      // unknown outcome) is settled by the response. With no response, assume
      // it matched: the txn not taking effect is covered by leaving it out,
      // which the checker allows for any operation of unknown outcome.
      const determined = compareMatches(current, input.expected);
      const matches = determined ?? (output.unknown || output.succeeded);
      if (!output.unknown && output.succeeded !== undefined && output.succeeded !== matches) return result(state, undefined);
      if (matches) {
        const compared = determined === undefined ? learn(current, input.expected) : current;
        const revision = output.unknown ? null : (output.revision ?? null);
        return result(state, advance(withKey(state, input.key, written(compared, input.value, revision)), output.revision, true));
      }
      const seen = output.unknown || output.kv === undefined ? current : observe(current, output.kv);
      return result(state, seen === false ? undefined : advance(withKey(state, input.key, seen), output.revision, false));
    }
  }
}

function stepRange(state: SimKvState, key: string, rangeEnd: string, output: SimKvOutput): StepResult<SimKvState> {
  if (output.unknown || output.kvs === undefined) return { ok: true, newState: state };
  const present = [...state.keys.keys()].filter((k) => inRange(k, key, rangeEnd)).sort();
  if (present.length !== output.kvs.length) return result(state, undefined);
  let next: SimKvState = state;
  for (let i = 0; i < present.length; i++) {
    const kv = output.kvs[i];
    const seen = kv.key === present[i] ? observe(state.keys.get(kv.key), kv) : false;
    if (!seen) return result(state, undefined);
    next = withKey(next, kv.key, seen);
  }
  return result(state, advance(next, output.revision, false));
}

function keyHash(key: string, ks: KeyState): number {
  let h = hashString(ks.value, hashString(key));
  h = hashCombine(h, ks.version);
  h = hashCombine(h, hashNumber(ks.modRevision));
  return hashCombine(h, hashNumber(ks.createRevision));
}

function sameKey(a: KeyState, b: KeyState | undefined): boolean {
  return (
    b !== undefined &&
    a.value === b.value &&
    a.version === b.version &&
    a.modRevision === b.modRevision &&
    a.createRevision === b.createRevision
  );
}

function describeKv(kv: KeyValue | null | undefined): string {
  if (kv === undefined) return '?';
  if (kv === null) return 'absent';
  return `${JSON.stringify(kv.value)}${kv.modRevision === undefined ? '' : `@${kv.modRevision}`}`;
}

function describeOutput(input: SimKvInput, output: SimKvOutput): string {
  if (output.unknown) return '?';
  const rev = output.revision === undefined ? '' : ` (rev ${output.revision})`;
  switch (input.kind) {
    case 'put':
      return `ok${rev}`;
    case 'get':
      return `${describeKv(output.kv)}${rev}`;
    case 'range':
      return `[${(output.kvs ?? []).map((kv) => `${JSON.stringify(kv.key)}=${describeKv(kv)}`).join(', ')}]${rev}`;
    case 'delete':
      return `deleted ${output.deleted ?? '?'}${rev}`;
    case 'txn':
      return `${output.succeeded ? 'succeeded' : 'failed'}${output.kv === undefined ? '' : `, ${describeKv(output.kv)}`}${rev}`;
  }
}

function describeInput(input: SimKvInput): string {
  const key = JSON.stringify(input.key);
  switch (input.kind) {
    case 'put':
      return `put(${key}, ${JSON.stringify(input.value)})`;
    case 'get':
      return `get(${key})`;
    case 'range':
      return `range(${key}, ${JSON.stringify(input.rangeEnd)})`;
    case 'delete':
      return input.rangeEnd === undefined ? `delete(${key})` : `delete(${key}, ${JSON.stringify(input.rangeEnd)})`;
    case 'txn': {
      const [field, value] = Object.entries(input.expected)[0];
      return `txn(${key}: if ${field} = ${JSON.stringify(value)} then put ${JSON.stringify(input.value)})`;
    }
  }
}

export const simKvModel: Model<SimKvState, SimKvInput, SimKvOutput> = {
  name: 'sim-kv',
  init: () => ({ keys: new Map(), revision: 0 }),
  step,
  equal(a, b) {
    if (a.revision !== b.revision || a.keys.size !== b.keys.size) return false;
    for (const [key, ks] of a.keys) if (!sameKey(ks, b.keys.get(key))) return false;
    return true;
  },
  hash(state) {
    let h = hashNumber(state.revision);
    for (const [key, ks] of state.keys) h = (h + keyHash(key, ks)) >>> 0; // a sum: independent of key order
    return h;
  },
  partition(history) {
    const keys = [...new Set(history.map((op) => op.input.key))];
    return partitionByKeys(history, (op) =>
      op.input.kind === 'range' || (op.input.kind === 'delete' && op.input.rangeEnd !== undefined)
        ? [op.input.key, ...keys.filter((k) => inRange(k, op.input.key, 'rangeEnd' in op.input ? op.input.rangeEnd : undefined))]
        : [op.input.key],
    );
  },
  describeOperation: (input, output) => `${describeInput(input)} → ${describeOutput(input, output)}`,
  describeState(state) {
    const keys = [...state.keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map(([k, ks]) => `${JSON.stringify(k)}: ${JSON.stringify(ks.value)} v${ks.version}@${ks.modRevision ?? '?'}`).join(', ')}} rev ≥ ${state.revision}`;
  },
};
