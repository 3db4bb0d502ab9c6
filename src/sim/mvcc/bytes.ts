// Byte semantics for keys and values held as JavaScript strings.
//
// etcd keys and values are byte slices. The simulator keeps them as (Unicode) strings
// and preserves the byte behaviour that is observable:
// * ordering is the UTF-8 byte order, which equals Unicode code point order
//   (plain `<` on strings compares UTF-16 code units and would misplace
//   characters above U+FFFF relative to U+E000..U+FFFF);
// * sizes are UTF-8 byte lengths;
// * a range end of exactly "\0" means "every key >= key" (etcd's mkGteRange);
// * prefix range ends follow clientv3's GetPrefixRangeEnd, incrementing the last
//   code point that can be incremented (identical to etcd's byte rule for ASCII).

/** The range end that selects every key greater than or equal to the key. */
export const FROM_KEY = '\0';

/** Maps a UTF-16 code unit so that comparing mapped units gives code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800; // U+E000..U+FFFF sort below surrogate pairs
  if (unit >= 0xd800) return unit + 0x2000; // surrogates stand for code points >= U+10000
  return unit;
}

/** Compares two keys in UTF-8 byte order (bytes.Compare). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 || y < 0xd800) return x - y;
      return codePointRank(x) - codePointRank(y);
    }
  }
  return a.length - b.length;
}

/** Number of bytes of the UTF-8 encoding of s. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Calls sink with each byte of the UTF-8 encoding of s (lone surrogates become U+FFFD). */
export function forEachUtf8Byte(s: string, sink: (byte: number) => void): void {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x80) sink(c);
    else if (c < 0x800) {
      sink(0xc0 | (c >> 6));
      sink(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      sink(0xe0 | (c >> 12));
      sink(0x80 | ((c >> 6) & 0x3f));
      sink(0x80 | (c & 0x3f));
    } else {
      sink(0xf0 | (c >> 18));
      sink(0x80 | ((c >> 12) & 0x3f));
      sink(0x80 | ((c >> 6) & 0x3f));
      sink(0x80 | (c & 0x3f));
    }
  }
}

/**
 * The range end covering every key with the given prefix (clientv3 GetPrefixRangeEnd):
 * the prefix with its last incrementable code point incremented and the rest dropped;
 * "\0" (from-key) when nothing can be incremented (or the prefix is empty).
 */
export function getPrefixRangeEnd(prefix: string): string {
  const cps = Array.from(prefix);
  for (let i = cps.length - 1; i >= 0; i--) {
    const cp = cps[i].codePointAt(0) ?? 0;
    if (cp >= 0x10ffff) continue;
    const next = cp === 0xd7ff ? 0xe000 : cp + 1; // skip the surrogate block
    return cps.slice(0, i).join('') + String.fromCodePoint(next);
  }
  return FROM_KEY;
}
