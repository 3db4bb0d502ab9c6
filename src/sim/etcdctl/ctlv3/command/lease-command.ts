// etcdctl lease grant / revoke / timetolive / list / keep-alive (ctlv3/command/lease_command.go).

import type { Command } from '../../cobra';
import { parseGoInt } from '../../flags';
import { leaseHex } from '../../go-format';
import { Exit, ExitBadArgs, ExitBadConnection, ExitError } from '../../io';
import { call, display, mustClientFromCmd } from './global';
import { SimplePrinter } from './printer-simple';
import { INTERRUPTED_STATUS } from './watch-command';

function leaseFromArgs(arg: string): number {
  try {
    return parseGoInt(arg, 16, false);
  } catch (err) {
    throw new Exit(ExitBadArgs, `bad lease ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

/** A failed RPC, wrapped the way the command words it. */
async function wrapped<T>(p: Promise<T>, words: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new Exit(ExitError, `${words} (${(err as Error).message})`);
  }
}

const grant: Command = {
  use: 'grant <ttl>',
  short: 'Creates leases',
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'lease grant command needs TTL argument');
    let ttl: number;
    try {
      ttl = parseGoInt(inv.args[0], 10, false);
    } catch (err) {
      throw new Exit(ExitBadArgs, `bad TTL (${(err as Error).message})`);
    }
    const c = await mustClientFromCmd(inv);
    const resp = await wrapped(c.leaseGrant(ttl), 'failed to grant lease');
    display(inv).grant(resp);
  },
};

const revoke: Command = {
  use: 'revoke <leaseID>',
  short: 'Revokes leases',
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'lease revoke command needs 1 argument');
    const id = leaseFromArgs(inv.args[0]);
    const c = await mustClientFromCmd(inv);
    const resp = await wrapped(c.leaseRevoke(id), 'failed to revoke lease');
    display(inv).revoke(id, resp);
  },
};

const timetolive: Command = {
  use: 'timetolive <leaseID> [options]',
  short: 'Get lease information',
  flags: [{ name: 'keys', type: 'bool', def: false, usage: 'Get keys attached to this lease' }],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'lease timetolive command needs lease ID as argument');
    const id = leaseFromArgs(inv.args[0]);
    const c = await mustClientFromCmd(inv);
    const keys = inv.flags.bool('keys');
    const resp = await call(c.leaseTimeToLive(id, keys));
    display(inv).timeToLive(resp, keys);
  },
};

const list: Command = {
  use: 'list',
  short: 'List all active leases',
  run: async (inv) => {
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.leaseLeases());
    display(inv).leases(resp);
  },
};

const keepAlive: Command = {
  use: 'keep-alive [options] <leaseID>',
  short: 'Keeps leases alive (renew)',
  flags: [{ name: 'once', type: 'bool', def: false, usage: 'Resets the keep-alive time to its original value and exits immediately' }],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'lease keep-alive command needs lease ID as argument');
    const id = leaseFromArgs(inv.args[0]);
    const printer = display(inv);
    const c = await mustClientFromCmd(inv);
    if (inv.flags.bool('once')) {
      let resp;
      try {
        resp = await c.leaseKeepAliveOnce(id);
      } catch (err) {
        throw new Exit(ExitBadConnection, (err as Error).message);
      }
      printer.keepAlive(resp);
      return;
    }
    const ended = await new Promise<'interrupted' | 'closed'>((resolve) => {
      const handle = c.leaseKeepAlive(id, { onResponse: (r) => printer.keepAlive(r), onClose: () => resolve('closed') });
      inv.interrupt.onInterrupt(() => {
        resolve('interrupted'); // before close() reports the channel closed
        handle.close();
      });
    });
    if (ended === 'interrupted') throw new Exit(INTERRUPTED_STATUS);
    if (printer instanceof SimplePrinter) inv.io.println(`lease ${leaseHex(id)} expired or revoked.`);
  },
};

export const leaseCommand: Command = {
  use: 'lease <subcommand>',
  short: 'Lease related commands',
  commands: [grant, revoke, timetolive, list, keepAlive],
};
