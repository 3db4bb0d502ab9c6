// encoding/json as etcdctl's JSON printer uses it: Go field order, omitempty, byte slices
// as base64, HTML-safe string escapes, and int64s as plain numbers.

export type Json = string | number | boolean | null | Json[] | { [field: string]: Json | undefined };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const encoder = new TextEncoder();

/** The bytes of a key or value (strings hold UTF-8 text, as in the rest of the simulator). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A []byte field: base64 of the UTF-8 bytes. */
export function base64(s: string): string {
  const bytes = utf8Bytes(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += b === undefined ? '=' : B64[(n >> 6) & 63];
    out += c === undefined ? '=' : B64[n & 63];
  }
  return out;
}

/** Drops the zero-valued fields (`json:",omitempty"`). */
export function omitEmpty(fields: Record<string, Json | undefined>): Record<string, Json | undefined> {
  const out: Record<string, Json | undefined> = {};
  for (const [k, v] of Object.entries(fields)) {
    const empty = v === undefined || v === null || v === 0 || v === '' || v === false || (Array.isArray(v) && v.length === 0);
    if (!empty) out[k] = v;
  }
  return out;
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c < 0xe000) out += '\ufffd'; // a lone surrogate is invalid UTF-8
    else out += ch;
  }
  return `${out}"`;
}

/** json.Marshal. Fields whose value is undefined are left out. */
export function marshal(v: Json | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(marshal).join(',')}]`;
  const fields = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{${fields.map(([k, x]) => `${quote(k)}:${marshal(x)}`).join(',')}}`;
}
