// etcdctl watch (ctlv3/command/watch_command.go). A watch prints events until it is
// interrupted (Ctrl-C: no further output) or the server cancels it, when etcdctl
// reports "watch is canceled by the server" and exits 5.

import type { EtcdctlBackend } from '../../backend';
import type { Command, Invocation } from '../../cobra';
import { Flags, parseFlags } from '../../flags';
import type { FlagDef } from '../../flags';
import { Exit, ExitBadArgs, ExitInterrupted, ExitInvalidInput } from '../../io';
import type { WatchCreateRequest } from '../../../mvcc/rpc';
import { withPrefixOrFromKey } from './get-command';
import { display, mustClientFromCmd } from './global';
import type { Printer } from './printer';
import { argify } from './util';

/** Exit status of a process ended by SIGINT, as a shell reports it. */
export const INTERRUPTED_STATUS = 130;

/** A compacted watch carries its reason as the error clientv3's WatchResponse.Err gives. */
function cancelReason(compactRevision: number, reason: string): string {
  if (compactRevision !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  return reason === '' ? 'etcdserver: watch canceled' : reason;
}

const watchFlags: FlagDef[] = [
  { name: 'interactive', shorthand: 'i', type: 'bool', def: false, usage: 'Interactive mode' },
  { name: 'prefix', type: 'bool', def: false, usage: 'Watch on a prefix if prefix is set' },
  { name: 'rev', type: 'int64', def: 0, usage: 'Revision to start watching' },
  { name: 'prev-kv', type: 'bool', def: false, usage: 'get the previous key-value pair before the event happens' },
];

/** getWatchChan's options: a key, an optional range end (a third argument is ignored). */
function watchRequest(args: string[], flags: Flags): WatchCreateRequest {
  if (args.length < 1) throw new Exit(ExitBadArgs, 'bad number of arguments');
  const req: WatchCreateRequest = { key: args[0], startRevision: flags.int('rev') };
  if (args.length === 2) {
    if (flags.bool('prefix')) throw new Exit(ExitBadArgs, '`range_end` and `--prefix` are mutually exclusive');
    req.rangeEnd = args[1];
  }
  if (flags.bool('prefix')) withPrefixOrFromKey(req, false);
  if (flags.bool('prev-kv')) req.prevKv = true;
  return req;
}

/** printWatchCh: prints responses until the server ends the watch ('closed') or Ctrl-C. */
function printWatch(inv: Invocation, printer: Printer, c: EtcdctlBackend, req: WatchCreateRequest): Promise<'interrupted' | 'closed'> {
  return new Promise((resolve) => {
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
}

/**
 * watch -i: each line of standard input is `watch [options] <key> [range_end]`, started in
 * the background; the command runs until Ctrl-C or the end of its input.
 */
async function watchInteractive(inv: Invocation, printer: Printer, c: EtcdctlBackend): Promise<void> {
  for (;;) {
    const line = await Promise.race([inv.stdin.readLine(), new Promise<null>((r) => inv.interrupt.onInterrupt(() => r(null)))]);
    if (line === null) throw new Exit(INTERRUPTED_STATUS);
    if (line === undefined) throw new Exit(ExitInvalidInput, 'Error reading watch request line: EOF');
    const args = argify(line);
    if (args.length < 1) inv.io.err(`Invalid command: ${line} (watch and progress supported)\n`);
    else if (args[0] !== 'watch') inv.io.err(`Invalid command ${line} (only support watch)\n`);
    else if (args.length < 2) inv.io.err(`Invalid command ${line} (command type or key is not provided)\n`);
    else {
      let parsed;
      try {
        parsed = parseFlags(watchFlags, args.slice(1));
      } catch (err) {
        throw new Exit(ExitBadArgs, (err as Error).message);
      }
      let req: WatchCreateRequest;
      try {
        req = watchRequest(parsed.args, new Flags(parsed));
      } catch (err) {
        inv.io.err(`Invalid command ${line} (${(err as Error).message})\n`);
        continue;
      }
      void printWatch(inv, printer, c, req);
    }
  }
}

export const watchCommand: Command = {
  use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
  short: 'Watches events stream on keys or prefixes',
  flags: watchFlags,
  run: async (inv) => {
    const printer = display(inv);
    if (inv.flags.bool('interactive')) return watchInteractive(inv, printer, await mustClientFromCmd(inv));
    const req = watchRequest(inv.args, inv.flags);
    const c = await mustClientFromCmd(inv);
    if ((await printWatch(inv, printer, c, req)) === 'interrupted') throw new Exit(INTERRUPTED_STATUS);
    throw new Exit(ExitInterrupted, 'watch is canceled by the server');
  },
};
