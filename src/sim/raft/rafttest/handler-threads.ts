// The storage "threads" of async-storage-writes mode and the persist/apply model shared
// with sync mode (rafttest/interaction_env_handler_process_{append,apply}_thread.go).
import type { Entry, HardState, Message, Snapshot } from '../raftpb';
import { EntryType, emptySnapshot, unmarshalConfChange, unmarshalConfChangeV2 } from '../raftpb';
import { isEmptyHardState, isEmptySnap } from '../node';
import { describeMessage } from '../util';
import type { CmdArg } from './datadriven';
import { nodeIdxs } from './datadriven';
import type { InteractionEnv, Node } from './interaction-env';

export function handleProcessAppendThread(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return env.forEachNode(nodeIdxs(args), 'processing append thread', (idx) => processAppendThread(env, idx));
}

export function handleProcessApplyThread(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  return env.forEachNode(nodeIdxs(args), 'processing apply thread', (idx) => processApplyThread(env, idx));
}

/** Handles one queued MsgStorageAppend: persist, then release its responses. */
export function processAppendThread(env: InteractionEnv, idx: number): Error | undefined {
  const n = env.node(idx);
  const m = n.appendWork.shift();
  if (m === undefined) {
    env.output.write('no append work to perform');
    return undefined;
  }
  const st: HardState = { term: m.term, vote: m.vote, commit: m.commit };
  const err = processAppend(n, st, m.entries, m.snapshot ?? emptySnapshot());
  return err ?? releaseResponses(env, m);
}

/** Handles one queued MsgStorageApply: apply, then release its responses. */
export function processApplyThread(env: InteractionEnv, idx: number): Error | undefined {
  const n = env.node(idx);
  const m = n.applyWork.shift();
  if (m === undefined) {
    env.output.write('no apply work to perform');
    return undefined;
  }
  const err = processApply(n, m.entries);
  return err ?? releaseResponses(env, m);
}

function releaseResponses(env: InteractionEnv, m: Message): undefined {
  env.output.write('Processing:\n' + describeMessage({ ...m, responses: [] }) + '\n');
  env.output.write('Responses:\n');
  for (const r of m.responses) env.output.write(describeMessage(r) + '\n');
  env.messages.push(...m.responses);
  return undefined;
}

/** Persists a HardState and either a snapshot or entries into the node's storage. */
export function processAppend(n: Node, st: HardState, ents: readonly Entry[], snap: Snapshot | undefined): Error | undefined {
  const s = n.storage;
  try {
    if (!isEmptyHardState(st)) s.setHardState(st);
    if (!isEmptySnap(snap)) {
      if (ents.length > 0) return new Error("can't apply snapshot and entries at the same time");
      s.applySnapshot(snap!);
      return undefined;
    }
    s.append(ents);
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

/**
 * Applies entries to a hard-coded "appender" state machine: conf changes go to
 * ApplyConfChange, and a History snapshot is recorded per entry.
 */
export function processApply(n: Node, ents: readonly Entry[]): Error | undefined {
  for (const ent of ents) {
    let update: Uint8Array | undefined;
    let cs = undefined;
    switch (ent.type) {
      case EntryType.EntryConfChange: {
        const cc = unmarshalConfChange(ent.data);
        update = cc.context;
        cs = n.rawNode.applyConfChange(cc);
        break;
      }
      case EntryType.EntryConfChangeV2: {
        const cc = unmarshalConfChangeV2(ent.data);
        cs = n.rawNode.applyConfChange(cc);
        update = cc.context;
        break;
      }
      default:
        update = ent.data;
    }
    const last = n.history[n.history.length - 1];
    const data = concat(last.data, update);
    n.history.push({
      data,
      metadata: { index: ent.index, term: ent.term, confState: cs ?? last.metadata.confState },
    });
  }
  return undefined;
}

function concat(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  const la = a?.length ?? 0;
  const lb = b?.length ?? 0;
  if (la + lb === 0) return undefined;
  const out = new Uint8Array(la + lb);
  if (a) out.set(a, 0);
  if (b) out.set(b, la);
  return out;
}
