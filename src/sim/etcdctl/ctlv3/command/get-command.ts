// etcdctl get (ctlv3/command/get_command.go).

import type { Command } from '../../cobra';
import { goQuote } from '../../flags';
import type { Flags } from '../../flags';
import { Exit, ExitBadArgs, ExitBadFeature } from '../../io';
import { FROM_KEY, getPrefixRangeEnd } from '../../../mvcc/bytes';
import { SortOrder, SortTarget } from '../../../mvcc/rpc';
import type { RangeRequest } from '../../../mvcc/rpc';
import { call, display, mustClientFromCmd } from './global';

const SORT_TARGETS: Record<string, SortTarget> = {
  CREATE: SortTarget.CREATE,
  KEY: SortTarget.KEY,
  MODIFY: SortTarget.MOD,
  VALUE: SortTarget.VALUE,
  VERSION: SortTarget.VERSION,
};

/** getGetOp: the request for `get` and for a txn's get lines, with clientv3's op options applied. */
export function getGetOp(args: string[], flags: Flags): RangeRequest {
  if (args.length === 0) throw new Exit(ExitBadArgs, 'get command needs one argument as key and an optional argument as range_end');
  const prefix = flags.bool('prefix');
  const fromKey = flags.bool('from-key');
  if (prefix && fromKey) throw new Exit(ExitBadArgs, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const req: RangeRequest = { key: args[0] };
  const consistency = flags.string('consistency');
  if (consistency === 's') req.serializable = true;
  else if (consistency !== 'l') throw new Exit(ExitBadFeature, `unknown consistency flag ${goQuote(consistency)}`);
  if (args.length > 1) {
    if (prefix || fromKey) throw new Exit(ExitBadArgs, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = args[1];
  }
  req.limit = flags.int('limit');
  if (flags.int('rev') > 0) req.revision = flags.int('rev');

  const order = flags.string('order').toUpperCase();
  let sortOrder = SortOrder.NONE;
  if (order === 'ASCEND') sortOrder = SortOrder.ASCEND;
  else if (order === 'DESCEND') sortOrder = SortOrder.DESCEND;
  else if (order !== '') throw new Exit(ExitBadFeature, `bad sort order ${flags.string('order')}`);
  const target = flags.string('sort-by').toUpperCase();
  const sortTarget = target === '' ? SortTarget.KEY : SORT_TARGETS[target];
  if (sortTarget === undefined) throw new Exit(ExitBadFeature, `bad sort target ${flags.string('sort-by')}`);
  // clientv3.WithSort: keys already come in ascending key order.
  req.sortTarget = sortTarget;
  req.sortOrder = sortTarget === SortTarget.KEY && sortOrder === SortOrder.ASCEND ? SortOrder.NONE : sortOrder;

  if (prefix) withPrefixOrFromKey(req, false);
  if (fromKey) withPrefixOrFromKey(req, true);
  // --count-only arrived in etcdctl 3.5 (3.4 answers "unknown flag").
  if (flags.bool('keys-only') && flags.bool('count-only')) {
    throw new Exit(ExitBadArgs, '`--keys-only` and `--count-only` cannot be set at the same time, choose one');
  }
  if (flags.bool('keys-only')) req.keysOnly = true;
  if (flags.bool('count-only')) req.countOnly = true;
  return req;
}

/** clientv3.WithPrefix / WithFromKey; an empty key means every key (etcdctl passes "\0"). */
export function withPrefixOrFromKey(req: { key: string; rangeEnd?: string }, fromKey: boolean): void {
  if (req.key === '') {
    req.key = FROM_KEY;
    req.rangeEnd = FROM_KEY;
  } else req.rangeEnd = fromKey ? FROM_KEY : getPrefixRangeEnd(req.key);
}

export const getCommand: Command = {
  use: 'get [options] <key> [range_end]',
  short: 'Gets the key or a range of keys',
  flags: [
    { name: 'consistency', type: 'string', def: 'l', usage: 'Linearizable(l) or Serializable(s)' },
    { name: 'order', type: 'string', def: '', usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
    { name: 'sort-by', type: 'string', def: '', usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
    { name: 'limit', type: 'int64', def: 0, usage: 'Maximum number of results' },
    { name: 'prefix', type: 'bool', def: false, usage: 'Get keys with matching prefix' },
    { name: 'from-key', type: 'bool', def: false, usage: 'Get keys that are greater than or equal to the given key using byte compare' },
    { name: 'rev', type: 'int64', def: 0, usage: 'Specify the kv revision' },
    { name: 'keys-only', type: 'bool', def: false, usage: 'Get only the keys' },
    { name: 'count-only', type: 'bool', def: false, usage: 'Get only the count' },
    { name: 'print-value-only', type: 'bool', def: false, usage: 'Only write values when using the "simple" output format' },
  ],
  run: async (inv) => {
    const req = getGetOp(inv.args, inv.flags);
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.get(req));
    const valueOnly = inv.flags.bool('print-value-only');
    // Checked after the request, as etcdctl does.
    if (inv.flags.bool('count-only') && inv.flags.string('write-out') !== 'fields') {
      throw new Exit(ExitBadArgs, '--count-only is only for `--write-out=fields`');
    }
    if (valueOnly && inv.flags.string('write-out') !== 'simple') {
      throw new Exit(ExitBadArgs, 'print-value-only is only for `--write-out=simple`');
    }
    display(inv, valueOnly).get(resp);
  },
};
