// etcdctl alarm list / disarm (ctlv3/command/alarm_command.go).

import type { Command } from '../../cobra';
import { Exit, ExitBadArgs } from '../../io';
import { call, display, mustClientFromCmd } from './global';

const disarm: Command = {
  use: 'disarm',
  short: 'Disarms all alarms',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'alarm disarm command accepts no arguments');
    const c = await mustClientFromCmd(inv);
    // Member 0 and type NONE: clientv3 disarms every active alarm.
    display(inv).alarm(await call(c.alarmDisarm({ memberID: 0, alarm: 'NONE' })));
  },
};

const list: Command = {
  use: 'list',
  short: 'Lists all alarms',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'alarm list command accepts no arguments');
    const c = await mustClientFromCmd(inv);
    display(inv).alarm(await call(c.alarmList()));
  },
};

export const alarmCommand: Command = {
  use: 'alarm <subcommand>',
  short: 'Alarm related commands',
  commands: [disarm, list],
};
