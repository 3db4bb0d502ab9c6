// add-nodes N [voters=(..)] [learners=(..)] [index=I] [content=..] [options...]
import type { Snapshot } from '../raftpb';
import { emptySnapshot } from '../raftpb';
import type { Config } from '../raft';
import { RawNode } from '../rawnode';
import { ReadOnlyOption } from '../read-only';
import { isEmptySnap } from '../node';
import type { CmdArg } from './datadriven';
import { keyAsInt, scanBool, scanInt } from './datadriven';
import type { InteractionEnv } from './interaction-env';
import { HarnessStorage } from './interaction-env';

/** The harness's config stub: no limits, ElectionTick 3, HeartbeatTick 1 (§13.2). */
function raftConfigStub(): Omit<Config, 'id' | 'storage'> {
  return { electionTick: 3, heartbeatTick: 1, maxSizePerMsg: Infinity, maxInflightMsgs: 2 ** 31 - 1 };
}

export function handleAddNodes(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const n = keyAsInt(args, 0);
  const snap = emptySnapshot();
  const cfg = raftConfigStub();
  for (const arg of args.slice(1)) {
    for (let i = 0; i < arg.vals.length; i++) {
      switch (arg.key) {
        case 'voters':
          snap.metadata.confState.voters.push(scanInt(arg, i));
          break;
        case 'learners':
          snap.metadata.confState.learners.push(scanInt(arg, i));
          break;
        case 'inflight':
          cfg.maxInflightMsgs = scanInt(arg, i);
          break;
        case 'index':
          snap.metadata.index = scanInt(arg, i);
          cfg.applied = snap.metadata.index;
          break;
        case 'content':
          snap.data = new TextEncoder().encode(arg.vals[i]);
          break;
        case 'async-storage-writes':
          cfg.asyncStorageWrites = scanBool(arg, i);
          break;
        case 'prevote':
          cfg.preVote = scanBool(arg, i);
          break;
        case 'checkquorum':
          cfg.checkQuorum = scanBool(arg, i);
          break;
        case 'max-committed-size-per-ready':
          cfg.maxCommittedSizePerReady = scanInt(arg, i);
          break;
        case 'disable-conf-change-validation':
          cfg.disableConfChangeValidation = scanBool(arg, i);
          break;
        case 'step-down-on-removal':
          cfg.stepDownOnRemoval = scanBool(arg, i);
          break;
        case 'read-only':
          switch (arg.vals[i]) {
            case 'safe':
              cfg.readOnlyOption = ReadOnlyOption.ReadOnlySafe;
              break;
            case 'lease-based':
              cfg.readOnlyOption = ReadOnlyOption.ReadOnlyLeaseBased;
              break;
            default:
              return new Error(`invalid read-only option "${arg.vals[i]}"`);
          }
          break;
      }
    }
  }
  return addNodes(env, n, cfg, snap);
}

/** Adds n nodes with consecutive ids, each storage seeded with snap if it is not empty. */
function addNodes(env: InteractionEnv, n: number, cfg: Omit<Config, 'id' | 'storage'>, snap: Snapshot): Error | undefined {
  const bootstrap = !isEmptySnap(snap) || snap.data !== undefined || hasMembers(snap);
  for (let i = 0; i < n; i++) {
    const id = 1 + env.nodes.length;
    const storage = new HarnessStorage(() => {
      const h = env.nodes[id - 1].history;
      return h[h.length - 1];
    });
    if (bootstrap) {
      // MemoryStorage cannot express a snapshot at index 1 (the dummy entry), hence > 1.
      if (snap.metadata.index <= 1) return new Error('index must be specified as > 1 due to bootstrap');
      snap.metadata.term = 1;
      storage.applySnapshot(snap);
      const fi = storage.firstIndex();
      if (fi !== snap.metadata.index + 1) {
        return new Error(`failed to establish first index ${snap.metadata.index + 1}; got ${fi}`);
      }
    }
    const config: Config = { ...cfg, id, storage, logger: env.output };
    const rawNode = new RawNode(config);
    env.nodes.push({ rawNode, storage, config, appendWork: [], applyWork: [], history: [snap] });
  }
  return undefined;
}

function hasMembers(snap: Snapshot): boolean {
  const cs = snap.metadata.confState;
  return cs.voters.length > 0 || cs.learners.length > 0;
}
