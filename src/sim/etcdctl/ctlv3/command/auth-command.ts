// etcdctl auth enable / disable / status (ctlv3/command/auth_command.go).

import type { Command } from '../../cobra';
import { Exit, ExitBadArgs, ExitError } from '../../io';
import { call, display, mustClientFromCmd } from './global';

const ROOT_ROLE_NOT_EXIST = 'etcdserver: root user does not have root role';

const enable: Command = {
  use: 'enable',
  short: 'Enables authentication',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'auth enable command does not accept any arguments');
    const c = await mustClientFromCmd(inv);
    // Like etcdctl: when root lacks the root role, create and grant it, then retry.
    for (;;) {
      try {
        await c.authEnable();
        break;
      } catch (err) {
        if ((err as Error).message !== ROOT_ROLE_NOT_EXIST) throw new Exit(ExitError, (err as Error).message);
      }
      await call(c.roleAdd('root'));
      await call(c.userGrantRole('root', 'root'));
    }
    inv.io.println('Authentication Enabled');
  },
};

const disable: Command = {
  use: 'disable',
  short: 'Disables authentication',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'auth disable command does not accept any arguments');
    const c = await mustClientFromCmd(inv);
    await call(c.authDisable());
    inv.io.println('Authentication Disabled');
  },
};

/** `auth status` exists from etcdctl 3.5 on. */
const status: Command = {
  use: 'status',
  short: 'Returns authentication status',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'auth status command does not accept any arguments');
    const c = await mustClientFromCmd(inv);
    display(inv).authStatus(await call(c.authStatus()));
  },
};

export const authCommand: Command = {
  use: 'auth <enable or disable>',
  short: 'Enable or disable authentication',
  commands: [enable, disable, status],
};
