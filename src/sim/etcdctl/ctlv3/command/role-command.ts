// etcdctl role add / delete / get / list / grant-permission / revoke-permission
// (ctlv3/command/role_command.go).

import type { Command, Invocation } from '../../cobra';
import { PermissionType } from '../../backend';
import { Exit, ExitBadArgs } from '../../io';
import { FROM_KEY, getPrefixRangeEnd } from '../../../mvcc/bytes';
import { call, display, mustClientFromCmd } from './global';

const rangeFlags = (verb: string) => [
  { name: 'prefix', type: 'bool' as const, def: false, usage: `${verb} a prefix permission` },
  {
    name: 'from-key',
    type: 'bool' as const,
    def: false,
    usage: `${verb} a permission of keys that are greater than or equal to the given key using byte compare`,
  },
];

/** permRange: the key and range end a permission covers. */
function permRange(inv: Invocation, args: string[]): [string, string] {
  const prefix = inv.flags.bool('prefix');
  const fromKey = inv.flags.bool('from-key');
  const exclusive = () => new Exit(ExitBadArgs, '--from-key and --prefix flags are mutually exclusive');
  const key = args[0];
  if (key === '') {
    if (prefix && fromKey) throw exclusive();
    // The empty prefix is ["\0", end): with --prefix or --from-key, every key.
    return [FROM_KEY, prefix || fromKey ? FROM_KEY : ''];
  }
  if (args.length === 1) {
    if (prefix) {
      if (fromKey) throw exclusive();
      return [key, getPrefixRangeEnd(key)];
    }
    return [key, fromKey ? FROM_KEY : ''];
  }
  if (prefix) throw new Exit(ExitBadArgs, 'unexpected endkey argument with --prefix flag');
  if (fromKey) throw new Exit(ExitBadArgs, 'unexpected endkey argument with --from-key flag');
  return [key, args[1]];
}

function oneRoleName(inv: Invocation, verb: string): string {
  if (inv.args.length !== 1) throw new Exit(ExitBadArgs, `role ${verb} command requires role name as its argument`);
  return inv.args[0];
}

const add: Command = {
  use: 'add <role name>',
  short: 'Adds a new role',
  run: async (inv) => {
    const role = oneRoleName(inv, 'add');
    const c = await mustClientFromCmd(inv);
    display(inv).roleAdd(role, await call(c.roleAdd(role)));
  },
};

const del: Command = {
  use: 'delete <role name>',
  short: 'Deletes a role',
  run: async (inv) => {
    const role = oneRoleName(inv, 'delete');
    const c = await mustClientFromCmd(inv);
    display(inv).roleDelete(role, await call(c.roleDelete(role)));
  },
};

const get: Command = {
  use: 'get <role name>',
  short: 'Gets detailed information of a role',
  run: async (inv) => {
    const role = oneRoleName(inv, 'get');
    const c = await mustClientFromCmd(inv);
    display(inv).roleGet(role, await call(c.roleGet(role)));
  },
};

const list: Command = {
  use: 'list',
  short: 'Lists all roles',
  run: async (inv) => {
    if (inv.args.length !== 0) throw new Exit(ExitBadArgs, 'role list command requires no arguments');
    const c = await mustClientFromCmd(inv);
    display(inv).roleList(await call(c.roleList()));
  },
};

const grantPermission: Command = {
  use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
  short: 'Grants a key to a role',
  flags: rangeFlags('grant'),
  run: async (inv) => {
    if (inv.args.length < 3) {
      throw new Exit(ExitBadArgs, 'role grant command requires role name, permission type, and key [endkey] as its argument');
    }
    const permType = PermissionType[inv.args[1].toUpperCase() as keyof typeof PermissionType];
    if (permType === undefined) throw new Exit(ExitBadArgs, `invalid permission type: ${inv.args[1]}`);
    const [key, rangeEnd] = permRange(inv, inv.args.slice(2));
    const c = await mustClientFromCmd(inv);
    display(inv).roleGrantPermission(inv.args[0], await call(c.roleGrantPermission(inv.args[0], { permType, key, rangeEnd })));
  },
};

const revokePermission: Command = {
  use: 'revoke-permission <role name> <key> [endkey]',
  short: 'Revokes a key from a role',
  flags: rangeFlags('revoke'),
  run: async (inv) => {
    if (inv.args.length < 2) {
      throw new Exit(ExitBadArgs, 'role revoke-permission command requires role name and key [endkey] as its argument');
    }
    const [key, rangeEnd] = permRange(inv, inv.args.slice(1));
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.roleRevokePermission(inv.args[0], key, rangeEnd));
    display(inv).roleRevokePermission(inv.args[0], inv.args[1], rangeEnd, resp);
  },
};

export const roleCommand: Command = {
  use: 'role <subcommand>',
  short: 'Role related commands',
  commands: [add, del, get, list, grantPermission, revokePermission],
};
