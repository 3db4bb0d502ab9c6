// The few Go formatting rules etcdctl's output depends on: time.Duration's String and
// ParseDuration, go-humanize's Bytes, and %x of an unsigned 64-bit ID.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, returning milliseconds. Throws with Go's message. */
export function parseDuration(s: string): number {
  const invalid = () => new Error(`time: invalid duration "${s}"`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let ns = 0;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest);
    if (m === null || (m[1] === '' && (m[2] ?? '') === '')) throw invalid();
    rest = rest.slice(m[0].length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new Error(`time: missing unit in duration "${s}"`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${s}"`);
    rest = rest.slice(unit.length);
    ns += Number(`${m[1] === '' ? '0' : m[1]}.${m[2] ?? ''}0`) * scale;
  }
  return (sign * Math.round(ns)) / 1e6;
}

/** Fraction digits of `v / 10^prec`, without trailing zeros ("" when none). */
function fraction(v: number, prec: number): string {
  const digits = String(v % 10 ** prec).padStart(prec, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

/** time.Duration.String for a duration in (virtual) milliseconds. */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  const neg = ns < 0;
  if (neg) ns = -ns;
  let out: string;
  if (ns === 0) out = '0s';
  else if (ns < 1e3) out = `${ns}ns`;
  else if (ns < 1e6) out = `${Math.floor(ns / 1e3)}${fraction(ns, 3)}µs`;
  else if (ns < 1e9) out = `${Math.floor(ns / 1e6)}${fraction(ns, 6)}ms`;
  else {
    const h = Math.floor(ns / 3600e9);
    const m = Math.floor((ns % 3600e9) / 60e9);
    const secNs = ns % 60e9;
    const sec = `${Math.floor(secNs / 1e9)}${fraction(secNs, 9)}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

/** Go's %.Nf: round half to even on the decimal value (JavaScript's toFixed rounds half up). */
function fixed(v: number, digits: number): string {
  const scaled = v * 10 ** digits;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const n = diff > 0.5 || (diff === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return (n / 10 ** digits).toFixed(digits);
}

/** go-humanize Bytes: SI units ("20 kB"). */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let e = 0;
  while (e < sizes.length - 1 && n >= 1000 ** (e + 1)) e++;
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${fixed(val, val < 10 ? 1 : 0)} ${sizes[e]}`;
}

/** %x of a uint64 ID (types.ID's String too). */
export function hexID(id: number): string {
  return id < 0 ? (BigInt(id) + 2n ** 64n).toString(16) : id.toString(16);
}

/** %016x of a lease ID. */
export function leaseHex(id: number): string {
  return hexID(id).padStart(16, '0');
}

/** %16x: space-padded hex (member add/remove/update messages). */
export function memberHex(id: number): string {
  return hexID(id).padStart(16, ' ');
}
