// The console's commands: the etcdctl subset the world's `request` input can carry, turned
// into that input. Words are split as a shell does; errors read as etcdctl's. When the
// world accepts whole etcdctl command lines, the console sends those instead.

import { splitCommandLine, ShellSyntaxError } from '../../sim/etcdctl/shell';
import type { RequestOp } from '../../sim/world/requests';

export type ParsedCommand = { ok: true; op: RequestOp } | { ok: false; error: string };

const fail = (error: string): ParsedCommand => ({ ok: false, error: `Error: ${error}` });

/** Flags given as --name=value or --name (true); the rest are arguments. */
function splitFlags(words: string[]): { args: string[]; flags: Map<string, string> } {
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (const w of words) {
    if (!w.startsWith('--')) args.push(w);
    else {
      const eq = w.indexOf('=');
      flags.set(eq < 0 ? w.slice(2) : w.slice(2, eq), eq < 0 ? 'true' : w.slice(eq + 1));
    }
  }
  return { args, flags };
}

export function parseConsoleLine(line: string): ParsedCommand {
  let words: string[];
  try {
    words = splitCommandLine(line);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
  if (words[0] === 'etcdctl') words = words.slice(1);
  const [command = '', ...rest] = words;
  const { args, flags } = splitFlags(rest);
  switch (command) {
    case 'put': {
      if (args.length !== 2) return fail('put command needs 1 argument and input from stdin or 2 arguments');
      const lease = flags.get('lease');
      if (lease !== undefined && !/^[0-9a-f]+$/i.test(lease)) return fail(`bad lease ID (${lease}), expecting ID in Hex`);
      return { ok: true, op: { op: 'put', key: args[0], value: args[1], ...(lease === undefined ? {} : { lease: parseInt(lease, 16) }) } };
    }
    case 'get':
      if (args.length !== 1) return fail('get command needs one argument as key and an optional argument as range_end');
      return { ok: true, op: { op: 'get', key: args[0], serializable: flags.get('consistency') === 's' } };
    case 'del':
      if (args.length !== 1) return fail('del command needs one argument as key and an optional argument as range_end');
      return { ok: true, op: { op: 'delete', key: args[0] } };
    case 'lease': {
      if (args[0] !== 'grant') return fail(`unknown command "lease ${args[0] ?? ''}" (this console knows: lease grant TTL)`);
      const ttl = Number(args[1]);
      if (args.length !== 2) return fail('lease grant command needs TTL argument');
      if (!Number.isInteger(ttl) || ttl < 1) return fail(`bad TTL (strconv.ParseInt: parsing "${args[1]}": invalid syntax)`);
      // ID 0 lets the server choose, as etcdctl does.
      return { ok: true, op: { op: 'lease-grant', ttl, id: 0 } };
    }
    case 'member':
      if (args[0] === 'list') return { ok: true, op: { op: 'member-list' } };
      if (args[0] === 'add') {
        const urls = flags.get('peer-urls');
        if (args.length !== 2) return fail('member name not provided');
        if (urls === undefined) return fail('member peer urls not provided');
        return { ok: true, op: { op: 'member-add', peerURLs: urls.split(','), learner: flags.get('learner') === 'true' } };
      }
      return fail(`unknown command "member ${args[0] ?? ''}" (this console knows: member list, member add)`);
    case '':
      return fail('no command given');
    default:
      return fail(`unknown command "${command}" for "etcdctl"`);
  }
}
