// deliver-msgs [ID...] [type=MsgX] [drop=(ids)], and the delivery used by stabilize
// (rafttest/interaction_env_handler_deliver_msgs.go).
import type { Message, MessageType } from '../raftpb';
import { MessageType as MT, isLocalMsgTarget } from '../raftpb';
import { describeMessage } from '../util';
import type { CmdArg } from './datadriven';
import { scanInt } from './datadriven';
import type { InteractionEnv } from './interaction-env';

export interface Recipient {
  id: number;
  drop: boolean;
}

export function handleDeliverMsgs(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  let typ: MessageType | -1 = -1;
  const rs: Recipient[] = [];
  for (const arg of args) {
    if (arg.vals.length === 0) {
      if (!/^[0-9]+$/.test(arg.key)) throw new Error(`invalid recipient ${arg.key}`);
      rs.push({ id: Number(arg.key), drop: false });
    }
    for (let i = 0; i < arg.vals.length; i++) {
      switch (arg.key) {
        case 'drop': {
          const id = scanInt(arg, i);
          if (rs.some((r) => r.id === id)) throw new Error(`can't both deliver and drop msgs to ${id}`);
          rs.push({ id, drop: true });
          break;
        }
        case 'type': {
          const v = (MT as unknown as Record<string, number | undefined>)[arg.vals[i]];
          if (typeof v !== 'number') throw new Error(`unknown message type ${arg.vals[i]}`);
          typ = v;
          break;
        }
      }
    }
  }
  if (deliverMsgs(env, typ, rs) === 0) env.output.write('no messages\n');
  return undefined;
}

/**
 * Delivers (or drops) the queued messages of each recipient, in FIFO order, printing each.
 * Returns how many were handled.
 */
export function deliverMsgs(env: InteractionEnv, typ: MessageType | -1, rs: readonly Recipient[]): number {
  let n = 0;
  for (const r of rs) {
    const [msgs, rest] = splitMsgs(env.messages, r.id, typ, r.drop);
    env.messages = rest;
    n += msgs.length;
    for (const m of msgs) {
      if (r.drop) env.output.write('dropped: ');
      env.output.write(describeMessage(m) + '\n');
      // Dropped messages may be addressed to nodes that do not exist yet.
      if (r.drop) continue;
      const err = env.node(m.to - 1).rawNode.step(m);
      if (err !== undefined) env.output.write(err.message + '\n');
    }
  }
  return n;
}

/** The messages to `to` (of type typ, or any), and the rest; order is preserved. */
export function splitMsgs(msgs: readonly Message[], to: number, typ: MessageType | -1, drop: boolean): [Message[], Message[]] {
  const toMsgs: Message[] = [];
  const rest: Message[] = [];
  for (const m of msgs) {
    if (m.to === to && !(drop && isLocalMsg(m)) && (typ < 0 || m.type === typ)) toMsgs.push(m);
    else rest.push(m);
  }
  return [toMsgs, rest];
}

// Local messages (self-addressed or to/from a storage thread) need reliable delivery.
function isLocalMsg(m: Message): boolean {
  return m.from === m.to || isLocalMsgTarget(m.from) || isLocalMsgTarget(m.to);
}
