import { describe, expect, it } from 'vitest';
import { LeaseError, isLeaseError } from './errors';
import type { LeaseErrorName } from './errors';
import type { LeaseEvent } from './events';
import type { LeaseID } from './lease';
import { Lessor, MaxLeaseTTL, minLeaseTTL } from './lessor';
import type { LeaseCheckpoint, LessorConfig } from './lessor';

// A lessor on a virtual clock, over a fake store that records delete transactions.
function setup(over: Partial<LessorConfig> = {}) {
  const clock = { t: 0 };
  const store = new Map<string, LeaseID>();
  const txns: string[][] = [];
  const events: LeaseEvent[] = [];
  const lessor: Lessor = new Lessor({
    now: () => clock.t,
    minLeaseTTL: 2,
    rangeDeleter: () => {
      const deleted: string[] = [];
      return {
        deleteRange: (key) => {
          deleted.push(key);
          // As the MVCC store does: deleting a leased key detaches it.
          const id = store.get(key);
          if (id !== undefined) lessor.detach(id, [key]);
          store.delete(key);
        },
        end: () => txns.push(deleted),
      };
    },
    onEvent: (e) => events.push(e),
    ...over,
  });
  const put = (key: string, id: LeaseID) => {
    store.set(key, id);
    lessor.attach(id, [key]);
  };
  return { clock, store, txns, events, lessor, put };
}

function thrown(fn: () => unknown): LeaseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LeaseError) return err;
    throw err;
  }
  throw new Error('expected a LeaseError');
}

describe('minLeaseTTL', () => {
  it('is ceil(((3 * electionTicks) div 2) * tickMs) in seconds', () => {
    expect(minLeaseTTL(10, 100)).toBe(2); // 15 ticks = 1.5 s
    expect(minLeaseTTL(5, 100)).toBe(1); // 7 ticks (integer division) = 0.7 s
    expect(minLeaseTTL(20, 100)).toBe(3);
    expect(minLeaseTTL(10, 1000)).toBe(15);
  });
});

describe('LeaseError', () => {
  it.each<[LeaseErrorName, string, string, string]>([
    ['ErrLeaseNotFound', 'etcdserver: requested lease not found', 'lease not found', 'NotFound'],
    ['ErrLeaseExists', 'etcdserver: lease already exists', 'lease already exists', 'FailedPrecondition'],
    ['ErrLeaseTTLTooLarge', 'etcdserver: too large lease TTL', 'too large lease TTL', 'OutOfRange'],
    ['ErrNotPrimary', 'not a primary lessor', 'not a primary lessor', 'Unknown'],
  ])('%s carries etcd messages and code', (name, message, internal, code) => {
    const err = new LeaseError(name);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
    expect(err.internalMessage).toBe(internal);
    expect(err.grpcCode).toBe(code);
    expect(isLeaseError(err, name)).toBe(true);
    expect(isLeaseError(new Error(message))).toBe(false);
  });
});

describe('grant', () => {
  it('raises a TTL below the minimum and keeps expiry forever when not primary', () => {
    const { lessor, events } = setup();
    const l = lessor.grant(1, 1);
    expect(l.ttl).toBe(2);
    expect(l.expiry).toBe(Infinity);
    expect(events.at(-1)).toMatchObject({ kind: 'lease-granted', ttl: 2, requestedTTL: 1, expiry: 'forever' });
    expect(lessor.grant(2, 0).ttl).toBe(2);
    expect(lessor.grant(3, -5).ttl).toBe(2);
  });

  it('sets expiry now + TTL on the primary', () => {
    const { lessor, clock } = setup();
    lessor.promote(1000);
    clock.t = 500;
    expect(lessor.grant(7, 10).expiry).toBe(10_500);
  });

  it('rejects ID 0, a too large TTL and an existing ID with etcd errors', () => {
    const { lessor, events } = setup();
    expect(thrown(() => lessor.grant(0, 10)).name).toBe('ErrLeaseNotFound');
    expect(thrown(() => lessor.grant(1, MaxLeaseTTL + 1)).message).toBe('etcdserver: too large lease TTL');
    expect(lessor.grant(1, MaxLeaseTTL).ttl).toBe(MaxLeaseTTL);
    expect(thrown(() => lessor.grant(1, 5)).message).toBe('etcdserver: lease already exists');
    expect(events.filter((e) => e.kind === 'lease-rejected').map((e) => e.kind === 'lease-rejected' && e.error)).toEqual([
      'ErrLeaseNotFound',
      'ErrLeaseTTLTooLarge',
      'ErrLeaseExists',
    ]);
  });

  it('rejects non-integer input with a clear RangeError', () => {
    const { lessor } = setup();
    expect(() => lessor.grant(1.5, 10)).toThrow(RangeError);
    expect(() => lessor.grant(1, Number.NaN)).toThrow(/TTL must be a safe integer/);
  });

  it('accepts negative client-chosen IDs (etcd IDs are int64)', () => {
    const { lessor } = setup();
    expect(lessor.grant(-42, 5).id).toBe(-42);
  });
});

describe('expiry on the primary', () => {
  it('hands an expired lease to the server, then again after the retry interval', () => {
    const { lessor, clock, events } = setup();
    lessor.promote(0);
    lessor.grant(1, 5);
    clock.t = 4999;
    expect(lessor.runLoopOnce()).toEqual([]);
    clock.t = 5000;
    expect(lessor.runLoopOnce()).toEqual([1]);
    expect(events.at(-1)).toMatchObject({ kind: 'lease-expired', id: 1, expiry: 5000, retryAt: 8000 });
    clock.t = 5500;
    expect(lessor.runLoopOnce()).toEqual([]);
    clock.t = 8000;
    expect(lessor.runLoopOnce()).toEqual([1]);
    lessor.revoke(1);
    clock.t = 11_000;
    expect(lessor.runLoopOnce()).toEqual([]);
  });

  it('hands out at most leaseRevokeRate / 2 = 500 leases per loop', () => {
    const { lessor, clock } = setup();
    lessor.promote(0);
    for (let id = 1; id <= 600; id++) lessor.grant(id, 2);
    clock.t = 2000;
    expect(lessor.runLoopOnce()).toHaveLength(500);
    clock.t = 2500;
    expect(lessor.runLoopOnce()).toHaveLength(100);
  });

  it('never expires anything on a non-primary lessor', () => {
    const { lessor, clock } = setup();
    lessor.grant(1, 2);
    clock.t = 1_000_000;
    expect(lessor.runLoopOnce()).toEqual([]);
    expect(lessor.lookup(1)?.remainingMs).toBe(Infinity);
  });
});

describe('renew (keepalive)', () => {
  it('resets expiry to now + TTL and returns the TTL', () => {
    const { lessor, clock } = setup();
    lessor.promote(0);
    lessor.grant(1, 10);
    clock.t = 9000;
    expect(lessor.renew(1)).toEqual({ kind: 'renewed', ttl: 10 });
    expect(lessor.lookup(1)?.expiry).toBe(19_000);
    clock.t = 10_000; // the old expiry passes harmlessly
    expect(lessor.runLoopOnce()).toEqual([]);
    clock.t = 19_000;
    expect(lessor.runLoopOnce()).toEqual([1]);
  });

  it('fails with ErrNotPrimary on a follower and ErrLeaseNotFound for an unknown lease', () => {
    const { lessor } = setup();
    lessor.grant(1, 10);
    expect(thrown(() => lessor.renew(1)).name).toBe('ErrNotPrimary');
    lessor.promote(0);
    expect(thrown(() => lessor.renew(2)).message).toBe('etcdserver: requested lease not found');
  });

  it('does not renew an expired lease: the caller waits for the revoke or a demotion', () => {
    const { lessor, clock } = setup();
    lessor.promote(0);
    lessor.grant(1, 2);
    lessor.grant(2, 2);
    clock.t = 2000;
    expect(lessor.renew(1)).toEqual({ kind: 'expired' });
    const settled: string[] = [];
    lessor.whenRevokedOrDemoted(1, (e) => settled.push(`1:${e.name}`));
    lessor.whenRevokedOrDemoted(2, (e) => settled.push(`2:${e.name}`));
    lessor.revoke(1);
    expect(settled).toEqual(['1:ErrLeaseNotFound']);
    lessor.demote();
    expect(settled).toEqual(['1:ErrLeaseNotFound', '2:ErrNotPrimary']);
    lessor.whenRevokedOrDemoted(2, (e) => settled.push(`late:${e.name}`));
    expect(settled.at(-1)).toBe('late:ErrNotPrimary');
  });
});

describe('revoke', () => {
  it('deletes the attached keys in byte order in one transaction', () => {
    const { lessor, put, txns, store, events } = setup();
    lessor.grant(1, 10);
    put('b', 1);
    put('a', 1);
    put('\u{10000}', 1);
    put('\uffff', 1);
    put('other', 1);
    lessor.detach(1, ['other']);
    lessor.revoke(1);
    expect(txns).toEqual([['a', 'b', '\uffff', '\u{10000}']]);
    expect(store.has('a')).toBe(false);
    expect(lessor.getLease('a')).toBe(0);
    expect(lessor.lookup(1)).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ kind: 'lease-revoked', id: 1, keys: ['a', 'b', '\uffff', '\u{10000}'] });
  });

  it('forgets key bindings even if the store does not detach', () => {
    const { lessor } = setup({ rangeDeleter: () => ({ deleteRange: () => {}, end: () => {} }) });
    lessor.grant(1, 10);
    lessor.attach(1, ['k']);
    lessor.revoke(1);
    expect(lessor.getLease('k')).toBe(0);
  });

  it('fails with ErrLeaseNotFound for an unknown lease', () => {
    const { lessor } = setup();
    expect(thrown(() => lessor.revoke(9)).name).toBe('ErrLeaseNotFound');
  });
});

describe('attach / detach', () => {
  it('binds keys to a lease, a key to one lease at a time', () => {
    const { lessor } = setup();
    lessor.grant(1, 10);
    lessor.grant(2, 10);
    lessor.attach(1, ['x', 'y']);
    expect(lessor.getLease('x')).toBe(1);
    expect(lessor.lookup(1)?.keys).toEqual(['x', 'y']);
    lessor.detach(1, ['x']);
    lessor.attach(2, ['x']);
    expect(lessor.getLease('x')).toBe(2);
    expect(lessor.lookup(1)?.keys).toEqual(['y']);
    expect(thrown(() => lessor.attach(3, ['z'])).name).toBe('ErrLeaseNotFound');
    expect(thrown(() => lessor.detach(3, ['z'])).name).toBe('ErrLeaseNotFound');
  });
});

describe('leader change', () => {
  it('demote sets every expiry to forever; promote restarts them at now + extend + TTL', () => {
    const { lessor, clock, events } = setup();
    lessor.promote(1000);
    lessor.grant(1, 10); // expires at 11 s
    clock.t = 8000;
    lessor.demote();
    expect(lessor.isPrimary()).toBe(false);
    expect(lessor.lookup(1)?.expiry).toBe(Infinity);
    clock.t = 20_000;
    expect(lessor.runLoopOnce()).toEqual([]);
    lessor.promote(1000);
    expect(lessor.lookup(1)?.expiry).toBe(20_000 + 1000 + 10_000);
    expect(events.map((e) => e.kind)).toContain('lessor-demoted');
  });

  it('a follower lease granted with expiry forever starts counting at promote', () => {
    const { lessor, clock } = setup();
    lessor.grant(1, 5);
    clock.t = 3000;
    lessor.promote(1000);
    clock.t = 8999;
    expect(lessor.runLoopOnce()).toEqual([]);
    clock.t = 9000;
    expect(lessor.runLoopOnce()).toEqual([1]);
  });

  it('spreads expiries when 1000 or more leases would expire together', () => {
    const { lessor, events } = setup();
    for (let id = 1; id <= 2000; id++) lessor.grant(id, 10);
    lessor.promote(1000);
    const expiries = lessor.leases().map((l) => l.expiry);
    expect(expiries[0]).toBe(11_000);
    expect(expiries[749]).toBe(11_000);
    expect(expiries[750]).toBe(12_001);
    expect(expiries[1999]).toBeLessThan(14_000);
    // No one-second window holds more than 750 expiries.
    for (let i = 0, j = 0; i < expiries.length; i++) {
      while (j < expiries.length && expiries[j] < expiries[i] + 1000) j++;
      expect(j - i).toBeLessThanOrEqual(750);
    }
    expect(events.at(-1)).toMatchObject({ kind: 'lessor-promoted', leases: 2000, staggered: 1250 });
  });

  it('does not spread fewer than 1000 leases', () => {
    const { lessor } = setup();
    for (let id = 1; id <= 999; id++) lessor.grant(id, 10);
    lessor.promote(1000);
    expect(new Set(lessor.leases().map((l) => l.expiry))).toEqual(new Set([11_000]));
  });
});

describe('checkpointing', () => {
  function withCheckpoints(over: Partial<LessorConfig> = {}) {
    const proposed: LeaseCheckpoint[][] = [];
    const env = setup({ checkpointer: (cps) => proposed.push(cps), ...over });
    return { ...env, proposed };
  }

  it('proposes the remaining TTL every interval; promote then counts from it', () => {
    const { lessor, clock, proposed } = withCheckpoints();
    lessor.promote(0);
    lessor.grant(1, 3600);
    lessor.grant(2, 300); // not longer than the interval: never checkpointed
    clock.t = 299_999;
    lessor.runLoopOnce();
    expect(proposed).toEqual([]);
    clock.t = 300_000;
    lessor.runLoopOnce();
    expect(proposed).toEqual([[{ id: 1, remainingTTL: 3300 }]]);
    lessor.checkpoint(1, 3300); // the proposal applies
    expect(lessor.snapshot().leases).toEqual([
      { id: 1, ttl: 3600, remainingTTL: 3300 },
      { id: 2, ttl: 300, remainingTTL: 0 },
    ]);
    clock.t = 400_000;
    lessor.demote();
    lessor.promote(1000);
    expect(lessor.lookup(1)?.expiry).toBe(400_000 + 1000 + 3_300_000);
  });

  it('renew clears a set checkpoint and counts from the full TTL', () => {
    const { lessor, clock, proposed } = withCheckpoints();
    lessor.grant(1, 3600);
    lessor.checkpoint(1, 100);
    lessor.promote(0);
    expect(lessor.lookup(1)?.expiry).toBe(100_000);
    clock.t = 1000;
    expect(lessor.renew(1)).toEqual({ kind: 'renewed', ttl: 3600 });
    expect(proposed).toEqual([[{ id: 1, remainingTTL: 0 }]]);
    expect(lessor.lookup(1)?.expiry).toBe(3_601_000);
  });

  it('keeps the checkpoint in memory only when persistence is off', () => {
    const { lessor } = withCheckpoints({ checkpointPersist: () => false });
    lessor.grant(1, 3600);
    lessor.checkpoint(1, 1000);
    expect(lessor.lookup(1)?.remainingTTL).toBe(1000);
    expect(lessor.snapshot().leases[0].remainingTTL).toBe(0);
  });

  it('without a checkpointer, nothing is proposed and promote uses the full TTL', () => {
    const { lessor, clock, events } = setup();
    lessor.promote(0);
    lessor.grant(1, 3600);
    clock.t = 600_000;
    lessor.runLoopOnce();
    expect(events.some((e) => e.kind === 'lease-checkpoint-proposed')).toBe(false);
    lessor.demote();
    lessor.promote(1000);
    expect(lessor.lookup(1)?.expiry).toBe(600_000 + 1000 + 3_600_000);
  });

  it('ignores a checkpoint for an unknown lease', () => {
    const { lessor, events } = withCheckpoints();
    lessor.checkpoint(5, 10);
    expect(events).toEqual([]);
  });
});

describe('leases, snapshot and restore', () => {
  it('lists leases soonest expiry first', () => {
    const { lessor } = setup();
    lessor.promote(0);
    lessor.grant(1, 30);
    lessor.grant(2, 10);
    lessor.grant(3, 20);
    expect(lessor.leases().map((l) => l.id)).toEqual([2, 3, 1]);
  });

  it('round-trips through a plain snapshot; restored leases wait for promote', () => {
    const a = setup();
    a.lessor.promote(0);
    a.lessor.grant(5, 10);
    a.lessor.grant(3, 20);
    a.lessor.attach(3, ['k']);
    const snap = JSON.parse(JSON.stringify(a.lessor.snapshot()));
    expect(snap).toEqual({ leases: [ { id: 3, ttl: 20, remainingTTL: 0 }, { id: 5, ttl: 10, remainingTTL: 0 } ] });

    const b = setup({ minLeaseTTL: 15 });
    b.lessor.restore(snap);
    expect(b.lessor.lookup(5)).toMatchObject({ ttl: 15, expiry: Infinity, keys: [] });
    expect(b.lessor.getLease('k')).toBe(0);
    b.clock.t = 1000;
    b.lessor.promote(1000);
    expect(b.lessor.lookup(3)?.expiry).toBe(22_000);
  });

  it('rejects a malformed snapshot with a clear error', () => {
    const { lessor } = setup();
    expect(() => lessor.restore({ leases: [{ id: 'x', ttl: 1 }] })).toThrow(/lessor: invalid snapshot/);
    expect(() =>
      lessor.restore({ leases: [ { id: 1, ttl: 5, remainingTTL: 0 }, { id: 1, ttl: 5, remainingTTL: 0 } ] }),
    ).toThrow(/twice/);
  });
});

describe('determinism', () => {
  it('the same inputs give the same events', () => {
    const run = () => {
      const { lessor, clock, events, put } = setup({ checkpointer: () => {} });
      lessor.promote(1000);
      for (let id = 1; id <= 20; id++) lessor.grant(id * 7919, (id % 5) * 100);
      put('k', 7919);
      for (clock.t = 0; clock.t <= 600_000; clock.t += 500) for (const id of lessor.runLoopOnce()) lessor.revoke(id);
      return JSON.stringify(events);
    };
    expect(run()).toBe(run());
  });
});
