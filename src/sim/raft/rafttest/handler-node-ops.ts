// Commands that poke one node: campaign, tick-election, tick-heartbeat, transfer-leadership,
// forget-leader, report-unreachable, set-randomized-election-timeout, send-snapshot, compact.
import { MessageType, newMessage } from '../raftpb';
import { describeMessage } from '../util';
import type { CmdArg } from './datadriven';
import { keyAsInt, nodeIdxs, scanInt } from './datadriven';
import type { InteractionEnv } from './interaction-env';
import { printRaftLog } from './handler-inspect';

function firstNode(env: InteractionEnv, args: CmdArg[]) {
  return env.node(keyAsInt(args, 0) - 1);
}

export function handleCampaign(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return firstNode(env, args).rawNode.campaign();
}

export function handleTickElection(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const n = firstNode(env, args);
  for (let i = 0; i < n.config.electionTick; i++) n.rawNode.tick();
  return undefined;
}

export function handleTickHeartbeat(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const n = firstNode(env, args);
  for (let i = 0; i < n.config.heartbeatTick; i++) n.rawNode.tick();
  return undefined;
}

/** transfer-leadership from=A to=B: A steps MsgTransferLeader from B. */
export function handleTransferLeadership(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  let from = 0;
  let to = 0;
  for (const arg of args) {
    if (arg.key === 'from') from = scanInt(arg);
    else if (arg.key === 'to') to = scanInt(arg);
  }
  if (from === 0 || to === 0) throw new Error('transfer-leadership needs from= and to=');
  return env.node(from - 1).rawNode.transferLeader(to);
}

export function handleForgetLeader(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return firstNode(env, args).rawNode.forgetLeader();
}

export function handleReportUnreachable(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const idxs = nodeIdxs(args);
  if (idxs.length !== 2) throw new Error('expected two node ids');
  return env.node(idxs[0]).rawNode.reportUnreachable(idxs[1] + 1);
}

/** Overrides the current randomized election timeout (until the node's next reset). */
export function handleSetRandomizedElectionTimeout(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const n = firstNode(env, args);
  const arg = args.find((a) => a.key === 'timeout');
  if (arg === undefined) throw new Error('set-randomized-election-timeout needs timeout=');
  n.rawNode.raft.randomizedElectionTimeout = scanInt(arg);
  return undefined;
}

/** Queues a MsgSnap from A to B carrying A's latest snapshot, and prints it. */
export function handleSendSnapshot(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const idxs = nodeIdxs(args);
  if (idxs.length !== 2) throw new Error('expected two node ids');
  const from = env.node(idxs[0]);
  const m = newMessage(MessageType.MsgSnap, idxs[1] + 1, idxs[0] + 1, from.rawNode.basicStatus().hardState.term);
  m.snapshot = from.storage.snapshot();
  env.messages.push(m);
  env.output.write(describeMessage(m));
  return undefined;
}

/** compact ID I: compacts the storage so that I+1 becomes the first index, prints the log. */
export function handleCompact(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const idx = keyAsInt(args, 0) - 1;
  try {
    env.node(idx).storage.compact(keyAsInt(args, 1));
  } catch (err) {
    return err as Error;
  }
  return printRaftLog(env, idx);
}
