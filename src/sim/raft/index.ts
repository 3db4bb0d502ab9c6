// The public API of the Raft library.
export * from './raftpb';
export type { Config } from './raft';
export { CampaignType, ErrProposalDropped, Raft } from './raft';
export type { Peer } from './rawnode';
export { ErrStepLocalMsg, ErrStepPeerNotFound, ProgressType, RawNode } from './rawnode';
export type { ReadState, Ready, SoftState } from './node';
export { SnapshotStatus, StateType, isEmptyHardState, isEmptySnap, mustSync, stateTypeName } from './node';
export { ReadOnlyOption } from './read-only';
export type { Storage } from './storage';
export {
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrSnapshotTemporarilyUnavailable,
  ErrUnavailable,
  MemoryStorage,
  StorageError,
} from './storage';
export type { LogFields, LogRecord, Logger } from './logger';
export { LogLevel, RecordLogger, discardLogger, logLevelNames } from './logger';
export type { BasicStatus, Status } from './status';
export type { TraceLogger, TracingConfChange, TracingEvent, TracingMessage, TracingState } from './state-trace';
export { statusToJSON } from './status';
export type { EntryFormatter } from './util';
export {
  describeConfState,
  describeEntries,
  describeEntry,
  describeHardState,
  describeMessage,
  describeReady,
  describeSnapshot,
  describeSoftState,
  describeTarget,
  entsSize,
  isLocalMsg,
  isResponseMsg,
  limitSize,
  msgTypeName,
  payloadSize,
  payloadsSize,
} from './util';
export { Progress } from './tracker/progress';
export { ProgressStateType, progressStateName } from './tracker/state';
export { etcdRaftConfig, etcdRaftDefaults } from './etcd-config';
