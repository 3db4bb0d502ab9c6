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

const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * A string whose UTF-16 order is the UTF-8 byte order of s: s itself unless it holds code
 * units >= U+D800, which are remapped so that surrogate pairs (code points >= U+10000)
 * sort above U+E000..U+FFFF. Ordered structures store these and compare them natively.
 */
export function byteOrderKey(s: string): string {
  if (!HIGH_UNIT.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    out += String.fromCharCode(unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
  }
  return out;
}

/** Native comparison, for strings made by byteOrderKey. */
export function compareNative(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two keys in UTF-8 byte order (bytes.Compare). */
export function compareKeys(a: string, b: string): number {
  return a === b ? 0 : compareNative(byteOrderKey(a), byteOrderKey(b));
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
