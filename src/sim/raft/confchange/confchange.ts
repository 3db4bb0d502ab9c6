// Applies membership changes to a copy of the tracker's configuration, with joint
// consensus (confchange/confchange.go, spec §8.4). Errors carry etcd's messages.
import type { ConfChangeSingle } from '../raftpb';
import { ConfChangeType } from '../raftpb';
import { Inflights } from '../tracker/inflights';
import { Progress } from '../tracker/progress';
import type { ProgressTracker, TrackerConfig } from '../tracker/tracker';
import { ProgressMap } from '../tracker/tracker';
import { MajorityConfig } from '../quorum/majority';

export interface ConfChangeResult {
  config: TrackerConfig;
  progress: ProgressMap;
}

/** Changes a ProgressTracker's configuration; lastIndex seeds new peers' Next. */
export class Changer {
  constructor(
    readonly tracker: ProgressTracker,
    readonly lastIndex: number,
  ) {}

  /** Enters a joint config: outgoing := incoming, then the changes apply to incoming. */
  enterJoint(autoLeave: boolean, ccs: readonly ConfChangeSingle[]): ConfChangeResult {
    const { config, progress } = this.checkAndCopy();
    if (config.voters.isJoint()) throw new Error('config is already joint');
    if (config.voters.incoming.size === 0) {
      // Adding nodes to an empty config is allowed (bootstrap), but not via joint consensus.
      throw new Error("can't make a zero-voter config joint");
    }
    config.voters.outgoing = config.voters.incoming.clone();
    this.apply(config, progress, ccs);
    config.autoLeave = autoLeave;
    return this.checkAndReturn(config, progress);
  }

  /** Leaves a joint config: staged learners become learners, outgoing-only peers go. */
  leaveJoint(): ConfChangeResult {
    const { config, progress } = this.checkAndCopy();
    if (!config.voters.isJoint()) throw new Error("can't leave a non-joint config");
    if (config.learnersNext !== undefined) {
      for (const id of config.learnersNext) {
        config.learners ??= new Set();
        config.learners.add(id);
        progress.get(id)!.isLearner = true;
      }
    }
    config.learnersNext = undefined;
    for (const id of config.voters.outgoing.ids) {
      const isVoter = config.voters.incoming.has(id);
      const isLearner = config.learners?.has(id) ?? false;
      if (!isVoter && !isLearner) progress.delete(id);
    }
    config.voters.outgoing = new MajorityConfig();
    config.autoLeave = false;
    return this.checkAndReturn(config, progress);
  }

  /** Applies changes that alter the voters by at most one (no joint consensus needed). */
  simple(ccs: readonly ConfChangeSingle[]): ConfChangeResult {
    const { config, progress } = this.checkAndCopy();
    if (config.voters.isJoint()) throw new Error("can't apply simple config change in joint config");
    const before = config.voters.incoming.clone();
    this.apply(config, progress, ccs);
    if (symdiff(before, config.voters.incoming) > 1) {
      throw new Error('more than one voter changed without entering joint config');
    }
    return this.checkAndReturn(config, progress);
  }

  private apply(config: TrackerConfig, progress: ProgressMap, ccs: readonly ConfChangeSingle[]): void {
    for (const cc of ccs) {
      // NodeID 0 is how an application cancels a change downstream.
      if (cc.nodeID === 0) continue;
      switch (cc.type) {
        case ConfChangeType.ConfChangeAddNode:
          this.makeVoter(config, progress, cc.nodeID);
          break;
        case ConfChangeType.ConfChangeAddLearnerNode:
          this.makeLearner(config, progress, cc.nodeID);
          break;
        case ConfChangeType.ConfChangeRemoveNode:
          this.remove(config, progress, cc.nodeID);
          break;
        case ConfChangeType.ConfChangeUpdateNode:
          break;
        default:
          throw new Error(`unexpected conf type ${cc.type as number}`);
      }
    }
    if (config.voters.incoming.size === 0) throw new Error('removed all voters');
  }

  private makeVoter(config: TrackerConfig, progress: ProgressMap, id: number): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.initProgress(config, progress, id, false);
      return;
    }
    pr.isLearner = false;
    deleteFrom(config, 'learners', id);
    deleteFrom(config, 'learnersNext', id);
    config.voters.incoming.add(id);
  }

  private makeLearner(config: TrackerConfig, progress: ProgressMap, id: number): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.initProgress(config, progress, id, true);
      return;
    }
    if (pr.isLearner) return;
    // Remove as a voter, keeping the Progress.
    config.voters.incoming.delete(id);
    deleteFrom(config, 'learners', id);
    deleteFrom(config, 'learnersNext', id);
    // A voter of the outgoing config becomes a learner only when the joint config is left.
    if (config.voters.outgoing.has(id)) {
      config.learnersNext ??= new Set();
      config.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      config.learners ??= new Set();
      config.learners.add(id);
    }
  }

  private remove(config: TrackerConfig, progress: ProgressMap, id: number): void {
    if (!progress.has(id)) return;
    config.voters.incoming.delete(id);
    deleteFrom(config, 'learners', id);
    deleteFrom(config, 'learnersNext', id);
    // An outgoing voter keeps its Progress until the joint config is left.
    if (!config.voters.outgoing.has(id)) progress.delete(id);
  }

  // New peers start probing at the last index and count as recently active (§8.5).
  private initProgress(config: TrackerConfig, progress: ProgressMap, id: number, isLearner: boolean): void {
    if (!isLearner) {
      config.voters.incoming.add(id);
    } else {
      config.learners ??= new Set();
      config.learners.add(id);
    }
    const inflights = new Inflights(this.tracker.maxInflight, this.tracker.maxInflightBytes);
    progress.set(id, new Progress(Math.max(this.lastIndex, 1), inflights, isLearner, true));
  }

  private checkAndCopy(): ConfChangeResult {
    const config = this.tracker.config.clone();
    const progress = new ProgressMap();
    for (const id of this.tracker.progress.ids()) progress.set(id, this.tracker.progress.get(id)!.copy());
    checkInvariants(config, progress);
    return { config, progress };
  }

  private checkAndReturn(config: TrackerConfig, progress: ProgressMap): ConfChangeResult {
    checkInvariants(config, progress);
    return { config, progress };
  }
}

function deleteFrom(config: TrackerConfig, key: 'learners' | 'learnersNext', id: number): void {
  const set = config[key];
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) config[key] = undefined;
}

function symdiff(l: MajorityConfig, r: MajorityConfig): number {
  let n = 0;
  for (const id of l.ids) if (!r.has(id)) n++;
  for (const id of r.ids) if (!l.has(id)) n++;
  return n;
}

/** The invariants etcd checks before and after every change (spec §8.1). */
function checkInvariants(config: TrackerConfig, progress: ProgressMap): void {
  for (const ids of [config.voters.ids(), config.learners ?? [], config.learnersNext ?? []]) {
    for (const id of ids) {
      if (!progress.has(id)) throw new Error(`no progress for ${id}`);
    }
  }
  for (const id of config.learnersNext ?? []) {
    if (!config.voters.outgoing.has(id)) throw new Error(`${id} is in LearnersNext, but not Voters[1]`);
    if (progress.get(id)!.isLearner) throw new Error(`${id} is in LearnersNext, but is already marked as learner`);
  }
  for (const id of config.learners ?? []) {
    if (config.voters.outgoing.has(id)) throw new Error(`${id} is in Learners and Voters[1]`);
    if (config.voters.incoming.has(id)) throw new Error(`${id} is in Learners and Voters[0]`);
    if (!progress.get(id)!.isLearner) throw new Error(`${id} is in Learners, but is not marked as learner`);
  }
  if (!config.voters.isJoint()) {
    if (config.learnersNext !== undefined) throw new Error('cfg.LearnersNext must be nil when not joint');
    if (config.autoLeave) throw new Error('AutoLeave must be false when not joint');
  }
}
