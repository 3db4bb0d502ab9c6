// etcdctl put (ctlv3/command/put_command.go).

import type { Command, Invocation } from '../../cobra';
import { parseGoInt } from '../../flags';
import type { Flags } from '../../flags';
import { Exit, ExitBadArgs } from '../../io';
import type { PutRequest } from '../../../mvcc/rpc';
import { call, display, mustClientFromCmd } from './global';

const NEEDS_ARGS = 'put command needs 1 argument and input from stdin or 2 arguments';

/** getPutOp: the request for `put` and for a txn's put lines; `stdin` is the input read for a missing value. */
export function getPutOp(args: string[], flags: Flags, stdin: string): PutRequest {
  if (args.length === 0) throw new Exit(ExitBadArgs, NEEDS_ARGS);
  const key = args[0];
  const ignoreValue = flags.bool('ignore-value');
  if (ignoreValue && args.length > 1) throw new Exit(ExitBadArgs, "put command needs only 1 argument when 'ignore-value' is set");
  let value = '';
  if (!ignoreValue) {
    // argOrStdin: the second argument, else all of standard input (empty = error).
    value = args.length > 1 ? args[1] : stdin;
    if (args.length < 2 && value === '') throw new Exit(ExitBadArgs, NEEDS_ARGS);
  }
  let lease: number;
  try {
    lease = parseGoInt(flags.string('lease'), 16, false);
  } catch (err) {
    throw new Exit(ExitBadArgs, `bad lease ID (${(err as Error).message}), expecting ID in Hex`);
  }
  const req: PutRequest = { key, value };
  if (lease !== 0) req.lease = lease;
  if (flags.bool('prev-kv')) req.prevKv = true;
  if (ignoreValue) req.ignoreValue = true;
  if (flags.bool('ignore-lease')) req.ignoreLease = true;
  return req;
}

/** All remaining standard input, as ioutil.ReadAll(os.Stdin). */
export async function readAllStdin(inv: Pick<Invocation, 'stdin'>): Promise<string> {
  let text = '';
  for (let line = await inv.stdin.readLine(); line !== undefined; line = await inv.stdin.readLine()) text += `${line}\n`;
  return text;
}

export const putCommand: Command = {
  use: 'put [options] <key> <value> (<value> can also be given from stdin)',
  short: 'Puts the given key into the store',
  long: `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`,
  flags: [
    { name: 'lease', type: 'string', def: '0', usage: 'lease ID (in hexadecimal) to attach to the key' },
    { name: 'prev-kv', type: 'bool', def: false, usage: 'return the previous key-value pair before modification' },
    { name: 'ignore-value', type: 'bool', def: false, usage: 'updates the key using its current value' },
    { name: 'ignore-lease', type: 'bool', def: false, usage: 'updates the key using its current lease' },
  ],
  run: async (inv) => {
    const needsStdin = inv.args.length === 1 && !inv.flags.bool('ignore-value');
    const req = getPutOp(inv.args, inv.flags, needsStdin ? await readAllStdin(inv) : '');
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.put(req));
    display(inv).put(resp);
  },
};
