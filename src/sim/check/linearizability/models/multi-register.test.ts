import { describe, expect, it } from 'vitest';
import { multiRegisterModel } from './multi-register';

describe('multiRegisterModel (Knossos)', () => {
  it('applies a transaction atomically, in order', () => {
    const { ok, newState } = multiRegisterModel.step(
      multiRegisterModel.init(),
      [
        { kind: 'read', key: ':x', value: 0 },
        { kind: 'write', key: ':x', value: 2 },
        { kind: 'read', key: ':x', value: 2 },
        { kind: 'read', key: ':y', value: null },
      ],
      null,
    );
    expect(ok).toBe(true);
    expect(multiRegisterModel.describeState(newState)).toBe('{:x 2}');
  });

  it('rejects a read that does not match', () => {
    expect(multiRegisterModel.step(new Map([[':x', 1]]), [{ kind: 'read', key: ':x', value: 0 }], null).ok).toBe(false);
  });

  it('treats a register at 0 as equal to one never written', () => {
    const zero = new Map([[':x', 0]]);
    expect(multiRegisterModel.equal(zero, new Map())).toBe(true);
    expect(multiRegisterModel.hash(zero)).toBe(multiRegisterModel.hash(new Map()));
  });
});
