// A binary min-heap of scheduled callbacks ordered by (time, seq). The sequence number
// is assigned at scheduling, so two events due at the same virtual instant always fire
// in the order they were scheduled, whatever the JavaScript engine does.

export interface Timer {
  readonly time: number;
  readonly seq: number;
  /** What the timer is for; shown when inspecting the queue. */
  readonly label: string;
  cancelled: boolean;
  fn: (arg: never) => void;
  /** Passed to fn, so hot paths can schedule a shared function instead of a new closure. */
  arg: unknown;
}

/** A queued timer; a posted one (no handle given out) is recycled once it fired. */
interface Slot extends Timer {
  time: number;
  seq: number;
  label: string;
  posted: boolean;
}

export class EventQueue {
  // The heap as parallel arrays: sifting compares the typed array of times and reads a
  // timer's seq only when two times tie (rare: mostly events posted for the same instant).
  private times = new Float64Array(1024);
  private readonly timers: Slot[] = [];
  /** Fired posted timers, for reuse. */
  private readonly free: Slot[] = [];
  private nextSeq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push<A>(time: number, fn: (arg: A) => void, label: string, arg?: A): Timer {
    const timer: Slot = { time, seq: 0, label, cancelled: false, fn: fn as (arg: never) => void, arg, posted: false };
    this.insert(timer);
    return timer;
  }

  /** Like push, without a handle to cancel it: the timer is reused after it fired (see recycle). */
  post<A>(time: number, fn: (arg: A) => void, label: string, arg: A): void {
    const timer = this.free.pop();
    if (timer === undefined) {
      this.insert({ time, seq: 0, label, cancelled: false, fn: fn as (arg: never) => void, arg, posted: true });
      return;
    }
    timer.time = time;
    timer.label = label;
    timer.cancelled = false;
    timer.fn = fn as (arg: never) => void;
    timer.arg = arg;
    this.insert(timer);
  }

  /** Takes back a timer pop() returned, once its callback ran: posted ones are reused. */
  recycle(timer: Timer): void {
    const slot = timer as Slot;
    if (!slot.posted) return;
    slot.arg = undefined;
    this.free.push(slot);
  }

  private insert(timer: Slot): void {
    const time = timer.time;
    const seq = this.nextSeq++;
    timer.seq = seq;
    const { timers } = this;
    let i = timers.length;
    // One spare entry past the last: removeTop puts a sentinel there.
    if (i + 1 === this.times.length) this.grow();
    const { times } = this;
    timers.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && timers[parent].seq < seq)) break;
      times[i] = pt;
      timers[i] = timers[parent];
      i = parent;
    }
    times[i] = time;
    timers[i] = timer;
    this.live++;
  }

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** The earliest live timer, without removing it. */
  peek(): Timer | undefined {
    this.dropCancelled();
    return this.timers[0];
  }

  /** Time of the earliest live timer (Infinity when none): the run loops' test, without touching a timer. */
  nextTime(): number {
    this.dropCancelled();
    return this.timers.length === 0 ? Infinity : this.times[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    this.dropCancelled();
    return this.timers.length === 0 ? undefined : this.take();
  }

  /** pop() right after peek() or nextTime() found a live timer: no cancelled ones to drop first. */
  take(): Timer {
    const top = this.timers[0];
    this.removeTop();
    this.live--;
    // A fired timer counts as cancelled so a late cancel() is a harmless no-op.
    top.cancelled = true;
    return top;
  }

  /** Live timers in firing order (for inspection; O(n log n)). */
  pending(): Timer[] {
    return this.timers.filter((t) => !t.cancelled).sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  private dropCancelled(): void {
    while (this.timers.length > 0 && this.timers[0].cancelled) this.removeTop();
  }

  private removeTop(): void {
    const { times, timers } = this;
    const last = timers.pop() as Slot;
    const n = timers.length;
    if (n === 0) return;
    const time = times[n];
    // The sentinel makes a missing right child lose, so every level has two children to compare.
    times[n] = Infinity;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const tl = times[l];
      const tr = times[l + 1];
      // Which child is earlier decides as often one way as the other: computed without a
      // branch the CPU would mispredict half the time (a comparison is 0 or 1).
      let c = l + +(tr < tl);
      if (tr === tl && l + 1 < n && timers[l + 1].seq < timers[l].seq) c = l + 1;
      const ct = times[c];
      if (ct > time || (ct === time && timers[c].seq > last.seq)) break;
      times[i] = ct;
      timers[i] = timers[c];
      i = c;
    }
    times[i] = time;
    timers[i] = last;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }
}
