// A small spf13/pflag: typed flags with defaults, shorthands, `--name=value`, `--name
// value`, `-abc`, `--` and interspersed arguments, with pflag's exact error texts, which
// cobra prints as etcdctl's usage errors.

import { formatDuration, parseDuration } from './go-format';

export type FlagType = 'bool' | 'string' | 'int64' | 'uint64' | 'duration' | 'stringSlice';

export type FlagValue = boolean | string | number | string[];

export interface FlagDef {
  name: string;
  shorthand?: string;
  type: FlagType;
  /** Default value; its text form is what the usage shows. */
  def: FlagValue;
  usage: string;
}

export class FlagError extends Error {}

/** strconv.ParseInt(s, 0, 64) / ParseUint: Go's base prefixes and its error texts. */
export function parseGoInt(s: string, base: 0 | 10 | 16, unsigned: boolean): number {
  const fn = unsigned ? 'strconv.ParseUint' : 'strconv.ParseInt';
  const syntax = () => new FlagError(`${fn}: parsing ${goQuote(s)}: invalid syntax`);
  let body = s;
  let neg = false;
  if (!unsigned && (body.startsWith('-') || body.startsWith('+'))) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  let radix: number = base;
  if (base === 0) {
    radix = 10;
    const p = body.slice(0, 2).toLowerCase();
    if (p === '0x') [radix, body] = [16, body.slice(2)];
    else if (p === '0o') [radix, body] = [8, body.slice(2)];
    else if (p === '0b') [radix, body] = [2, body.slice(2)];
    else if (body.length > 1 && body[0] === '0') [radix, body] = [8, body.slice(1)];
  }
  const digits = '0123456789abcdef'.slice(0, radix);
  if (body === '' || [...body.toLowerCase()].some((c) => !digits.includes(c))) throw syntax();
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const v = BigInt(prefix + body) * (neg ? -1n : 1n);
  const max = unsigned ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  const min = unsigned ? 0n : -(2n ** 63n);
  if (v > max || v < min) throw new FlagError(`${fn}: parsing ${goQuote(s)}: value out of range`);
  return Number(v);
}

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new FlagError(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** Go's %q (strconv.Quote): backslash escapes for quotes, backslashes and control bytes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch in GO_ESCAPES) out += GO_ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The default as pflag's usage shows it. */
export function defaultText(f: FlagDef): string {
  switch (f.type) {
    case 'stringSlice':
      return `[${(f.def as string[]).join(',')}]`;
    case 'duration':
      return formatDuration(f.def as number);
    default:
      return String(f.def);
  }
}

export interface ParsedFlags {
  values: Map<string, FlagValue>;
  /** Names of the flags given on the command line. */
  changed: Set<string>;
  args: string[];
}

function convert(f: FlagDef, raw: string, previous: FlagValue, changed: boolean): FlagValue {
  switch (f.type) {
    case 'bool':
      return parseGoBool(raw);
    case 'string':
      return raw;
    case 'int64':
      return parseGoInt(raw, 0, false);
    case 'uint64':
      return parseGoInt(raw, 0, true);
    case 'duration':
      return parseDuration(raw);
    case 'stringSlice': {
      // The first --x replaces the default; later ones append (pflag's stringSlice).
      const items = raw === '' ? [] : raw.split(',');
      return changed ? [...(previous as string[]), ...items] : items;
    }
  }
}

/** Parses `args` against `defs` (local and inherited flags). Throws FlagError. */
export function parseFlags(defs: readonly FlagDef[], args: readonly string[]): ParsedFlags {
  const values = new Map<string, FlagValue>(defs.map((f) => [f.name, f.def]));
  const changed = new Set<string>();
  const positional: string[] = [];
  const set = (f: FlagDef, raw: string, shown: string) => {
    try {
      values.set(f.name, convert(f, raw, values.get(f.name) ?? f.def, changed.has(f.name)));
    } catch (err) {
      throw new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(shown)} flag: ${(err as Error).message}`);
    }
    changed.add(f.name);
  };
  const shownName = (f: FlagDef) => (f.shorthand === undefined ? `--${f.name}` : `-${f.shorthand}, --${f.name}`);

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = defs.find((d) => d.name === name);
      if (f === undefined) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) set(f, a.slice(eq + 1), shownName(f));
      else if (f.type === 'bool') set(f, 'true', shownName(f));
      else if (i + 1 < args.length) set(f, args[++i], shownName(f));
      else throw new FlagError(`flag needs an argument: ${a}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const f = defs.find((d) => d.shorthand === c);
        if (f === undefined) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        const rest = a.slice(j + 1);
        if (rest.startsWith('=')) {
          set(f, rest.slice(1), shownName(f));
          break;
        }
        if (f.type === 'bool') {
          set(f, 'true', shownName(f));
          continue;
        }
        if (rest !== '') set(f, rest, shownName(f));
        else if (i + 1 < args.length) set(f, args[++i], shownName(f));
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { values, changed, args: positional };
}

/** Typed access to parsed flag values. */
export class Flags {
  constructor(private readonly parsed: ParsedFlags) {}

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }
  string(name: string): string {
    return this.get(name) as string;
  }
  int(name: string): number {
    return this.get(name) as number;
  }
  strings(name: string): string[] {
    return this.get(name) as string[];
  }
  changed(name: string): boolean {
    return this.parsed.changed.has(name);
  }

  private get(name: string): FlagValue {
    const v = this.parsed.values.get(name);
    if (v === undefined) throw new Error(`etcdctl: flag --${name} is not defined for this command`);
    return v;
  }
}
