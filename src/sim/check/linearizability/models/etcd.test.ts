import { describe, expect, it } from 'vitest';
import { etcdModel } from './etcd';

const known = (value: number | null, ok = true) => ({ unknown: false, value, ok });
const unknown = { unknown: true, value: null, ok: false };

describe('etcdModel (Porcupine)', () => {
  it('starts absent: a read of nil is legal, a read of a value is not', () => {
    expect(etcdModel.step(null, { kind: 'read' }, known(null)).ok).toBe(true);
    expect(etcdModel.step(null, { kind: 'read' }, known(0)).ok).toBe(false);
  });

  it('writes always succeed', () => {
    expect(etcdModel.step(null, { kind: 'write', value: 3 }, known(null))).toEqual({ ok: true, newState: 3 });
  });

  it('a failed cas asserts that the compare did not match', () => {
    const cas = { kind: 'cas', from: 1, to: 2 } as const;
    expect(etcdModel.step(1, cas, known(null, true))).toEqual({ ok: true, newState: 2 });
    expect(etcdModel.step(1, cas, known(null, false)).ok).toBe(false);
    expect(etcdModel.step(5, cas, known(null, false))).toEqual({ ok: true, newState: 5 });
    expect(etcdModel.step(5, cas, known(null, true)).ok).toBe(false);
  });

  it('an unknown outcome is legal anywhere, and a cas takes effect iff it matches', () => {
    expect(etcdModel.step(7, { kind: 'read' }, unknown).ok).toBe(true);
    expect(etcdModel.step(1, { kind: 'cas', from: 1, to: 2 }, unknown)).toEqual({ ok: true, newState: 2 });
    expect(etcdModel.step(3, { kind: 'cas', from: 1, to: 2 }, unknown)).toEqual({ ok: true, newState: 3 });
  });

  it('describes operations and states', () => {
    expect(etcdModel.describeOperation({ kind: 'cas', from: 1, to: 2 }, known(null, false))).toBe('cas(1, 2) → failed');
    expect(etcdModel.describeOperation({ kind: 'read' }, known(null))).toBe('read() → nil');
    expect(etcdModel.describeState(null)).toBe('absent');
  });
});
