import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeaseExpiredNotifier, LeaseQueue } from './lease-queue';

describe('LeaseQueue', () => {
  it('pops in time order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), (times) => {
        const q = new LeaseQueue();
        times.forEach((time, id) => q.push({ id, time, index: -1 }));
        const popped: number[] = [];
        for (let item = q.pop(); item !== undefined; item = q.pop()) popped.push(item.time);
        expect(popped).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });

  it('keeps duplicate entries for one lease (the checkpoint schedule allows them)', () => {
    const q = new LeaseQueue();
    q.push({ id: 1, time: 5, index: -1 });
    q.push({ id: 1, time: 3, index: -1 });
    expect(q.length).toBe(2);
    expect(q.pop()?.time).toBe(3);
  });
});

describe('LeaseExpiredNotifier', () => {
  it('holds one entry per lease and re-sorts on update', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 1000 }))),
        (updates) => {
          const n = new LeaseExpiredNotifier();
          const latest = new Map<number, number>();
          for (const [id, time] of updates) {
            n.registerOrUpdate(id, time);
            latest.set(id, time);
          }
          expect(n.length).toBe(latest.size);
          const popped: number[] = [];
          for (let item = n.peek(); item !== undefined; item = n.peek()) {
            expect(item.time).toBe(latest.get(item.id));
            popped.push(item.time);
            n.unregister();
          }
          expect(popped).toEqual([...latest.values()].sort((a, b) => a - b));
        },
      ),
    );
  });
});
