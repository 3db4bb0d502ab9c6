// etcdctl watch (ctlv3/command/watch_command.go). A watch prints events until it is
// interrupted (Ctrl-C: no further output) or the server cancels it, when etcdctl
// reports "watch is canceled by the server" and exits 5.

import type { Command } from '../../cobra';
import { Exit, ExitBadArgs, ExitBadFeature, ExitInterrupted } from '../../io';
import type { WatchCreateRequest } from '../../../mvcc/rpc';
import { withPrefixOrFromKey } from './get-command';
import { display, mustClientFromCmd } from './global';

/** Exit status of a process ended by SIGINT, as a shell reports it. */
export const INTERRUPTED_STATUS = 130;

/** A compacted watch carries its reason as the error clientv3's WatchResponse.Err gives. */
function cancelReason(compactRevision: number, reason: string): string {
  if (compactRevision !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  return reason === '' ? 'etcdserver: watch canceled' : reason;
}

export const watchCommand: Command = {
  use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
  short: 'Watches events stream on keys or prefixes',
  flags: [
    { name: 'interactive', shorthand: 'i', type: 'bool', def: false, usage: 'Interactive mode' },
    { name: 'prefix', type: 'bool', def: false, usage: 'Watch on a prefix if prefix is set' },
    { name: 'rev', type: 'int64', def: 0, usage: 'Revision to start watching' },
    { name: 'prev-kv', type: 'bool', def: false, usage: 'get the previous key-value pair before the event happens' },
  ],
  run: async (inv) => {
    if (inv.flags.bool('interactive')) throw new Exit(ExitBadFeature, 'interactive watch is not supported by the simulator');
    const args = inv.args;
    if (args.length < 1 || args.length > 2) throw new Exit(ExitBadArgs, 'bad number of arguments');
    const printer = display(inv);
    const c = await mustClientFromCmd(inv);
    const req: WatchCreateRequest = { key: args[0], startRevision: inv.flags.int('rev') };
    if (args.length === 2) {
      if (inv.flags.bool('prefix')) throw new Exit(ExitBadArgs, '`range_end` and `--prefix` are mutually exclusive');
      req.rangeEnd = args[1];
    }
    if (inv.flags.bool('prefix')) withPrefixOrFromKey(req, false);
    if (inv.flags.bool('prev-kv')) req.prevKv = true;

    const ended = await new Promise<'interrupted' | 'closed'>((resolve) => {
      const handle = c.watch(req, {
        onResponse: (resp) => {
          if (resp.canceled) inv.io.err(`watch was canceled (${cancelReason(resp.compactRevision, resp.cancelReason)})\n`);
          printer.watch(resp);
        },
        onClose: () => resolve('closed'),
      });
      inv.interrupt.onInterrupt(() => {
        resolve('interrupted'); // before close() reports the channel closed
        handle.close();
      });
    });
    if (ended === 'interrupted') throw new Exit(INTERRUPTED_STATUS);
    throw new Exit(ExitInterrupted, 'watch is canceled by the server');
  },
};
