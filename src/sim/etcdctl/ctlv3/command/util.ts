// Helpers shared by etcdctl's commands (ctlv3/command/util.go).

import { Exit, ExitInvalidInput } from '../../io';

/** strconv.Unquote for a double-quoted Go string literal, or undefined when malformed. */
export function unquote(s: string): string | undefined {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return undefined;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
  let out = '';
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c === '"') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e in escapes) out += escapes[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if ((e === 'u' || e === 'U') && /^[0-9a-fA-F]+$/.test(s.slice(i + 1, i + (e === 'u' ? 5 : 9)))) {
      const n = e === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(s.slice(i + 1, i + 1 + n), 16));
      i += n;
    } else return undefined;
  }
  return out;
}

/** argify: words of a txn request line; "double" and 'single' quotes group. */
export function argify(line: string): string[] {
  const words = line.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g) ?? [];
  return words.map((w) => {
    if (w[0] === "'") return w.slice(1, -1);
    if (w[0] !== '"') return w;
    const u = unquote(w);
    if (u === undefined) throw new Exit(ExitInvalidInput, 'unexpected EOF');
    return u;
  });
}
