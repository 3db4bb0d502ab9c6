// etcdctl move-leader (ctlv3/command/move_leader_command.go): finds the leader among the
// endpoints, then asks it to transfer leadership.

import type { Command } from '../../cobra';
import { parseGoInt } from '../../flags';
import { Exit, ExitBadArgs } from '../../io';
import { call, clientConfigFromCmd, display, endpointsFromCmd, mustClient } from './global';

export const moveLeaderCommand: Command = {
  use: 'move-leader <transferee-member-id>',
  short: 'Transfers leadership to another etcd cluster member.',
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'move-leader command needs 1 argument');
    let target: number;
    try {
      target = parseGoInt(inv.args[0], 16, true);
    } catch (err) {
      throw new Exit(ExitBadArgs, (err as Error).message);
    }
    const printer = display(inv);
    const eps = endpointsFromCmd(inv);
    for (const ep of eps) {
      const c = await mustClient(clientConfigFromCmd(inv, [ep]), inv);
      const status = await call(c.status(ep));
      if (status.header.memberId !== status.leader) continue;
      const resp = await call(c.moveLeader(target));
      printer.moveLeader(status.leader, target, resp);
      return;
    }
    throw new Exit(ExitBadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
  },
};

