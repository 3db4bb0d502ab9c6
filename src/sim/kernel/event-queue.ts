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

export class EventQueue {
  private heap: Timer[] = [];
  private nextSeq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push<A>(time: number, fn: (arg: A) => void, label: string, arg?: A): Timer {
    const timer: Timer = { time, seq: this.nextSeq++, label, cancelled: false, fn: fn as (arg: never) => void, arg };
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = timer;
    this.live++;
    return timer;
  }

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** The earliest live timer, without removing it. */
  peek(): Timer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.live--;
    // A fired timer counts as cancelled so a late cancel() is a harmless no-op.
    top.cancelled = true;
    return top;
  }

  /** Live timers in firing order (for inspection; O(n log n)). */
  pending(): Timer[] {
    return this.heap.filter((t) => !t.cancelled).sort((a, b) => (before(a, b) ? -1 : 1));
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.removeTop();
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop() as Timer;
    if (heap.length === 0) return;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r], heap[l]) ? r : l;
      if (!before(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
