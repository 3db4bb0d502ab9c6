// Protocol-level trace events in the format of etcd's TraceLogger (state_trace.go, used
// for TLA+ trace validation; the shared vector etcd-raft-trace/example.ndjson is one such
// trace). Off unless Config.traceLogger is set: every call site checks it first.
import type { ConfChangeV2, Message } from './raftpb';
import { ConfChangeType, MessageType } from './raftpb';
import type { Raft } from './raft';
import { stateTypeName } from './node';
import { msgTypeName } from './util';

export interface TracingState {
  term: number;
  vote: string;
  commit: number;
}

export interface TracingMessage {
  type: string;
  term: number;
  from: string;
  to: string;
  /** Number of entries (for MsgSnap: the snapshot index). */
  entries: number;
  logTerm: number;
  index: number;
  commit: number;
  vote: string;
  reject: boolean;
  rejectHint: number;
}

export interface TracingConfChange {
  changes?: { nid: string; action: 'AddNewServer' | 'RemoveServer' | 'AddLearner' }[];
  newconf?: string[];
}

export interface TracingEvent {
  name: string;
  nid: string;
  state: TracingState;
  role: string;
  /** The last log index. */
  log: number;
  /** Incoming and outgoing voters. */
  conf: [string[], string[]];
  msg?: TracingMessage;
  prop?: { match?: number; next?: number; cc?: TracingConfChange };
}

export interface TraceLogger {
  traceEvent(e: TracingEvent): void;
}

const str = (n: number): string => String(n);

function tracingMessage(m: Message): TracingMessage {
  const snap = m.type === MessageType.MsgSnap;
  return {
    type: msgTypeName(m.type),
    term: m.term,
    from: str(m.from),
    to: str(m.to),
    entries: snap ? (m.snapshot?.metadata.index ?? 0) : m.entries.length,
    logTerm: snap ? 0 : m.logTerm,
    index: snap ? 0 : m.index,
    commit: m.commit,
    vote: str(m.vote),
    reject: m.reject,
    rejectHint: m.rejectHint,
  };
}

export function traceEvent(tl: TraceLogger, name: string, r: Raft, m?: Message, prop?: TracingEvent['prop']): void {
  const e: TracingEvent = {
    name,
    nid: str(r.id),
    state: { term: r.term, vote: str(r.vote), commit: r.raftLog.committed },
    role: stateTypeName(r.state),
    log: r.raftLog.lastIndex(),
    conf: [r.trk.config.voters.incoming.slice().map(str), r.trk.config.voters.outgoing.slice().map(str)],
  };
  if (m !== undefined) e.msg = tracingMessage(m);
  if (prop !== undefined) e.prop = prop;
  tl.traceEvent(e);
}

/** A proposed conf change (ChangeConf); nothing for a change list without adds/removes. */
export function traceChangeConf(tl: TraceLogger, cc: ConfChangeV2, r: Raft): void {
  const changes: NonNullable<TracingConfChange['changes']> = [];
  for (const c of cc.changes) {
    const nid = str(c.nodeID);
    if (c.type === ConfChangeType.ConfChangeAddNode) changes.push({ nid, action: 'AddNewServer' });
    else if (c.type === ConfChangeType.ConfChangeRemoveNode) changes.push({ nid, action: 'RemoveServer' });
    else if (c.type === ConfChangeType.ConfChangeAddLearnerNode) changes.push({ nid, action: 'AddLearner' });
  }
  if (changes.length > 0) traceEvent(tl, 'ChangeConf', r, undefined, { cc: { changes } });
}

/** The configuration being installed (ApplyConfChange), reported before it takes effect. */
export function traceApplyConfChange(tl: TraceLogger, newVoters: readonly number[], r: Raft): void {
  const cc: TracingConfChange = newVoters.length > 0 ? { newconf: newVoters.map(str) } : {};
  traceEvent(tl, 'ApplyConfChange', r, undefined, { cc });
}

export function traceSendMessage(tl: TraceLogger, r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.MsgApp: {
      // As etcd: the progress of the sender (the leader itself).
      const pr = r.trk.progress.get(m.from);
      traceEvent(tl, 'SendAppendEntriesRequest', r, m, pr === undefined ? undefined : { match: pr.match, next: pr.next });
      return;
    }
    case MessageType.MsgHeartbeat:
    case MessageType.MsgSnap:
      traceEvent(tl, 'SendAppendEntriesRequest', r, m);
      return;
    case MessageType.MsgAppResp:
    case MessageType.MsgHeartbeatResp:
      traceEvent(tl, 'SendAppendEntriesResponse', r, m);
      return;
    case MessageType.MsgVote:
      traceEvent(tl, 'SendRequestVoteRequest', r, m);
      return;
    case MessageType.MsgVoteResp:
      traceEvent(tl, 'SendRequestVoteResponse', r, m);
      return;
  }
}

export function traceReceiveMessage(tl: TraceLogger, r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.MsgApp:
    case MessageType.MsgHeartbeat:
    case MessageType.MsgSnap:
      traceEvent(tl, 'ReceiveAppendEntriesRequest', r, m);
      return;
    case MessageType.MsgAppResp:
    case MessageType.MsgHeartbeatResp:
      traceEvent(tl, 'ReceiveAppendEntriesResponse', r, m);
      return;
    case MessageType.MsgVote:
      traceEvent(tl, 'ReceiveRequestVoteRequest', r, m);
      return;
    case MessageType.MsgVoteResp:
      traceEvent(tl, 'ReceiveRequestVoteResponse', r, m);
      return;
  }
}
