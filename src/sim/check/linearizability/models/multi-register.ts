import { hashCombine, hashString } from '../hash';
import type { Model } from '../model';

/**
 * Knossos's multi-register (knossos/model.clj): registers, each initially 0,
 * read and written by transactions of micro-operations applied atomically. A
 * read of nil is not recorded and always legal. (Knossos's test starts from
 * {:x 0 :y 0}; here every register starts at 0.)
 */

export type MicroOp = { kind: 'read'; key: string; value: number | null } | { kind: 'write'; key: string; value: number };

/** Knossos takes a completed transaction's values from its completion, so the input says it all. */
export type MultiRegisterInput = readonly MicroOp[];

export type MultiRegisterState = ReadonlyMap<string, number>;

export const multiRegisterModel: Model<MultiRegisterState, MultiRegisterInput, null> = {
  name: 'multi-register',
  init: () => new Map(),
  step(state, input) {
    const next = new Map(state);
    for (const op of input) {
      if (op.kind === 'write') next.set(op.key, op.value);
      else if (op.value !== null && op.value !== (next.get(op.key) ?? 0)) return { ok: false, newState: state };
    }
    return { ok: true, newState: next };
  },
  equal(a, b) {
    for (const key of new Set([...a.keys(), ...b.keys()])) if ((a.get(key) ?? 0) !== (b.get(key) ?? 0)) return false;
    return true;
  },
  hash(state) {
    // Order-independent, and a register at 0 hashes like an absent one (they are equal).
    let h = 0;
    for (const [key, value] of state) if (value !== 0) h = (h + hashCombine(hashString(key), value)) >>> 0;
    return h;
  },
  describeOperation: (input) =>
    `txn[${input.map((op) => `${op.kind} ${op.key} ${op.value ?? 'nil'}`).join(', ')}]`,
  describeState: (state) =>
    `{${[...state].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ')}}`,
};
