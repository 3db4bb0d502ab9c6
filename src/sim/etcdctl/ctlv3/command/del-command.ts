// etcdctl del (ctlv3/command/del_command.go).

import type { Command } from '../../cobra';
import type { Flags } from '../../flags';
import { Exit, ExitBadArgs } from '../../io';
import type { DeleteRangeRequest } from '../../../mvcc/rpc';
import { withPrefixOrFromKey } from './get-command';
import { call, display, mustClientFromCmd } from './global';

/** getDelOp: the request for `del` and for a txn's del lines. */
export function getDelOp(args: string[], flags: Flags): DeleteRangeRequest {
  if (args.length === 0 || args.length > 2) {
    throw new Exit(ExitBadArgs, 'del command needs one argument as key and an optional argument as range_end');
  }
  const prefix = flags.bool('prefix');
  const fromKey = flags.bool('from-key');
  if (prefix && fromKey) throw new Exit(ExitBadArgs, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const req: DeleteRangeRequest = { key: args[0] };
  if (args.length > 1) {
    if (prefix || fromKey) throw new Exit(ExitBadArgs, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = args[1];
  }
  if (prefix) withPrefixOrFromKey(req, false);
  if (flags.bool('prev-kv')) req.prevKv = true;
  if (fromKey) withPrefixOrFromKey(req, true);
  return req;
}

export const delCommand: Command = {
  use: 'del [options] <key> [range_end]',
  short: 'Removes the specified key or range of keys [key, range_end)',
  flags: [
    { name: 'prefix', type: 'bool', def: false, usage: 'delete keys with matching prefix' },
    { name: 'prev-kv', type: 'bool', def: false, usage: 'return deleted key-value pairs' },
    { name: 'from-key', type: 'bool', def: false, usage: 'delete keys that are greater than or equal to the given key using byte compare' },
  ],
  run: async (inv) => {
    const req = getDelOp(inv.args, inv.flags);
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.delete(req));
    display(inv).del(resp);
  },
};
