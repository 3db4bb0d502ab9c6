// Stable hashing for determinism checks: canonical JSON (sorted keys, no undefined)
// fed to a 64-bit FNV-1a computed as two 32-bit halves (no BigInt on the hot path).

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function hashString32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Incremental 64-bit FNV-1a over UTF-16 code units; `digest()` gives 16 hex digits. */
export class Hasher64 {
  // The 64-bit state as high and low 32-bit words.
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  update(s: string): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      lo = (lo ^ s.charCodeAt(i)) >>> 0;
      // Multiply by the FNV 64-bit prime 0x100000001b3 = 2^40 + 0x1b3.
      const loMul = lo * 0x1b3;
      const carry = Math.floor(loMul / 0x100000000);
      const newLo = loMul >>> 0;
      hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
      lo = newLo;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  digest(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/**
 * JSON with object keys sorted, so equal values always serialize the same way.
 * Uint8Array values become {"$bytes": "<hex>"}; undefined fields are omitted.
 */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (value instanceof Uint8Array) return `{"$bytes":"${toHex(value)}"}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(obj[k])}`).join(',')}}`;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}
