// etcdctl defrag (ctlv3/command/defrag_command.go).

import type { Command } from '../../cobra';
import { Exit, ExitError } from '../../io';
import { endpointsFromCluster, mustClientFromCmd } from './global';

export const defragCommand: Command = {
  use: 'defrag',
  short: 'Defragments the storage of the etcd members with given endpoints',
  flags: [
    { name: 'cluster', type: 'bool', def: false, usage: 'use all endpoints from the cluster member list' },
    { name: 'data-dir', type: 'string', def: '', usage: 'Optional. If present, defragments a data directory not in use by etcd.' },
  ],
  run: async (inv) => {
    if (inv.flags.string('data-dir') !== '') throw new Exit(ExitError, 'defrag --data-dir is not supported by the simulator');
    const c = await mustClientFromCmd(inv);
    let failures = 0;
    for (const ep of await endpointsFromCluster(inv)) {
      try {
        await c.defragment(ep);
        inv.io.println(`Finished defragmenting etcd member[${ep}]`);
      } catch (err) {
        inv.io.err(`Failed to defragment etcd member[${ep}] (${(err as Error).message})\n`);
        failures++;
      }
    }
    if (failures !== 0) throw new Exit(ExitError);
  },
};
