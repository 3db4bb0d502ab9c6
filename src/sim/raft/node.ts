// The Ready/Advance boundary types of etcd's node.go (spec §2.2).
import type { Entry, HardState, Message, Snapshot } from './raftpb';
import { None } from './raftpb';

export enum StateType {
  StateFollower = 0,
  StateCandidate = 1,
  StateLeader = 2,
  StatePreCandidate = 3,
}

export function stateTypeName(s: StateType): string {
  return StateType[s] ?? `StateType(${s as number})`;
}

/** Volatile state, reported in a Ready only when it changed. */
export interface SoftState {
  lead: number;
  raftState: StateType;
}

/** The result of a ReadIndex request: serve the read once applied >= index. */
export interface ReadState {
  index: number;
  requestCtx?: Uint8Array;
}

export interface Ready {
  softState?: SoftState;
  hardState: HardState;
  readStates: ReadState[];
  // Read-only: an empty batch is a shared empty array (no allocation per Ready).
  entries: readonly Entry[];
  snapshot: Snapshot | undefined;
  committedEntries: readonly Entry[];
  // Read-only, as entries: often one of raft's own lists, handed out whole.
  messages: readonly Message[];
  mustSync: boolean;
}

export enum SnapshotStatus {
  SnapshotFinish = 1,
  SnapshotFailure = 2,
}

export const emptyHardState: HardState = Object.freeze({ term: 0, vote: None, commit: 0 });

export function isEmptyHardState(st: HardState): boolean {
  return st.term === 0 && st.vote === 0 && st.commit === 0;
}

export function isHardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export function isEmptySnap(sp: Snapshot | undefined): boolean {
  return sp === undefined || sp.metadata.index === 0;
}

/** MustSync: entries to write, or Term/Vote changed (commit alone needs no fsync). */
export function mustSync(st: HardState, prev: HardState, entsnum: number): boolean {
  return entsnum !== 0 || st.vote !== prev.vote || st.term !== prev.term;
}
