// Rebuilds a configuration from a ConfState, at startup and on snapshot restore
// (confchange/restore.go, spec §8.7).
import type { ConfChangeSingle, ConfState } from '../raftpb';
import { ConfChangeType } from '../raftpb';
import type { Changer, ConfChangeResult } from './confchange';

// The changes that, applied to an empty config, produce cs: `outgoing` to run one by one
// first, then `incoming` as a joint change if the config is joint.
function toConfChangeSingle(cs: ConfState): { outgoing: ConfChangeSingle[]; incoming: ConfChangeSingle[] } {
  const outgoing: ConfChangeSingle[] = [];
  const incoming: ConfChangeSingle[] = [];
  for (const id of cs.votersOutgoing) {
    // Add the outgoing voters first, as a simple config; then remove them in the joint step.
    outgoing.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: id });
    incoming.push({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: id });
  }
  for (const id of cs.voters) incoming.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: id });
  for (const id of cs.learners) incoming.push({ type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: id });
  // LearnersNext are voters being demoted: in the joint step they are added as learners
  // while still in the outgoing config, which stages them in LearnersNext.
  for (const id of cs.learnersNext) incoming.push({ type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: id });
  return { outgoing, incoming };
}

/**
 * The configuration and progress map described by cs. Like etcd, it installs each
 * intermediate step into chg.tracker so the next step builds on it.
 */
export function restore(chg: Changer, cs: ConfState): ConfChangeResult {
  const { outgoing, incoming } = toConfChangeSingle(cs);
  let last: ConfChangeResult = { config: chg.tracker.config.clone(), progress: chg.tracker.progress };
  const run = (result: () => ConfChangeResult): void => {
    last = result();
    chg.tracker.config = last.config;
    chg.tracker.progress = last.progress;
  };
  if (outgoing.length === 0) {
    for (const cc of incoming) run(() => chg.simple([cc]));
  } else {
    for (const cc of outgoing) run(() => chg.simple([cc]));
    run(() => chg.enterJoint(cs.autoLeave, incoming));
  }
  return last;
}
