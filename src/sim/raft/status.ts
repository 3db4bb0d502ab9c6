// A snapshot of a node's state for hosts and tests (status.go, Appendix A).
import type { HardState } from './raftpb';
import type { SoftState } from './node';
import { StateType, stateTypeName } from './node';
import type { Raft } from './raft';
import type { Progress } from './tracker/progress';
import type { TrackerConfig } from './tracker/tracker';
import { progressStateName } from './tracker/state';
import { hex } from './util';

export interface BasicStatus {
  id: number;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  leadTransferee: number;
}

export interface Status extends BasicStatus {
  config: TrackerConfig;
  /** Per-peer progress (copies); only on a leader, else empty. */
  progress: Map<number, Progress>;
}

export function getBasicStatus(r: Raft): BasicStatus {
  return {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.raftLog.applied,
    leadTransferee: r.leadTransferee,
  };
}

export function getProgressCopy(r: Raft): Map<number, Progress> {
  const m = new Map<number, Progress>();
  r.trk.visit((id, pr) => {
    const p = pr.copy();
    p.inflights = pr.inflights.clone();
    m.set(id, p);
  });
  return m;
}

export function getStatus(r: Raft): Status {
  const basic = getBasicStatus(r);
  return {
    ...basic,
    config: r.trk.config.clone(),
    progress: basic.softState.raftState === StateType.StateLeader ? getProgressCopy(r) : new Map(),
  };
}

/** Status as etcd's JSON form (ids in hex, progress keyed by hex id). */
export function statusToJSON(s: Status): string {
  let j = `{"id":"${hex(s.id)}","term":${s.hardState.term},"vote":"${hex(s.hardState.vote)}","commit":${s.hardState.commit},"lead":"${hex(s.softState.lead)}","raftState":${JSON.stringify(stateTypeName(s.softState.raftState))},"applied":${s.applied},"progress":{`;
  const ids = Array.from(s.progress.keys()).sort((a, b) => a - b);
  j += ids
    .map((id) => {
      const pr = s.progress.get(id)!;
      return `"${hex(id)}":{"match":${pr.match},"next":${pr.next},"state":${JSON.stringify(progressStateName(pr.state))}}`;
    })
    .join(',');
  return j + `},"leadtransferee":"${hex(s.leadTransferee)}"}`;
}
