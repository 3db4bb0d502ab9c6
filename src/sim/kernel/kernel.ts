// The simulation kernel: virtual time, the event queue, seeded random streams and the
// trace. Everything in a world happens inside a kernel callback; nothing reads a wall
// clock (DEVELOPERS.md rule 1).

import { EventQueue, type Timer } from './event-queue';
import { RandomStream } from './random';
import { Trace, type TraceEvent, type TraceLevel } from '../trace/trace';

export type { Timer } from './event-queue';

/** Raised when a synchronous run meets a real asynchronous write it must wait for. */
export class HoldPendingError extends Error {
  constructor(readonly time: number) {
    super(
      `the kernel must wait for a real storage write due at ${time} ms: ` +
        'run this world with the async methods (runUntilAsync / stepAsync)',
    );
  }
}

interface Hold {
  time: number;
  done: boolean;
  promise: Promise<void>;
}

export class Kernel {
  /** Virtual time in milliseconds. */
  now = 0;
  /** Events fired so far; with the seed and inputs, identifies a point of a run exactly. */
  fired = 0;
  readonly trace: Trace;
  private readonly queue = new EventQueue();
  private readonly streams = new Map<string, RandomStream>();
  private holds: Hold[] = [];

  constructor(
    readonly seed: number,
    traceLevel: TraceLevel = 'info',
  ) {
    this.trace = new Trace(() => this.now, traceLevel);
  }

  /** The random stream for a component; the same name always gets the same stream. */
  random(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = RandomStream.derive(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }

  /** Runs `fn` after `delayMs` of virtual time (0 = later in this instant). */
  schedule(delayMs: number, fn: () => void, label = ''): Timer {
    if (!(delayMs >= 0)) throw new RangeError(`schedule: delay must be >= 0 ms, got ${delayMs}`);
    return this.queue.push(this.now + delayMs, fn, label);
  }

  /** Runs `fn` at virtual time `time` (not earlier than now). */
  at(time: number, fn: () => void, label = ''): Timer {
    if (!(time >= this.now)) throw new RangeError(`at: time ${time} is in the past (now ${this.now})`);
    return this.queue.push(time, fn, label);
  }

  /**
   * Runs `fn(arg)` at `time`, for hot paths: one shared function instead of a closure per
   * call, and no Timer handle (it cannot be cancelled), so its timer is reused.
   */
  atWith<A>(time: number, fn: (arg: A) => void, arg: A, label = ''): void {
    if (!(time >= this.now)) throw new RangeError(`at: time ${time} is in the past (now ${this.now})`);
    this.queue.post(time, fn, label, arg);
  }

  cancel(timer: Timer): void {
    this.queue.cancel(timer);
  }

  get pendingCount(): number {
    return this.queue.size;
  }

  /** Whether an event is due at the current instant. */
  dueNow(): boolean {
    // Nothing is queued before now; dueBy answers without a time boxed as a heap number.
    return this.queue.dueBy(this.now);
  }

  /** Time of the next event, or undefined when nothing is scheduled. */
  nextTime(): number | undefined {
    return this.queue.peek()?.time;
  }

  /** Live timers in firing order, for inspection. */
  pending(): readonly Timer[] {
    return this.queue.pending();
  }

  /**
   * Declares that virtual time must not pass `time` before `promise` settles: a real
   * IndexedDB transaction backing a write that becomes durable at `time`.
   */
  hold(time: number, promise: Promise<void>): void {
    const h: Hold = { time, done: false, promise };
    h.promise = promise.then(
      () => {
        h.done = true;
      },
      () => {
        h.done = true;
      },
    );
    this.holds.push(h);
  }

  /** Fires the next event. Returns false when the queue is empty. */
  step(): boolean {
    if (this.holds.length > 0) {
      const next = this.queue.peek();
      if (next === undefined) return false;
      this.checkHolds(next.time);
    }
    if (this.queue.peek() === undefined) return false;
    this.fire();
    return true;
  }

  /** Fires every event due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    // dueBy answers with a boolean: a time handed back to this loop would be boxed as a heap number per event.
    while (this.queue.dueBy(time)) {
      if (this.holds.length > 0) this.checkHolds(this.queue.nextTime());
      this.fire();
    }
    this.checkHolds(time);
    if (time > this.now) this.now = time;
  }

  /** Fires events until `pred` holds or virtual time would pass `deadline`; returns whether it held. */
  runUntilTrue(pred: () => boolean, deadline: number): boolean {
    while (!pred()) {
      const next = this.queue.peek();
      if (next === undefined || next.time > deadline) {
        this.runUntil(deadline);
        return pred();
      }
      this.checkHolds(next.time);
      this.fire();
    }
    return true;
  }

  /**
   * Fires events until `predicate` holds for a newly traced event or virtual time would
   * pass `deadline`. Returns the matching event, or undefined at the deadline.
   */
  runUntilEvent(predicate: (e: TraceEvent) => boolean, deadline: number): TraceEvent | undefined {
    let found: TraceEvent | undefined;
    const off = this.trace.subscribe((e) => {
      if (found === undefined && predicate(e)) found = e;
    });
    try {
      while (found === undefined) {
        const next = this.queue.peek();
        if (next === undefined || next.time > deadline) {
          this.runUntil(deadline);
          break;
        }
        this.checkHolds(next.time);
        this.fire();
      }
    } finally {
      off();
    }
    return found;
  }

  /** Like step, waiting for real writes the next event depends on. */
  async stepAsync(): Promise<boolean> {
    const next = this.queue.peek();
    if (next === undefined) return false;
    await this.awaitHolds(next.time);
    return this.step();
  }

  /** Like runUntil, waiting for real writes on the way. */
  async runUntilAsync(time: number): Promise<void> {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.time > time) break;
      await this.awaitHolds(next.time);
      // Other code ran while it waited: the timer may have been cancelled since.
      if (this.queue.peek() === undefined) break;
      this.fire();
    }
    await this.awaitHolds(time);
    if (time > this.now) this.now = time;
  }

  /** Fires the earliest timer; every caller has just checked with peek() or nextTime() that there is one. */
  private fire(): void {
    const timer = this.queue.take();
    this.now = timer.time;
    this.fired++;
    (timer.fn as (arg: unknown) => void)(timer.arg);
    this.queue.recycle(timer);
  }

  private checkHolds(time: number): void {
    if (this.holds.length === 0) return;
    this.holds = this.holds.filter((h) => !h.done);
    for (const h of this.holds) if (h.time <= time) throw new HoldPendingError(h.time);
  }

  private async awaitHolds(time: number): Promise<void> {
    while (this.holds.length > 0) {
      this.holds = this.holds.filter((h) => !h.done);
      const due = this.holds.filter((h) => h.time <= time);
      if (due.length === 0) return;
      await Promise.all(due.map((h) => h.promise));
    }
  }
}
