// The sliding window of in-flight MsgApps to one follower (tracker/inflights.go, spec §5.3):
// a ring buffer of (last index, payload bytes), bounded by count and (softly) by bytes.

export class Inflights {
  private start = 0;
  private cnt = 0;
  private bytes = 0;
  // Parallel ring buffers, grown lazily up to `size`.
  private index: number[] = [];
  private sizes: number[] = [];

  constructor(
    /** Capacity in messages (MaxInflightMsgs). */
    readonly size: number,
    /** Byte budget (MaxInflightBytes); 0 or Infinity = unlimited. */
    readonly maxBytes: number,
  ) {}

  clone(): Inflights {
    const c = new Inflights(this.size, this.maxBytes);
    c.start = this.start;
    c.cnt = this.cnt;
    c.bytes = this.bytes;
    c.index = this.index.slice();
    c.sizes = this.sizes.slice();
    return c;
  }

  /** Records a MsgApp whose last entry is `index` carrying `bytes` of payload. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('cannot add into a Full inflights');
    let next = this.start + this.cnt;
    if (next >= this.size) next -= this.size;
    if (next >= this.index.length) this.grow();
    this.index[next] = index;
    this.sizes[next] = bytes;
    this.cnt++;
    this.bytes += bytes;
  }

  // Doubles the buffer (capped at size). The ring never wraps before the buffer reached
  // full size, so existing slots keep their positions.
  private grow(): void {
    const newSize = Math.min(Math.max(this.index.length * 2, 1), this.size);
    for (let i = this.index.length; i < newSize; i++) {
      this.index.push(0);
      this.sizes.push(0);
    }
  }

  /** Frees every in-flight message with last index <= to. */
  freeLE(to: number): void {
    if (this.cnt === 0 || to < this.index[this.start]) return;
    let idx = this.start;
    let i = 0;
    let bytes = 0;
    for (; i < this.cnt; i++) {
      if (to < this.index[idx]) break;
      bytes += this.sizes[idx];
      if (++idx >= this.size) idx -= this.size;
    }
    this.cnt -= i;
    this.bytes -= bytes;
    this.start = idx;
    if (this.cnt === 0) this.start = 0;
  }

  full(): boolean {
    return this.cnt === this.size || (this.maxBytes !== 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.cnt;
  }

  reset(): void {
    this.start = 0;
    this.cnt = 0;
    this.bytes = 0;
  }
}
