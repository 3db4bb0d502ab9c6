// Three members' lessors fed the same applied entries, as the server will feed them: only
// the leader's lessor finds expired leases, and a lease's keys vanish everywhere only when
// the revoke it proposed is applied (spec server.md §8.4-§8.6).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeaseID } from './lease';
import { LESSOR_LOOP_INTERVAL_MS, Lessor } from './lessor';
import type { LeaseCheckpoint } from './lessor';

type Entry =
  | { op: 'grant'; id: LeaseID; ttl: number }
  | { op: 'revoke'; id: LeaseID }
  | { op: 'checkpoint'; cps: LeaseCheckpoint[] }
  | { op: 'put'; key: string; lease: LeaseID };

function cluster(checkpointing: boolean) {
  const clock = { t: 0 };
  const stores = [0, 1, 2].map(() => new Map<string, LeaseID>());
  const proposals: Entry[] = [];
  const lessors = stores.map(
    (store) =>
      new Lessor({
        now: () => clock.t,
        minLeaseTTL: 2,
        rangeDeleter: () => ({ deleteRange: (key) => store.delete(key), end: () => {} }),
        checkpointer: checkpointing ? (cps) => proposals.push({ op: 'checkpoint', cps }) : undefined,
      }),
  );
  let leader = 0;
  // Commit and apply on every member, in log order.
  const apply = (e: Entry) =>
    lessors.forEach((l, i) => {
      if (e.op === 'grant') l.grant(e.id, e.ttl);
      else if (e.op === 'revoke') l.revoke(e.id);
      else if (e.op === 'checkpoint') for (const cp of e.cps) l.checkpoint(cp.id, cp.remainingTTL);
      else {
        stores[i].set(e.key, e.lease);
        l.attach(e.lease, [e.key]);
      }
    });
  const elect = (next: number) => {
    lessors[leader].demote();
    leader = next;
    lessors[leader].promote(1000); // on applying the new term's empty entry, extend = election timeout
  };
  // Advance the clock in lessor-loop steps; the leader's expired leases become revoke proposals.
  const runUntil = (t: number) => {
    while (clock.t < t) {
      clock.t = Math.min(t, clock.t + LESSOR_LOOP_INTERVAL_MS);
      for (const id of lessors[leader].runLoopOnce()) proposals.push({ op: 'revoke', id });
      for (const e of proposals.splice(0)) apply(e);
    }
  };
  lessors[leader].promote(1000);
  return { clock, stores, lessors, apply, elect, runUntil };
}

describe('lessors across a leader change', () => {
  it('only the leader expires a lease; its revoke removes the keys on every member', () => {
    const c = cluster(false);
    c.apply({ op: 'grant', id: 1, ttl: 10 });
    c.apply({ op: 'put', key: 'k', lease: 1 });
    c.runUntil(4000);
    c.elect(1); // the old leader stops, the new one counts the full TTL again from now + 1 s
    expect(c.lessors[1].lookup(1)?.expiry).toBe(15_000);
    c.runUntil(14_500);
    expect(c.stores.map((s) => s.has('k'))).toEqual([true, true, true]);
    c.runUntil(15_000);
    expect(c.stores.map((s) => s.has('k'))).toEqual([false, false, false]);
    expect(c.lessors.map((l) => l.lookup(1))).toEqual([undefined, undefined, undefined]);
  });

  it('with checkpointing, the new leader counts from the checkpointed remaining TTL', () => {
    const c = cluster(true);
    c.apply({ op: 'grant', id: 1, ttl: 600 });
    c.runUntil(300_000); // the leader checkpoints 300 s remaining, applied everywhere
    expect(c.lessors.map((l) => l.lookup(1)?.remainingTTL)).toEqual([300, 300, 300]);
    c.runUntil(400_000);
    c.elect(2);
    expect(c.lessors[2].lookup(1)?.expiry).toBe(400_000 + 1000 + 300_000);
  });

  it('without checkpointing, the same leader change restores the full TTL', () => {
    const c = cluster(false);
    c.apply({ op: 'grant', id: 1, ttl: 600 });
    c.runUntil(400_000);
    c.elect(2);
    expect(c.lessors[2].lookup(1)?.expiry).toBe(400_000 + 1000 + 600_000);
  });
});

describe('expiry property', () => {
  it('the primary never hands out a lease before its TTL has run since the last grant or renew', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('grant' as const), id: fc.integer({ min: 1, max: 5 }), ttl: fc.integer({ min: -1, max: 8 }) }),
            fc.record({ op: fc.constant('renew' as const), id: fc.integer({ min: 1, max: 5 }) }),
            fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 4000 }) }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const clock = { t: 0 };
          const lessor = new Lessor({
            now: () => clock.t,
            minLeaseTTL: 2,
            rangeDeleter: () => ({ deleteRange: () => {}, end: () => {} }),
          });
          lessor.promote(0);
          const since = new Map<LeaseID, { at: number; ttl: number }>();
          for (const step of steps) {
            if (step.op === 'grant' && lessor.lookup(step.id) === undefined) {
              since.set(step.id, { at: clock.t, ttl: lessor.grant(step.id, step.ttl).ttl });
            } else if (step.op === 'renew' && lessor.lookup(step.id) !== undefined) {
              const r = lessor.renew(step.id);
              if (r.kind === 'renewed') since.set(step.id, { at: clock.t, ttl: r.ttl });
            } else if (step.op === 'wait') {
              clock.t += step.ms;
              for (const id of lessor.runLoopOnce()) {
                const s = since.get(id);
                expect(s).toBeDefined();
                expect(clock.t).toBeGreaterThanOrEqual((s?.at ?? 0) + (s?.ttl ?? 0) * 1000);
                lessor.revoke(id);
              }
            }
          }
        },
      ),
    );
  });
});
