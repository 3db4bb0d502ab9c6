import { describe, expect, it } from 'vitest';
import type { Operation } from '../model';
import { kvModel } from './kv';
import type { KvInput, KvOutput } from './kv';

describe('kvModel (Porcupine)', () => {
  const s0 = kvModel.init();

  it('starts empty and appends', () => {
    const { newState: s1 } = kvModel.step(s0, { kind: 'append', key: 'k', value: 'ab' }, { value: null });
    const { newState: s2 } = kvModel.step(s1, { kind: 'append', key: 'k', value: 'c' }, { value: null });
    expect(s2.value).toBe('abc');
    expect(kvModel.step(s2, { kind: 'get', key: 'k', value: '' }, { value: 'abc' }).ok).toBe(true);
    expect(kvModel.step(s2, { kind: 'get', key: 'k', value: '' }, { value: 'ab' }).ok).toBe(false);
  });

  it('keeps the hash equal for equal values however they were built', () => {
    const put = kvModel.step(s0, { kind: 'put', key: 'k', value: 'abc' }, { value: null }).newState;
    const appended = kvModel.step(kvModel.step(s0, { kind: 'append', key: 'k', value: 'a' }, { value: null }).newState, { kind: 'append', key: 'k', value: 'bc' }, { value: null }).newState;
    expect(kvModel.equal(put, appended)).toBe(true);
    expect(kvModel.hash(put)).toBe(kvModel.hash(appended));
  });

  it('partitions by key, in order of first appearance', () => {
    const op = (key: string): Operation<KvInput, KvOutput> => ({ clientId: 0, input: { kind: 'put', key, value: 'v' }, output: { value: null }, call: 0, return: 1 });
    expect(kvModel.partition?.([op('b'), op('a'), op('b')])).toEqual([[0, 2], [1]]);
  });
});
