// A small spf13/cobra: a tree of commands with local and persistent flags, command lookup,
// etcdctl's usage template (ctlv3/help.go) and cobra's error behaviour, so usage errors,
// unknown commands and --help print what etcdctl prints.

import type { EtcdctlEnv } from './backend';
import { FlagError, Flags, defaultText, goQuote, parseFlags } from './flags';
import type { FlagDef } from './flags';
import { Exit, ExitError, Panic } from './io';
import type { Io } from './io';
import { tabwrite } from './tabwriter';

/**
 * Lines a command reads from standard input (txn, put without a value); undefined at end of
 * input. Asynchronous, so a console can wait for the person to type (txn -i).
 */
export interface Stdin {
  readLine(): Promise<string | undefined>;
}

/** Ctrl-C for long-running commands (watch, lease keep-alive). */
export class Interrupt {
  private listeners: (() => void)[] = [];
  triggered = false;

  onInterrupt(fn: () => void): void {
    if (this.triggered) fn();
    else this.listeners.push(fn);
  }

  trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    for (const fn of this.listeners) fn();
    this.listeners = [];
  }
}

/** Everything a running command may use. */
export interface Invocation {
  args: string[];
  flags: Flags;
  io: Io;
  env: EtcdctlEnv;
  stdin: Stdin;
  interrupt: Interrupt;
  /** The command path from the root, for usage and --cluster lookups. */
  path: Command[];
  /** Run when the command ends, as the process's exit closes its clients. */
  atExit: (() => void)[];
}

export interface Command {
  /** First word is the name; the rest is the usage line's argument synopsis. */
  use: string;
  short: string;
  long?: string;
  flags?: FlagDef[];
  /** Flags this command and its subcommands accept (GLOBAL OPTIONS of the subcommands). */
  persistentFlags?: FlagDef[];
  commands?: Command[];
  run?: (inv: Invocation) => Promise<void>;
}

export const name = (c: Command) => c.use.split(' ')[0];

const helpFlag = (c: Command): FlagDef => ({ name: 'help', shorthand: 'h', type: 'bool', def: false, usage: `help for ${name(c)}` });

const byName = (a: FlagDef, b: FlagDef) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function localFlags(c: Command): FlagDef[] {
  return [...(c.persistentFlags ?? []), ...(c.flags ?? []), helpFlag(c)].sort(byName);
}

function inheritedFlags(path: Command[]): FlagDef[] {
  return path.slice(0, -1).flatMap((c) => c.persistentFlags ?? []).sort(byName);
}

const sortedCommands = (c: Command) => [...(c.commands ?? [])].sort((a, b) => (name(a) < name(b) ? -1 : 1));

/** etcdFlagUsages: one line per flag, bool flags with their implied value in brackets. */
function flagUsages(defs: FlagDef[]): string {
  return defs
    .map((f) => {
      const head = f.shorthand === undefined ? `      --${f.name}` : `  -${f.shorthand}, --${f.name}`;
      const def = f.type === 'string' ? goQuote(f.def as string) : defaultText(f);
      const value = f.type === 'bool' ? `[=${def}]` : `=${def}`;
      return `${head}${value}\t${f.usage}\n`;
    })
    .join('');
}

/** Runnable descendants, each named by its path below `c` (the COMMANDS section). */
function subCommandLines(c: Command, prefix = ''): string[] {
  return sortedCommands(c).flatMap((s) => {
    const n = `${prefix}${name(s)}`;
    const self = s.run !== undefined ? [`\t${n}\t${s.short}\n`] : [];
    return [...self, ...subCommandLines(s, `${n} `)];
  });
}

export const ETCDCTL_VERSION = '3.4.23';

/** Prefixes an unexpected exception (a simulator bug) in the error line. */
export const INTERNAL_ERROR = 'internal simulator error';
export const API_VERSION = '3.4';

/** The usage text etcdctl prints for `path` (help.go's commandUsageTemplate through tabwriter). */
export function usage(path: Command[]): string {
  const cmd = path[path.length - 1];
  const useLine = `${path.slice(0, -1).map(name).concat(cmd.use).join(' ')} [flags]`;
  // The NAME line shows the path below the root ("lease grant").
  const shownName = path.length === 1 ? name(cmd) : path.slice(1).map(name).join(' ');
  let s = `NAME:\n\t${shownName} - ${cmd.short}\n\nUSAGE:\n\t${useLine}\n`;
  if (path.length === 1) s += `\nVERSION:\n\t${ETCDCTL_VERSION}\n`;
  if ((cmd.commands ?? []).length > 0) {
    s += `\nAPI VERSION:\n\t${API_VERSION}\n`;
    s += `\n\nCOMMANDS:\n${subCommandLines(cmd).join('')}`;
  }
  if (cmd.long !== undefined) {
    const lines = cmd.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n');
    s += `\nDESCRIPTION:\n${lines.map((l) => `\t${l}\n`).join('')}`;
  }
  s += `\nOPTIONS:\n${flagUsages(localFlags(cmd))}`;
  if (path.length > 1) s += `\nGLOBAL OPTIONS:\n${flagUsages(inheritedFlags(path))}`;
  return tabwrite(`${s}\n`);
}

/** Go's Levenshtein distance as cobra computes suggestions. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
    }
  }
  return d[a.length][b.length];
}

function suggestions(root: Command, typed: string): string {
  const found = sortedCommands(root)
    .map(name)
    .filter((n) => distance(typed.toLowerCase(), n.toLowerCase()) <= 2 || n.toLowerCase().startsWith(typed.toLowerCase()));
  return found.length === 0 ? '' : `\n\nDid you mean this?\n${found.map((n) => `\t${n}\n`).join('')}`;
}

/** cobra's stripFlags + Find: the command path named by the non-flag words of argv. */
function findCommand(root: Command, argv: string[]): { path: Command[]; rest: string[] } {
  const path = [root];
  let rest = [...argv];
  for (;;) {
    const cmd = path[path.length - 1];
    const defs = [...inheritedFlags([...path, cmd]), ...localFlags(cmd)];
    let i = 0;
    for (; i < rest.length; i++) {
      const a = rest[i];
      if (a === '--' || !a.startsWith('-') || a === '-') break;
      if (a.includes('=')) continue;
      const f = a.startsWith('--') ? defs.find((d) => d.name === a.slice(2)) : a.length === 2 ? defs.find((d) => d.shorthand === a[1]) : undefined;
      if (f !== undefined && f.type !== 'bool') i++; // its value is the next word
    }
    const word = rest[i];
    const sub = word === undefined || word === '--' ? undefined : (cmd.commands ?? []).find((c) => name(c) === word);
    if (sub === undefined) return { path, rest };
    path.push(sub);
    rest = [...rest.slice(0, i), ...rest.slice(i + 1)];
  }
}

export interface ExecuteOptions {
  env: EtcdctlEnv;
  io: Io;
  stdin: Stdin;
  interrupt: Interrupt;
}

/** rootCmd.Execute() followed by etcdctl's main: returns the exit code. */
export async function execute(root: Command, argv: string[], opts: ExecuteOptions): Promise<number> {
  const { io } = opts;
  const { path, rest } = findCommand(root, argv);
  const cmd = path[path.length - 1];
  const firstArg = rest.find((a) => !a.startsWith('-'));
  if (path.length === 1 && firstArg !== undefined && (root.commands ?? []).length > 0) {
    const msg = `unknown command ${goQuote(firstArg)} for ${goQuote(name(root))}${suggestions(root, firstArg)}`;
    io.err(`Error: ${msg}\nRun '${name(root)} --help' for usage.\n`);
    io.err(`Error: ${msg}\n`);
    return ExitError;
  }
  let flags: Flags;
  let args: string[];
  try {
    const parsed = parseFlags([...inheritedFlags(path), ...localFlags(cmd)], rest);
    flags = new Flags(parsed);
    args = parsed.args;
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.err(`Error: ${err.message}\n`);
    io.out(usage(path));
    io.err('\n');
    io.err(`Error: ${err.message}\n`);
    return ExitError;
  }
  if (flags.bool('help') || cmd.run === undefined) {
    io.out(usage(path));
    return 0;
  }
  const atExit: (() => void)[] = [];
  try {
    await cmd.run({ ...opts, args, flags, path, atExit });
    return 0;
  } catch (err) {
    if (err instanceof Panic) {
      io.err(`panic: ${err.panicMessage}\n`);
      return err.code;
    }
    if (err instanceof Exit) {
      if (err.errorMessage !== undefined) io.err(`Error: ${err.errorMessage}\n`);
      return err.code;
    }
    // A bug in the simulator, not an etcdctl behaviour: report it, named as such, without crashing.
    io.err(`Error: ${INTERNAL_ERROR}: ${(err as Error).message}\n`);
    return ExitError;
  } finally {
    for (const fn of atExit) fn();
  }
}
