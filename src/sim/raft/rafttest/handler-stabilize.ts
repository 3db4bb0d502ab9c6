// stabilize [ID...] [log-level=L]: handle Readies, deliver messages and run the storage
// threads until nothing is left to do (rafttest/interaction_env_handler_stabilize.go, §13.4).
import type { CmdArg } from './datadriven';
import { nodeIdxs } from './datadriven';
import type { InteractionEnv, Node } from './interaction-env';
import { deliverMsgs, splitMsgs } from './handler-deliver-msgs';
import { processReady } from './handler-process-ready';
import { processAppendThread, processApplyThread } from './handler-threads';
import { setLogLevel } from './handler-inspect';

export function handleStabilize(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  const idxs = nodeIdxs(args);
  const oldLevel = env.output.level;
  try {
    for (const arg of args) {
      if (arg.key === 'log-level' && arg.vals.length > 0) {
        const err = setLogLevel(env, arg.vals[0]);
        if (err !== undefined) return err;
      }
    }
    return stabilize(env, idxs);
  } finally {
    env.output.level = oldLevel;
  }
}

export function stabilize(env: InteractionEnv, idxs: readonly number[]): Error | undefined {
  const nodes: Node[] = idxs.length > 0 ? idxs.map((i) => env.node(i)) : env.nodes.slice();
  for (;;) {
    let done = true;
    for (const n of nodes) {
      if (!n.rawNode.hasReady()) continue;
      const id = n.rawNode.raft.id;
      env.output.write(`> ${id} handling Ready\n`);
      let err: Error | undefined;
      env.output.withIndent(() => {
        err = processReady(env, id - 1);
      });
      if (err !== undefined) return err;
      done = false;
    }
    for (const n of nodes) {
      const id = n.rawNode.raft.id;
      if (splitMsgs(env.messages, id, -1, false)[0].length === 0) continue;
      env.output.write(`> ${id} receiving messages\n`);
      env.output.withIndent(() => {
        deliverMsgs(env, -1, [{ id, drop: false }]);
      });
      done = false;
    }
    for (const n of nodes) {
      if (n.appendWork.length === 0) continue;
      const id = n.rawNode.raft.id;
      env.output.write(`> ${id} processing append thread\n`);
      while (n.appendWork.length > 0) {
        let err: Error | undefined;
        env.output.withIndent(() => {
          err = processAppendThread(env, id - 1);
        });
        if (err !== undefined) return err;
      }
      done = false;
    }
    for (const n of nodes) {
      if (n.applyWork.length === 0) continue;
      const id = n.rawNode.raft.id;
      env.output.write(`> ${id} processing apply thread\n`);
      while (n.applyWork.length > 0) {
        env.output.withIndent(() => {
          processApplyThread(env, id - 1);
        });
      }
      done = false;
    }
    if (done) return undefined;
  }
}
