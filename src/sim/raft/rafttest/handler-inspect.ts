// Commands that print state or set the output level: log-level, raft-log, raft-state,
// status (rafttest/interaction_env_handler_{log_level,raft_log,raftstate,status}.go).
import { LogLevel, logLevelNames } from '../logger';
import { stateTypeName } from '../node';
import { ProgressMap } from '../tracker/tracker';
import { describeEntries } from '../util';
import type { CmdArg } from './datadriven';
import { keyAsInt } from './datadriven';
import type { InteractionEnv } from './interaction-env';

export function handleLogLevel(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  if (args.length === 0) throw new Error('log-level needs a level');
  return setLogLevel(env, args[0].key);
}

export function setLogLevel(env: InteractionEnv, name: string): Error | undefined {
  const i = logLevelNames.findIndex((s) => s.toLowerCase() === name.toLowerCase());
  if (i < 0) return new Error(`log levels must be either of [${logLevelNames.join(' ')}]`);
  env.output.level = i as LogLevel;
  return undefined;
}

export function handleRaftLog(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return printRaftLog(env, keyAsInt(args, 0) - 1);
}

/** Prints the node's persisted entries. */
export function printRaftLog(env: InteractionEnv, idx: number): Error | undefined {
  const s = env.node(idx).storage;
  const fi = s.firstIndex();
  const li = s.lastIndex();
  if (li < fi) {
    env.output.write(`log is empty: first index=${fi}, last index=${li}`);
    return undefined;
  }
  env.output.write(describeEntries(s.entries(fi, li + 1, Infinity)));
  return undefined;
}

/** Each node's own view: role, voter status, term and leader. */
export function handleRaftState(env: InteractionEnv): Error | undefined {
  for (const n of env.nodes) {
    const st = n.rawNode.status();
    const voter = st.config.voters.has(st.id) ? '(Voter)' : '(Non-Voter)';
    env.output.write(`${st.id}: ${stateTypeName(st.softState.raftState)} ${voter} Term:${st.hardState.term} Lead:${st.softState.lead}\n`);
  }
  return undefined;
}

/** The node's progress map (non-empty only on a leader). */
export function handleStatus(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const st = env.node(keyAsInt(args, 0) - 1).rawNode.status();
  const m = new ProgressMap();
  for (const [id, pr] of st.progress) m.set(id, pr);
  env.output.write(m.toString());
  return undefined;
}
