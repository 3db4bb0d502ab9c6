/**
 * A fixed-size set of small integers (operation ids within one partition), as
 * Porcupine's bitset: the checker clones it on every step and keys its cache on
 * it, so it is a flat word array with a cheap hash. Words hold 30 bits so that
 * V8 keeps them small integers in a plain array, which is much cheaper to
 * allocate than a typed array.
 */
const BITS = 30;

export class Bitset {
  private constructor(private readonly words: number[]) {}

  static empty(size: number): Bitset {
    return new Bitset(new Array<number>(Math.ceil(size / BITS)).fill(0));
  }

  set(i: number): void {
    this.words[(i / BITS) | 0] |= 1 << i % BITS;
  }

  clear(i: number): void {
    this.words[(i / BITS) | 0] &= ~(1 << i % BITS);
  }

  /** A copy with i added. */
  with(i: number): Bitset {
    const copy = new Bitset(this.words.slice());
    copy.set(i);
    return copy;
  }

  /** Whether other equals this set with i added (without building it: the checker asks this on every step). */
  equalsWith(i: number, other: Bitset): boolean {
    const a = this.words;
    const b = other.words;
    const word = (i / BITS) | 0;
    const bit = 1 << i % BITS;
    for (let w = 0; w < a.length; w++) if ((w === word ? a[w] | bit : a[w]) !== b[w]) return false;
    return true;
  }

  /** A 32-bit hash of this set with i added; equal sets hash equally. */
  hashWith(i: number): number {
    const word = (i / BITS) | 0;
    const bit = 1 << i % BITS;
    let h = 0x811c9dc5;
    for (let w = 0; w < this.words.length; w++) h = Math.imul(h ^ (w === word ? this.words[w] | bit : this.words[w]), 0x01000193);
    return h >>> 0;
  }
}
