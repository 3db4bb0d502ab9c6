// etcdctl member add / remove / update / list / promote (ctlv3/command/member_command.go).

import type { Command, Invocation } from '../../cobra';
import { goQuote, parseGoInt } from '../../flags';
import { Exit, ExitBadArgs } from '../../io';
import { call, display, mustClientFromCmd } from './global';
import { SimplePrinter } from './printer-simple';

function memberID(inv: Invocation): number {
  if (inv.args.length !== 1) throw new Exit(ExitBadArgs, 'member ID is not provided');
  try {
    return parseGoInt(inv.args[0], 16, true);
  } catch (err) {
    throw new Exit(ExitBadArgs, `bad member ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

const add: Command = {
  use: 'add <memberName> [options]',
  short: 'Adds a member into the cluster',
  flags: [
    { name: 'peer-urls', type: 'string', def: '', usage: 'comma separated peer URLs for the new member.' },
    { name: 'learner', type: 'bool', def: false, usage: 'indicates if the new member is raft learner' },
  ],
  run: async (inv) => {
    if (inv.args.length < 1) throw new Exit(ExitBadArgs, 'member name not provided');
    if (inv.args.length > 1) {
      let ev = 'too many arguments';
      for (const s of inv.args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
      throw new Exit(ExitBadArgs, ev);
    }
    const newName = inv.args[0];
    const peerURLs = inv.flags.string('peer-urls');
    if (peerURLs === '') throw new Exit(ExitBadArgs, 'member peer urls not provided');
    const urls = peerURLs.split(',');
    const printer = display(inv);
    const c = await mustClientFromCmd(inv);
    const resp = await call(c.memberAdd(urls, inv.flags.bool('learner')));
    printer.memberAdd(resp);
    if (!(printer instanceof SimplePrinter)) return;
    // The configuration a person starts the new member with. (etcdctl re-reads the list
    // through a quorum read when the answering member changed; one client, one member here.)
    const list = await call(c.memberList());
    const conf = list.members.flatMap((m) => m.peerURLs.map((u) => `${m.ID === resp.member.ID ? newName : m.name}=${u}`));
    inv.io.out('\n');
    inv.io.out(`ETCD_NAME=${goQuote(newName)}\n`);
    inv.io.out(`ETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\n`);
    inv.io.out(`ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(urls.join(','))}\n`);
    inv.io.out('ETCD_INITIAL_CLUSTER_STATE="existing"\n');
  },
};

const remove: Command = {
  use: 'remove <memberID>',
  short: 'Removes a member from the cluster',
  run: async (inv) => {
    const id = memberID(inv);
    const c = await mustClientFromCmd(inv);
    display(inv).memberRemove(id, await call(c.memberRemove(id)));
  },
};

const update: Command = {
  use: 'update <memberID> [options]',
  short: 'Updates a member in the cluster',
  flags: [{ name: 'peer-urls', type: 'string', def: '', usage: 'comma separated peer URLs for the updated member.' }],
  run: async (inv) => {
    const id = memberID(inv);
    const peerURLs = inv.flags.string('peer-urls');
    if (peerURLs === '') throw new Exit(ExitBadArgs, 'member peer urls not provided');
    const c = await mustClientFromCmd(inv);
    display(inv).memberUpdate(id, await call(c.memberUpdate(id, peerURLs.split(','))));
  },
};

const list: Command = {
  use: 'list',
  short: 'Lists all members in the cluster',
  long: `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
  run: async (inv) => {
    const c = await mustClientFromCmd(inv);
    display(inv).memberList(await call(c.memberList()));
  },
};

const promote: Command = {
  use: 'promote <memberID>',
  short: 'Promotes a non-voting member in the cluster',
  long: `Promotes a non-voting learner member to a voting one in the cluster.
`,
  run: async (inv) => {
    const id = memberID(inv);
    const c = await mustClientFromCmd(inv);
    display(inv).memberPromote(id, await call(c.memberPromote(id)));
  },
};

export const memberCommand: Command = {
  use: 'member <subcommand>',
  short: 'Membership related commands',
  commands: [add, remove, update, list, promote],
};
