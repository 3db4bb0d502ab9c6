import { hashString } from '../hash';
import type { Model } from '../model';
import { partitionByKeys } from '../partition';

/**
 * Porcupine's kvModel (MIT 6.824 key/value lab histories): one string per key,
 * initially "", with get / put / append. Keys are independent, so the history
 * is checked key by key.
 */

export interface KvInput {
  kind: 'get' | 'put' | 'append';
  key: string;
  /** The value put or appended. */
  value: string;
}

export interface KvOutput {
  /** What a get returned; null when the outcome is unknown. */
  value: string | null;
}

/** The value, and its hash kept up to date as it grows (FNV-1a continues over an append). */
export interface KvState {
  value: string;
  hash: number;
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => ({ value: '', hash: hashString('') }),
  step(state, input, output) {
    switch (input.kind) {
      case 'get':
        // Lengths first: comparing the text would flatten the state's concatenated string.
        return { ok: output.value === null || (output.value.length === state.value.length && output.value === state.value), newState: state };
      case 'put':
        return { ok: true, newState: { value: input.value, hash: hashString(input.value) } };
      case 'append':
        return { ok: true, newState: { value: state.value + input.value, hash: hashString(input.value, state.hash) } };
    }
  },
  equal: (a, b) => a.hash === b.hash && a.value === b.value,
  hash: (state) => state.hash,
  partition: (history) => partitionByKeys(history, (op) => [op.input.key]),
  describeOperation(input, output) {
    if (input.kind === 'get') return `get(${JSON.stringify(input.key)}) → ${output.value === null ? '?' : JSON.stringify(output.value)}`;
    return `${input.kind}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
  },
  describeState: (state) => JSON.stringify(state.value),
};
