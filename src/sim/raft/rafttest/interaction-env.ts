// The environment of an interaction transcript: nodes, in-flight messages and the output
// buffer shared by all commands of a file (rafttest/interaction_env.go, spec §13.2).
import type { Message, Snapshot } from '../raftpb';
import type { Config } from '../raft';
import type { RawNode } from '../rawnode';
import { MemoryStorage } from '../storage';
import type { CmdArg } from './datadriven';
import { RedirectLogger } from './redirect-logger';

/** MemoryStorage whose Snapshot() is the node's latest applied state (its History). */
export class HarnessStorage extends MemoryStorage {
  constructor(private readonly latest: () => Snapshot) {
    super();
  }

  override snapshot(): Snapshot {
    return this.latest();
  }
}

export interface Node {
  rawNode: RawNode;
  storage: HarnessStorage;
  config: Config;
  /** Queued MsgStorageAppend / MsgStorageApply (async storage writes). */
  appendWork: Message[];
  applyWork: Message[];
  /** One snapshot per applied entry, starting with the initial one. */
  history: Snapshot[];
}

/** A command handler: returns an error to print, throws for a malformed command. */
export type Handler = (env: InteractionEnv, args: CmdArg[], input: string) => Error | undefined;

export class InteractionEnv {
  readonly nodes: Node[] = [];
  /** In-flight network messages, in FIFO order. */
  messages: Message[] = [];
  readonly output = new RedirectLogger();

  node(idx: number): Node {
    const n = this.nodes[idx];
    if (n === undefined) throw new Error(`no node with id ${idx + 1}`);
    return n;
  }

  /**
   * Runs f for each node index; with several nodes each run is headed `> N <header>` and
   * its output indented. Stops at the first error.
   */
  forEachNode(idxs: readonly number[], header: string, f: (idx: number) => Error | undefined): Error | undefined {
    for (const idx of idxs) {
      let err: Error | undefined;
      if (idxs.length > 1) {
        this.output.write(`> ${idx + 1} ${header}\n`);
        this.output.withIndent(() => {
          err = f(idx);
        });
      } else {
        err = f(idx);
      }
      if (err !== undefined) return err;
    }
    return undefined;
  }
}
