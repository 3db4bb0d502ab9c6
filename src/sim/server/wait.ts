// etcd's pkg/wait (spec server.md §2.9): the registry where a proposer waits for the
// result of its request, keyed by request ID, and WaitTime, where readers wait for the
// applied index to reach a value. Continuations instead of channels: the simulation runs
// every callback inside a kernel event.

export type Trigger<T> = (result: T) => void;

export class Wait<T> {
  private readonly waiters = new Map<number, Trigger<T>>();

  /** Registers `id`; a duplicate is a bug in the caller (etcd panics). */
  register(id: number, fn: Trigger<T>): void {
    if (this.waiters.has(id)) throw new Error(`dup id ${id.toString(16)}`);
    this.waiters.set(id, fn);
  }

  /** Delivers the result once and unregisters; false if nobody waited. */
  trigger(id: number, result: T): boolean {
    const fn = this.waiters.get(id);
    if (fn === undefined) return false;
    this.waiters.delete(id);
    fn(result);
    return true;
  }

  /** Forgets a waiter that gave up (etcd: Trigger(id, nil)). */
  cancel(id: number): void {
    this.waiters.delete(id);
  }

  isRegistered(id: number): boolean {
    return this.waiters.has(id);
  }

  get size(): number {
    return this.waiters.size;
  }

  /** Drops every waiter without calling it (the process died). */
  clear(): void {
    this.waiters.clear();
  }

  /** The server stops (etcd: close(s.stopping)): every waiter gets `result`. */
  stop(result: T): void {
    const fns = [...this.waiters.values()];
    this.waiters.clear();
    for (const fn of fns) fn(result);
  }
}

/** WaitTime over indexes: wait(d) fires once trigger(t) has been called with t >= d. */
export class WaitTime {
  private last = 0;
  // Waiters sorted by deadline index; most waits are for the newest index, so appends dominate.
  private waiters: { index: number; fn: () => void }[] = [];

  wait(index: number, fn: () => void): void {
    if (index <= this.last) {
      fn();
      return;
    }
    let i = this.waiters.length;
    while (i > 0 && this.waiters[i - 1].index > index) i--;
    this.waiters.splice(i, 0, { index, fn });
  }

  trigger(index: number): void {
    if (index > this.last) this.last = index;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n].index <= index) n++;
    if (n === 0) return;
    const due = this.waiters.splice(0, n);
    for (const w of due) w.fn();
  }

  clear(): void {
    this.waiters = [];
    this.last = 0;
  }
}
