import { describe, expect, it } from 'vitest';
import { casRegisterModel } from './cas-register';

const ok = (value: number | null = null) => ({ unknown: false, value, ok: true });
const unknown = { unknown: true, value: null, ok: false };

describe('casRegisterModel (Knossos)', () => {
  it('starts at 0', () => {
    expect(casRegisterModel.step(casRegisterModel.init(), { kind: 'read' }, ok(0)).ok).toBe(true);
    expect(casRegisterModel.step(casRegisterModel.init(), { kind: 'read' }, ok(1)).ok).toBe(false);
  });

  it('accepts a read of nil (not recorded) in any state', () => {
    expect(casRegisterModel.step(4, { kind: 'read' }, ok(null)).ok).toBe(true);
  });

  it('a completed cas must match', () => {
    expect(casRegisterModel.step(1, { kind: 'cas', from: 1, to: 2 }, ok())).toEqual({ ok: true, newState: 2 });
    expect(casRegisterModel.step(0, { kind: 'cas', from: 1, to: 2 }, ok()).ok).toBe(false);
  });

  it('a cas of unknown outcome takes effect iff it matches', () => {
    expect(casRegisterModel.step(0, { kind: 'cas', from: 1, to: 2 }, unknown)).toEqual({ ok: true, newState: 0 });
    expect(casRegisterModel.step(1, { kind: 'cas', from: 1, to: 2 }, unknown)).toEqual({ ok: true, newState: 2 });
  });
});
