// etcdctl user add / delete / get / list / passwd / grant-role / revoke-role
// (ctlv3/command/user_command.go).

import type { Command, Invocation } from '../../cobra';
import { Exit, ExitBadArgs, ExitError } from '../../io';
import { call, display, mustClientFromCmd } from './global';

/**
 * The password etcdctl would prompt for. With --interactive=false it reads one word from
 * standard input (fmt.Scanf("%s")); the simulator has no terminal to prompt on.
 */
async function readPassword(inv: Invocation): Promise<string> {
  if (inv.flags.bool('interactive')) {
    throw new Exit(ExitError, 'password prompt is not available: use --interactive=false with the password on standard input');
  }
  return ((await inv.stdin.readLine()) ?? '').trim().split(/\s+/)[0] ?? '';
}

const add: Command = {
  use: 'add <user name or user:password> [options]',
  short: 'Adds a new user',
  flags: [
    { name: 'interactive', type: 'bool', def: true, usage: 'Read password from stdin instead of interactive terminal' },
    { name: 'new-user-password', type: 'string', def: '', usage: 'Supply password from the command line flag' },
    { name: 'no-password', type: 'bool', def: false, usage: 'Create a user without password (CN based auth only)' },
  ],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'user add command requires user name as its argument');
    let user = inv.args[0];
    let password = '';
    let noPassword = false;
    const fromFlag = inv.flags.string('new-user-password');
    if (fromFlag !== '') password = fromFlag;
    else {
      const colon = user.indexOf(':');
      if (colon < 0) {
        if (inv.flags.bool('no-password')) noPassword = true;
        else password = await readPassword(inv);
      } else {
        password = user.slice(colon + 1);
        user = user.slice(0, colon);
        if (user === '') throw new Exit(ExitBadArgs, 'empty user name is not allowed');
      }
    }
    const c = await mustClientFromCmd(inv);
    display(inv).userAdd(user, await call(c.userAdd(user, password, noPassword)));
  },
};

const del: Command = {
  use: 'delete <user name>',
  short: 'Deletes a user',
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'user delete command requires user name as its argument');
    const c = await mustClientFromCmd(inv);
    display(inv).userDelete(inv.args[0], await call(c.userDelete(inv.args[0])));
  },
};

const get: Command = {
  use: 'get <user name> [options]',
  short: 'Gets detailed information of a user',
  flags: [{ name: 'detail', type: 'bool', def: false, usage: 'Show permissions of roles granted to the user' }],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'user get command requires user name as its argument');
    const name = inv.args[0];
    const printer = display(inv);
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.userGet(name));
    if (!inv.flags.bool('detail')) {
      printer.userGet(name, resp);
      return;
    }
    inv.io.println(`User: ${name}`);
    for (const role of resp.roles) {
      inv.io.out('\n');
      printer.roleGet(role, await call(c.roleGet(role)));
    }
  },
};

const list: Command = {
  use: 'list',
  short: 'Lists all users',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'user list command requires no arguments');
    const c = await mustClientFromCmd(inv);
    display(inv).userList(await call(c.userList()));
  },
};

const passwd: Command = {
  use: 'passwd <user name> [options]',
  short: 'Changes password of user',
  flags: [{ name: 'interactive', type: 'bool', def: true, usage: 'If true, read password from stdin instead of interactive terminal' }],
  run: async (inv) => {
    if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'user passwd command requires user name as its argument');
    const password = await readPassword(inv);
    const c = await mustClientFromCmd(inv);
    display(inv).userChangePassword(await call(c.userChangePassword(inv.args[0], password)));
  },
};

const grantRole: Command = {
  use: 'grant-role <user name> <role name>',
  short: 'Grants a role to a user',
  run: async (inv) => {
    if (inv.args.length !== 2) throw new Exit(ExitBadArgs, 'user grant command requires user name and role name as its argument');
    const [user, role] = inv.args;
    const c = await mustClientFromCmd(inv);
    display(inv).userGrantRole(user, role, await call(c.userGrantRole(user, role)));
  },
};

const revokeRole: Command = {
  use: 'revoke-role <user name> <role name>',
  short: 'Revokes a role from a user',
  run: async (inv) => {
    if (inv.args.length !== 2) throw new Exit(ExitBadArgs, 'user revoke-role requires user name and role name as its argument');
    const [user, role] = inv.args;
    const c = await mustClientFromCmd(inv);
    display(inv).userRevokeRole(user, role, await call(c.userRevokeRole(user, role)));
  },
};

export const userCommand: Command = {
  use: 'user <subcommand>',
  short: 'User related commands',
  commands: [add, del, get, list, passwd, grantRole, revokeRole],
};
