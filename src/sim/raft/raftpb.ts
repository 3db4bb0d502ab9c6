// The Raft wire and data model (spec raft.md §1), mirroring etcd's raftpb package.
// IDs, terms and indexes are plain numbers: in a simulation they stay far below 2^53.
// `None` (0) means "no node". Payloads are bytes; `undefined` stands for Go's nil.

export const None = 0;

export enum EntryType {
  EntryNormal = 0,
  EntryConfChange = 1,
  EntryConfChangeV2 = 2,
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data?: Uint8Array;
}

export interface HardState {
  term: number;
  vote: number;
  commit: number;
}

export interface ConfState {
  voters: number[];
  learners: number[];
  votersOutgoing: number[];
  learnersNext: number[];
  autoLeave: boolean;
}

export interface SnapshotMetadata {
  confState: ConfState;
  index: number;
  term: number;
}

export interface Snapshot {
  data?: Uint8Array;
  metadata: SnapshotMetadata;
}

export enum MessageType {
  MsgHup = 0,
  MsgBeat = 1,
  MsgProp = 2,
  MsgApp = 3,
  MsgAppResp = 4,
  MsgVote = 5,
  MsgVoteResp = 6,
  MsgSnap = 7,
  MsgHeartbeat = 8,
  MsgHeartbeatResp = 9,
  MsgUnreachable = 10,
  MsgSnapStatus = 11,
  MsgCheckQuorum = 12,
  MsgTransferLeader = 13,
  MsgTimeoutNow = 14,
  MsgReadIndex = 15,
  MsgReadIndexResp = 16,
  MsgPreVote = 17,
  MsgPreVoteResp = 18,
  MsgStorageAppend = 19,
  MsgStorageAppendResp = 20,
  MsgStorageApply = 21,
  MsgStorageApplyResp = 22,
  MsgForgetLeader = 23,
}

export interface Message {
  type: MessageType;
  to: number;
  from: number;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  vote: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  context?: Uint8Array;
  responses: Message[];
}

export enum ConfChangeType {
  ConfChangeAddNode = 0,
  ConfChangeRemoveNode = 1,
  ConfChangeUpdateNode = 2,
  ConfChangeAddLearnerNode = 3,
}

export enum ConfChangeTransition {
  ConfChangeTransitionAuto = 0,
  ConfChangeTransitionJointImplicit = 1,
  ConfChangeTransitionJointExplicit = 2,
}

export interface ConfChange {
  id: number;
  type: ConfChangeType;
  nodeID: number;
  context?: Uint8Array;
}

export interface ConfChangeSingle {
  type: ConfChangeType;
  nodeID: number;
}

export interface ConfChangeV2 {
  transition: ConfChangeTransition;
  changes: ConfChangeSingle[];
  context?: Uint8Array;
}
