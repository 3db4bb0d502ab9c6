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
  /** Its index in EventQueue.slots; a posted timer keeps it for good. */
  id: number;
}

export class EventQueue {
  // The heap as parallel typed arrays: each entry's time, and the index of its timer in
  // `slots`. Sifting moves numbers only: moving the timers themselves in an array cost a
  // GC write barrier per move (a call into the collector when the timer is young).
  // A timer's seq is read only when two times tie (rare: mostly events posted for the same instant).
  private times = new Float64Array(1024);
  private refs = new Int32Array(1024);
  private count = 0;
  private readonly slots: (Slot | undefined)[] = [];
  /** Indexes in `slots` of fired or dropped handle timers, for reuse. */
  private readonly freeIds: number[] = [];
  /** Fired posted timers, for reuse. */
  private readonly free: Slot[] = [];
  private nextSeq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push<A>(time: number, fn: (arg: A) => void, label: string, arg?: A): Timer {
    const id = this.freeIds.length > 0 ? (this.freeIds.pop() as number) : this.slots.push(undefined) - 1;
    const timer: Slot = { time, seq: 0, label, cancelled: false, fn: fn as (arg: never) => void, arg, posted: false, id };
    this.slots[id] = timer;
    this.insert(timer);
    return timer;
  }

  /** Like push, without a handle to cancel it: the timer is reused after it fired (see recycle). */
  post<A>(time: number, fn: (arg: A) => void, label: string, arg: A): void {
    const timer = this.free.pop();
    if (timer === undefined) {
      const slot: Slot = { time, seq: 0, label, cancelled: false, fn: fn as (arg: never) => void, arg, posted: true, id: this.slots.length };
      this.slots.push(slot);
      this.insert(slot);
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
    let i = this.count++;
    // One spare entry past the last: removeTop puts a sentinel there.
    if (i + 1 === this.times.length) this.grow();
    const { times, refs, slots } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && (slots[refs[parent]] as Slot).seq < seq)) break;
      times[i] = pt;
      refs[i] = refs[parent];
      i = parent;
    }
    times[i] = time;
    refs[i] = timer.id;
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
    return this.count === 0 ? undefined : this.slots[this.refs[0]];
  }

  /** Time of the earliest live timer (Infinity when none): the run loops' test, without touching a timer. */
  nextTime(): number {
    this.dropCancelled();
    return this.count === 0 ? Infinity : this.times[0];
  }

  /** Whether a live timer is due at or before `time` (one at Infinity never is, as with nextTime()). */
  dueBy(time: number): boolean {
    this.dropCancelled();
    if (this.count === 0) return false;
    const t = this.times[0];
    return t <= time && t !== Infinity;
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    this.dropCancelled();
    return this.count === 0 ? undefined : this.take();
  }

  /** pop() right after peek() or nextTime() found a live timer: no cancelled ones to drop first. */
  take(): Timer {
    const top = this.removeTop();
    this.live--;
    // A fired timer counts as cancelled so a late cancel() is a harmless no-op.
    top.cancelled = true;
    return top;
  }

  /** Live timers in firing order (for inspection; O(n log n)). */
  pending(): Timer[] {
    const out: Timer[] = [];
    for (let i = 0; i < this.count; i++) {
      const t = this.slots[this.refs[i]] as Slot;
      if (!t.cancelled) out.push(t);
    }
    return out.sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  private dropCancelled(): void {
    while (this.count > 0 && (this.slots[this.refs[0]] as Slot).cancelled) this.removeTop();
  }

  /** Removes the top of the heap and returns its timer; a handle timer's index is free again. */
  private removeTop(): Slot {
    const { times, refs, slots } = this;
    const top = slots[refs[0]] as Slot;
    if (!top.posted) {
      slots[top.id] = undefined;
      this.freeIds.push(top.id);
    }
    const n = --this.count;
    if (n === 0) return top;
    const time = times[n];
    const ref = refs[n];
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
      if (tr === tl && l + 1 < n && (slots[refs[l + 1]] as Slot).seq < (slots[refs[l]] as Slot).seq) c = l + 1;
      const ct = times[c];
      if (ct > time || (ct === time && (slots[refs[c]] as Slot).seq > (slots[ref] as Slot).seq)) break;
      times[i] = ct;
      refs[i] = refs[c];
      i = c;
    }
    times[i] = time;
    refs[i] = ref;
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const refs = new Int32Array(this.refs.length * 2);
    refs.set(this.refs);
    this.refs = refs;
  }
}
