// etcdctl txn (ctlv3/command/txn_command.go): compares, then success requests, then
// failure requests, read from standard input, each list ended by an empty line.

import type { Command, Invocation } from '../../cobra';
import { FlagError, Flags, goQuote, parseFlags, parseGoInt } from '../../flags';
import { Exit, ExitBadArgs, ExitInvalidInput, Panic } from '../../io';
import { CompareResult, CompareTarget } from '../../../mvcc/rpc';
import type { Compare, RequestOp } from '../../../mvcc/rpc';
import { delCommand, getDelOp } from './del-command';
import { getCommand, getGetOp } from './get-command';
import { call, display, mustClientFromCmd } from './global';
import { argify, unquote } from './util';
import { getPutOp, putCommand } from './put-command';

const RESULTS: Record<string, CompareResult> = {
  '=': CompareResult.EQUAL,
  '!=': CompareResult.NOT_EQUAL,
  '>': CompareResult.GREATER,
  '<': CompareResult.LESS,
};

/** fmt.Sscanf(s, "%q) %s %q"): the operands scanned before the first mismatch. */
function scanCompare(s: string): string[] {
  const got: string[] = [];
  let rest = s.replace(/^\s+/, '');
  const quoted = /^"(?:[^"\\]|\\.)*"|^`[^`]*`/.exec(rest);
  if (quoted === null) return got;
  const key = quoted[0][0] === '`' ? quoted[0].slice(1, -1) : unquote(quoted[0]);
  if (key === undefined) return got;
  got.push(key);
  rest = rest.slice(quoted[0].length);
  if (!rest.startsWith(')')) return got;
  rest = rest.slice(1).replace(/^\s+/, '');
  const op = /^\S+/.exec(rest);
  if (op === null) return got;
  got.push(op[0]);
  rest = rest.slice(op[0].length).replace(/^\s+/, '');
  const val = /^"(?:[^"\\]|\\.)*"|^`[^`]*`/.exec(rest);
  const v = val === null ? undefined : val[0][0] === '`' ? val[0].slice(1, -1) : unquote(val[0]);
  if (v !== undefined) got.push(v);
  return got;
}

/** ParseCompare: `<target>("<key>") <op> "<value>"`. */
function parseCompare(line: string): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) throw new Exit(ExitInvalidInput, `malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  const [key = '', op = '', val = ''] = scanCompare(line.slice(paren + 1));
  if (scanCompare(line.slice(paren + 1)).length !== 3) {
    throw new Exit(ExitInvalidInput, `malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`);
  }
  const result = RESULTS[op];
  const int = (base: 10 | 16) => {
    try {
      return parseGoInt(val, base, false);
    } catch {
      throw new Exit(ExitInvalidInput, `invalid txn compare request: ${line}`);
    }
  };
  let cmp: Compare;
  switch (target) {
    case 'ver':
    case 'version':
      cmp = { key, target: CompareTarget.VERSION, result, version: int(10) };
      break;
    case 'c':
    case 'create':
      cmp = { key, target: CompareTarget.CREATE, result, createRevision: int(10) };
      break;
    case 'm':
    case 'mod':
      cmp = { key, target: CompareTarget.MOD, result, modRevision: int(10) };
      break;
    case 'val':
    case 'value':
      cmp = { key, target: CompareTarget.VALUE, result, value: val };
      break;
    case 'lease':
      // 3.5+: a hexadecimal lease ID (etcdctl 3.4 panics on every lease compare).
      cmp = { key, target: CompareTarget.LEASE, result, lease: int(16) };
      break;
    default:
      throw new Exit(ExitInvalidInput, `malformed comparison: ${line} (unknown target ${target})`);
  }
  if (result === undefined) throw new Panic('Unknown result op'); // clientv3.Compare panics
  return cmp;
}

const opCommands = [putCommand, getCommand, delCommand];

/**
 * parseRequestUnion: a put, get or del line, parsed with that command's own flags. (A put
 * without a value would read the rest of the txn's input in etcdctl; here it has none.)
 */
function parseRequestUnion(line: string): RequestOp {
  const args = argify(line);
  if (args.length < 2) throw new Exit(ExitInvalidInput, `invalid txn compare request: ${line}`);
  const invalid = () => new Exit(ExitInvalidInput, `invalid txn request: ${line}`);
  const cmd = opCommands.find((c) => c.use.split(' ')[0] === args[0]);
  if (cmd === undefined) throw invalid();
  let flags: Flags;
  let rest: string[];
  try {
    const parsed = parseFlags(cmd.flags ?? [], args.slice(1));
    flags = new Flags(parsed);
    rest = parsed.args;
  } catch (err) {
    if (err instanceof FlagError) throw invalid();
    throw err;
  }
  if (cmd === putCommand) return { requestPut: getPutOp(rest, flags, '') };
  if (cmd === getCommand) return { requestRange: getGetOp(rest, flags) };
  return { requestDeleteRange: getDelOp(rest, flags) };
}

/** One list: lines up to an empty one; end of input is an error (bufio's EOF). */
async function readList<T>(inv: Invocation, parse: (line: string) => T): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const raw = await inv.stdin.readLine();
    if (raw === undefined) throw new Exit(ExitInvalidInput, 'EOF');
    const line = raw.trim();
    if (line === '') return items;
    items.push(parse(line));
  }
}

export const txnCommand: Command = {
  use: 'txn [options]',
  short: 'Txn processes all the requests in one transaction',
  flags: [{ name: 'interactive', shorthand: 'i', type: 'bool', def: false, usage: 'Input transaction in interactive mode' }],
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'txn command does not accept argument');
    const c = await mustClientFromCmd(inv);
    const prompt = (s: string) => {
      if (inv.flags.bool('interactive')) inv.io.println(s);
    };
    prompt('compares:');
    const compare = await readList(inv, parseCompare);
    prompt('success requests (get, put, del):');
    const success = await readList(inv, parseRequestUnion);
    prompt('failure requests (get, put, del):');
    const failure = await readList(inv, parseRequestUnion);
    const resp = await call(c.txn({ compare, success, failure }));
    display(inv).txn(resp);
  },
};
