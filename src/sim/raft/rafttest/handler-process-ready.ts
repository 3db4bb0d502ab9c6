// process-ready ID...: take a Ready, print it, persist and apply it (sync mode), queue its
// messages, and Advance (rafttest/interaction_env_handler_process_ready.go, spec §13.4).
import { MessageType, isLocalMsgTarget } from '../raftpb';
import { describeReady, msgTypeName } from '../util';
import type { CmdArg } from './datadriven';
import { nodeIdxs } from './datadriven';
import type { InteractionEnv } from './interaction-env';
import { processAppend, processApply } from './handler-threads';

export function handleProcessReady(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return env.forEachNode(nodeIdxs(args), 'handling Ready', (idx) => processReady(env, idx));
}

export function processReady(env: InteractionEnv, idx: number): Error | undefined {
  const n = env.node(idx);
  const rd = n.rawNode.ready();
  env.output.write(describeReady(rd));
  const async = n.rawNode.asyncStorageWrites;
  if (!async) {
    const err = processAppend(n, rd.hardState, rd.entries, rd.snapshot) ?? processApply(n, rd.committedEntries);
    if (err !== undefined) return err;
  }
  for (const m of rd.messages) {
    if (!isLocalMsgTarget(m.to)) {
      env.messages.push(m);
      continue;
    }
    if (!async) throw new Error('unexpected local msg target');
    if (m.type === MessageType.MsgStorageAppend) n.appendWork.push(m);
    else if (m.type === MessageType.MsgStorageApply) n.applyWork.push(m);
    else throw new Error(`unexpected message type ${msgTypeName(m.type)}`);
  }
  if (!async) n.rawNode.advance(rd);
  return undefined;
}
