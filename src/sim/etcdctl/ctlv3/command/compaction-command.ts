// etcdctl compaction (ctlv3/command/compaction_command.go).

import type { Command } from '../../cobra';
import { parseGoInt } from '../../flags';
import { Exit, ExitBadArgs, ExitError } from '../../io';
import { call, mustClientFromCmd } from './global';

export const compactionCommand: Command = {
  use: 'compaction [options] <revision>',
  short: 'Compacts the event history in etcd',
  flags: [{ name: 'physical', type: 'bool', def: false, usage: "'true' to wait for compaction to physically remove all old revisions" }],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'compaction command needs 1 argument');
    let rev: number;
    try {
      rev = parseGoInt(inv.args[0], 10, false);
    } catch (err) {
      throw new Exit(ExitError, (err as Error).message);
    }
    const c = await mustClientFromCmd(inv);
    await call(c.compact({ revision: rev, physical: inv.flags.bool('physical') }));
    // Printed directly, whatever --write-out says.
    inv.io.println('compacted revision', rev);
  },
};
