// Min-heaps of (lease, time) ordered by time (etcd server/lease/lease_queue.go): the
// expiry notifier, one entry per lease, and the checkpoint schedule, which may hold a
// lease more than once. The operations follow Go's container/heap, so equal times pop
// in the same order as in etcd.

import type { LeaseID } from './lease';

export interface LeaseWithTime {
  id: LeaseID;
  /** Virtual ms: an expiry or a checkpoint due time. */
  time: number;
  /** Position in the heap, kept up to date by the queue. */
  index: number;
}

export class LeaseQueue {
  private readonly items: LeaseWithTime[] = [];

  get length(): number {
    return this.items.length;
  }

  peek(): LeaseWithTime | undefined {
    return this.items[0];
  }

  push(item: LeaseWithTime): void {
    item.index = this.items.length;
    this.items.push(item);
    this.up(item.index);
  }

  pop(): LeaseWithTime | undefined {
    const n = this.items.length - 1;
    if (n < 0) return undefined;
    this.swap(0, n);
    this.down(0, n);
    const item = this.items.pop() as LeaseWithTime;
    item.index = -1;
    return item;
  }

  /** Restores heap order after items[i].time changed. */
  fix(i: number): void {
    if (!this.down(i, this.items.length)) this.up(i);
  }

  private less(i: number, j: number): boolean {
    return this.items[i].time < this.items[j].time;
  }

  private swap(i: number, j: number): void {
    const a = this.items[i];
    const b = this.items[j];
    this.items[i] = b;
    this.items[j] = a;
    b.index = i;
    a.index = j;
  }

  private up(j: number): void {
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (i === j || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(j2, j1)) j = j2;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
}

/** The expiry heap with at most one entry per lease (etcd LeaseExpiredNotifier). */
export class LeaseExpiredNotifier {
  private readonly byId = new Map<LeaseID, LeaseWithTime>();
  private readonly queue = new LeaseQueue();

  get length(): number {
    return this.queue.length;
  }

  registerOrUpdate(id: LeaseID, time: number): void {
    const old = this.byId.get(id);
    if (old !== undefined) {
      old.time = time;
      this.queue.fix(old.index);
      return;
    }
    const item = { id, time, index: -1 };
    this.queue.push(item);
    this.byId.set(id, item);
  }

  /** Removes the earliest entry. */
  unregister(): void {
    const item = this.queue.pop();
    if (item !== undefined) this.byId.delete(item.id);
  }

  peek(): LeaseWithTime | undefined {
    return this.queue.peek();
  }
}
