/**
 * A fixed-size set of small integers (operation ids within one partition), as
 * Porcupine's bitset: the checker clones it on every step and keys its cache on
 * it, so it is a flat word array with a cheap hash.
 */
export class Bitset {
  private constructor(private readonly words: Uint32Array) {}

  static empty(size: number): Bitset {
    return new Bitset(new Uint32Array(Math.ceil(size / 32)));
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  clear(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
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
    const word = i >>> 5;
    for (let w = 0; w < a.length; w++) if ((w === word ? (a[w] | (1 << (i & 31))) >>> 0 : a[w]) !== b[w]) return false;
    return true;
  }

  /** A 32-bit hash of this set with i added; equal sets hash equally. */
  hashWith(i: number): number {
    const word = i >>> 5;
    let h = 0x811c9dc5;
    for (let w = 0; w < this.words.length; w++) {
      h = Math.imul(h ^ (w === word ? this.words[w] | (1 << (i & 31)) : this.words[w]), 0x01000193);
    }
    return h >>> 0;
  }
}
