// A parser for cockroachdb/datadriven test files (spec §13.1): blocks of a command line,
// optional input lines, `----`, the expected output, and a blank line.

export interface CmdArg {
  key: string;
  vals: string[];
}

export interface TestCase {
  /** 1-based line of the command in the file. */
  line: number;
  cmd: string;
  args: CmdArg[];
  input: string;
  expected: string;
  /** The block's text before the expected output (kept to rebuild the file). */
  header: string;
}

/** Splits `cmd a key=v key=(v1,v2)` into the command and its arguments. */
export function parseLine(line: string): { cmd: string; args: CmdArg[] } {
  const fields: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let depth = 0;
    while (i < line.length && (depth > 0 || !/\s/.test(line[i]))) {
      if (line[i] === '(') depth++;
      else if (line[i] === ')') depth--;
      i++;
    }
    fields.push(line.slice(start, i));
  }
  if (fields.length === 0) throw new Error(`empty command line`);
  const args = fields.slice(1).map((f): CmdArg => {
    const eq = f.indexOf('=');
    if (eq < 0) return { key: f, vals: [] };
    const key = f.slice(0, eq);
    let v = f.slice(eq + 1);
    if (v.startsWith('(')) {
      if (!v.endsWith(')')) throw new Error(`unbalanced parentheses in argument ${f}`);
      v = v.slice(1, -1);
      return { key, vals: v === '' ? [] : v.split(',').map((s) => s.trim()) };
    }
    return { key, vals: [v] };
  });
  return { cmd: fields[0], args };
}

/** Parses a whole file into test cases; throws with the line number on malformed input. */
export function parseFile(text: string): TestCase[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const headerStart = i;
    // Skip blank lines and comments between blocks.
    while (i < lines.length && (lines[i].trim() === '' || lines[i].startsWith('#'))) i++;
    if (i >= lines.length) break;
    const cmdLine = i + 1;
    const { cmd, args } = parseLine(lines[i]);
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----') input.push(lines[i++]);
    if (i >= lines.length) throw new Error(`line ${cmdLine}: missing ---- separator`);
    i++;
    const expected: string[] = [];
    if (i < lines.length && lines[i] === '----') {
      // Double-separator form: output may contain blank lines, ends at `----\n----`.
      i++;
      while (i < lines.length && !(lines[i] === '----' && lines[i + 1] === '----')) expected.push(lines[i++]);
      if (i >= lines.length) throw new Error(`line ${cmdLine}: missing closing ----\\n----`);
      i += 2;
    } else {
      while (i < lines.length && lines[i] !== '') expected.push(lines[i++]);
    }
    cases.push({
      line: cmdLine,
      cmd,
      args,
      input: input.join('\n'),
      expected: expected.length === 0 ? '' : expected.join('\n') + '\n',
      header: lines.slice(headerStart, cmdLine).join('\n') + '\n' + input.map((l) => l + '\n').join('') + '----\n',
    });
  }
  return cases;
}

/** The argument's single value as an integer; throws on anything else. */
export function scanInt(arg: CmdArg, i = 0): number {
  const v = arg.vals[i];
  if (v === undefined || !/^-?[0-9]+$/.test(v)) throw new Error(`${arg.key}: expected an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function scanBool(arg: CmdArg, i = 0): boolean {
  const v = arg.vals[i];
  if (v === 'true' || v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'True') return true;
  if (v === 'false' || v === '0' || v === 'f' || v === 'F' || v === 'FALSE' || v === 'False') return false;
  throw new Error(`${arg.key}: expected a boolean, got ${JSON.stringify(v)}`);
}

/** A positional argument as an integer (e.g. a node id). */
export function keyAsInt(args: readonly CmdArg[], i: number): number {
  const a = args[i];
  if (a === undefined || !/^[0-9]+$/.test(a.key)) throw new Error(`argument ${i + 1}: expected an integer`);
  return Number(a.key);
}

/** The positional (valueless) arguments as node indexes (id - 1). */
export function nodeIdxs(args: readonly CmdArg[]): number[] {
  const out: number[] = [];
  args.forEach((a, i) => {
    if (a.vals.length === 0) out.push(keyAsInt(args, i) - 1);
  });
  return out;
}
