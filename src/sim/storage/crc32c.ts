// CRC-32C (Castagnoli), the checksum of etcd's WAL and snapshot files, with Go's
// crc32.Update semantics: crc32c(b, crc32c(a)) === crc32c(a ++ b), which is what
// the WAL's running CRC chain relies on (spec server.md §5.2). Slicing-by-8.

const POLY = 0x82f63b78; // Castagnoli, reversed

const T = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 8; k++) {
    const prev = T[(k - 1) * 256 + n];
    T[k * 256 + n] = (prev >>> 8) ^ T[prev & 0xff];
  }
}

/** Continues `crc` (0 to start) over `data` and returns the new unsigned 32-bit value. */
export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      T[1792 + (a & 0xff)] ^
      T[1536 + ((a >>> 8) & 0xff)] ^
      T[1280 + ((a >>> 16) & 0xff)] ^
      T[1024 + (a >>> 24)] ^
      T[768 + data[i + 4]] ^
      T[512 + data[i + 5]] ^
      T[256 + data[i + 6]] ^
      T[data[i + 7]];
  }
  for (; i < n; i++) c = T[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
