/** 32-bit hashing helpers for model states (FNV-1a over strings, multiplicative mixing). */

export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function hashCombine(h: number, value: number): number {
  return Math.imul((h ^ value) >>> 0, 0x9e3779b1) >>> 0;
}

/** Hashes an integer or a fractional number; null (absent) hashes to its own value. */
export function hashNumber(n: number | null): number {
  if (n === null) return 0x7fffffff;
  return Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? n >>> 0 : hashString(String(n));
}
