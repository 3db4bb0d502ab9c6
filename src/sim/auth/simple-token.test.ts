import { describe, expect, it } from 'vitest';
import type { AuthEvent } from './events';
import { SIMPLE_TOKEN_TTL_DEFAULT_MS, TokenSimple, randomLetters } from './simple-token';

function setup() {
  const clock = { t: 0, applied: 10 };
  const events: AuthEvent[] = [];
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  };
  const tokens = new TokenSimple({
    now: () => clock.t,
    random,
    appliedIndex: () => clock.applied,
    ttlMs: SIMPLE_TOKEN_TTL_DEFAULT_MS,
    onEvent: (e) => events.push(e),
  });
  tokens.enable();
  return { clock, events, tokens };
}

describe('randomLetters', () => {
  it('draws ASCII letters only', () => {
    expect(randomLetters(16, () => 0)).toBe('a'.repeat(16));
    expect(randomLetters(3, () => 0.999999)).toBe('ZZZ');
  });
});

describe('TokenSimple', () => {
  it('issues <16 letters>.<index> tokens that resolve to their user at the current revision', () => {
    const { tokens } = setup();
    const prefix = tokens.genTokenPrefix();
    expect(prefix).toMatch(/^[a-zA-Z]{16}$/);
    const token = tokens.assign('alice', prefix, 7, 'test');
    expect(token).toBe(`${prefix}.7`);
    expect(tokens.info(token, 4)).toEqual({ kind: 'ok', authInfo: { username: 'alice', revision: 4 } });
  });

  it('rejects malformed tokens and waits for an index not applied yet', () => {
    const { tokens } = setup();
    expect(tokens.info('nodot', 1)).toEqual({ kind: 'invalid' });
    expect(tokens.info('a.b.1', 1)).toEqual({ kind: 'invalid' });
    expect(tokens.info('abc.-1', 1)).toEqual({ kind: 'invalid' });
    expect(tokens.info('abc.11', 1)).toEqual({ kind: 'wait', index: 11 });
    expect(tokens.info('abc.10', 1)).toEqual({ kind: 'invalid' });
  });

  it('slides the expiry on each use; the 1 s sweep deletes expired tokens', () => {
    const { tokens, clock, events } = setup();
    const token = tokens.assign('alice', 'p', 1, 'test');
    clock.t = 200_000;
    expect(tokens.info(token, 1).kind).toBe('ok'); // now expires at 500 s
    clock.t = 500_000;
    tokens.sweep();
    expect(tokens.info(token, 1).kind).toBe('ok'); // expiry reached but not passed; now 800 s
    clock.t = 800_001;
    expect(tokens.info(token, 1).kind).toBe('ok'); // past expiry, not swept yet: still valid, as in etcd
    clock.t = 1_100_002;
    tokens.sweep();
    expect(tokens.info(token, 1).kind).toBe('invalid');
    expect(events.some((e) => e.kind === 'auth-token' && e.action === 'expired')).toBe(true);
  });

  it('invalidates a user\'s tokens, and all tokens on disable', () => {
    const { tokens } = setup();
    const a = tokens.assign('alice', 'p', 1, 'test');
    const b = tokens.assign('bob', 'q', 1, 'test');
    tokens.invalidateUser('alice', 'test');
    expect(tokens.info(a, 1).kind).toBe('invalid');
    expect(tokens.info(b, 1).kind).toBe('ok');
    tokens.disable();
    expect(tokens.info(b, 1).kind).toBe('invalid');
    expect(() => tokens.assign('bob', 'r', 1, 'test')).toThrow(/disabled/);
  });

  it('refuses to assign the same token twice (etcd panics)', () => {
    const { tokens } = setup();
    tokens.assign('alice', 'p', 1, 'test');
    expect(() => tokens.assign('bob', 'p', 1, 'test')).toThrow(/already assigned/);
  });
});
