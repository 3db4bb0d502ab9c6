// The etcdctl root command (ctlv3/ctl.go) and the entry point the page's console and the
// headless runner call: one command line in, its output streamed, its exit code out.

import type { EtcdctlEnv } from '../backend';
import { Interrupt, execute, usage } from '../cobra';
import type { Command, Stdin } from '../cobra';
import { Io } from '../io';
import type { Sink } from '../io';
import { ShellSyntaxError, splitCommandLine } from '../shell';
import { alarmCommand } from './command/alarm-command';
import { authCommand } from './command/auth-command';
import { checkCommand } from './command/check-command';
import { compactionCommand } from './command/compaction-command';
import { defragCommand } from './command/defrag-command';
import { delCommand } from './command/del-command';
import { endpointCommand } from './command/ep-command';
import { getCommand } from './command/get-command';
import { globalFlags } from './command/global';
import { leaseCommand } from './command/lease-command';
import { memberCommand } from './command/member-command';
import { moveLeaderCommand } from './command/move-leader-command';
import { putCommand } from './command/put-command';
import { roleCommand } from './command/role-command';
import { txnCommand } from './command/txn-command';
import { userCommand } from './command/user-command';
import { versionCommand } from './command/version-command';
import { watchCommand } from './command/watch-command';

const helpCommand: Command = {
  use: 'help [command]',
  short: 'Help about any command',
  // cobra: the deepest command the words name; words naming nothing at all get the root's usage.
  run: async (inv) => {
    const path: Command[] = [rootCommand];
    for (const word of inv.args) {
      const next = (path[path.length - 1].commands ?? []).find((c) => c.use.split(' ')[0] === word);
      if (next === undefined) break;
      path.push(next);
    }
    if (inv.args.length > 0 && path.length === 1) inv.io.out(`Unknown help topic [${inv.args.map((a) => `\`${a}\``).join(' ')}]\n`);
    inv.io.out(usage(path));
  },
};

export const rootCommand: Command = {
  use: 'etcdctl',
  short: 'A simple command line client for etcd3.',
  persistentFlags: globalFlags,
  commands: [
    getCommand,
    putCommand,
    delCommand,
    txnCommand,
    compactionCommand,
    alarmCommand,
    defragCommand,
    endpointCommand,
    moveLeaderCommand,
    watchCommand,
    versionCommand,
    leaseCommand,
    memberCommand,
    authCommand,
    userCommand,
    roleCommand,
    checkCommand,
    helpCommand,
  ],
};

export interface EtcdctlOptions {
  env: EtcdctlEnv;
  /** Receives stdout and stderr as they are written. */
  sink: Sink;
  /** Standard input (txn's requests); none by default. */
  stdin?: Stdin;
  /** Trigger it to stop a watch or keep-alive, as Ctrl-C does. */
  interrupt?: Interrupt;
}

const noInput: Stdin = { readLine: async () => undefined };

/** Runs etcdctl with the given arguments (without the program name); resolves to its exit code. */
export function etcdctl(argv: string[], opts: EtcdctlOptions): Promise<number> {
  return execute(rootCommand, argv, {
    env: opts.env,
    io: new Io(opts.sink),
    stdin: opts.stdin ?? noInput,
    interrupt: opts.interrupt ?? new Interrupt(),
  });
}

/**
 * Runs one command line as a shell would: split into words, a leading "etcdctl" optional.
 * A quoting error is reported as the shell reports it (exit 2).
 */
export function runCommandLine(line: string, opts: EtcdctlOptions): Promise<number> {
  let words: string[];
  try {
    words = splitCommandLine(line);
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    opts.sink({ stream: 'stderr', text: `sh: ${err.message}\n` });
    return Promise.resolve(2);
  }
  if (words[0] === 'etcdctl') words = words.slice(1);
  return etcdctl(words, opts);
}
