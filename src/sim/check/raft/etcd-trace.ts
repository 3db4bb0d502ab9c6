// Reads the trace that etcd/raft writes through its TraceLogger hook (build tag
// with_tla; etcd-io/raft state_trace.go, validated by tla/Traceetcdraft.tla) and turns
// it into RaftObservations. Format: ../shared/vectors/etcd-raft-trace/MANIFEST.md.
//
// What the trace supports. Each event carries the node's term, vote, commit, role, last
// log index and voter configuration after the event (before it, for Receive* events),
// so state, commit and config observations are exact. It carries no entry terms or
// payloads, so entries are derived, soundly, from what the library does:
//   * a leader's log grows only by its own appends, all in its current term;
//   * a node's first entries with no message to explain them are its bootstrap
//     entries, in its current term (term 1, raft.md §2.8);
//   * a MsgApp carries the sender's entries at (index, index + entries]: their terms
//     are read from the sender's derived log when it is sent, and a follower takes
//     them as handleAppendEntries does (raft.md §4.3).
// A Ready event persists the node's whole log and HardState (the trace comes from the
// synchronous rafttest harness), so it yields the entries and hard-state observations.
// Derived log lengths are checked against every event's `log`; a mismatch is an error.
// InitState of a node already seen is a restart: it yields crash and restart, and the
// node's log falls back to what its Readys persisted. Not supported: payload digests
// (absent), applied entries (not traced; a restart resumes at applied 0), and MsgSnap
// (the trace gives a snapshot's index but not its term): a MsgSnap is an error.

import { z } from 'zod';
import type { MemberId, ObservedEntry, RaftObservation, Role } from './observation';
import { TermLog } from './term-log';

/** Bad input: what is wrong and on which line (1-based). */
export class EtcdTraceError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'EtcdTraceError';
  }
}

const count = z.number().int().nonnegative();
const nodeId = z
  .string()
  .regex(/^\d+$/, 'expected a decimal node id')
  .transform(Number)
  .refine(Number.isSafeInteger, 'node id too large for this simulator');

const ROLES = {
  StateFollower: 'follower',
  StatePreCandidate: 'pre-candidate',
  StateCandidate: 'candidate',
  StateLeader: 'leader',
} as const satisfies Record<string, Role>;

const messageSchema = z.object({
  type: z.string(),
  term: count,
  from: nodeId,
  to: nodeId,
  entries: count,
  logTerm: count,
  index: count,
  commit: count,
});

const eventSchema = z.object({
  name: z.enum([
    'InitState',
    'BecomeFollower',
    'BecomeCandidate',
    'BecomeLeader',
    'Ready',
    'Commit',
    'Replicate',
    'ApplyConfChange',
    'ChangeConf',
    'SendAppendEntriesRequest',
    'ReceiveAppendEntriesRequest',
    'SendAppendEntriesResponse',
    'ReceiveAppendEntriesResponse',
    'SendRequestVoteRequest',
    'ReceiveRequestVoteRequest',
    'SendRequestVoteResponse',
    'ReceiveRequestVoteResponse',
  ]),
  nid: nodeId,
  state: z.object({ term: count, vote: nodeId, commit: count }),
  role: z.enum(Object.keys(ROLES) as [keyof typeof ROLES]),
  log: count,
  conf: z.tuple([z.array(nodeId), z.array(nodeId)]),
  msg: messageSchema.optional(),
  prop: z.object({ cc: z.object({ newconf: z.array(nodeId).optional() }).optional() }).optional(),
});

const recordSchema = z.object({ tag: z.string(), event: z.unknown() });

export type EtcdTraceEvent = z.infer<typeof eventSchema>;
type EtcdTraceMessage = z.infer<typeof messageSchema>;

/** An event and the line it came from. */
export interface TracedEvent {
  readonly line: number;
  readonly event: EtcdTraceEvent;
}

/** Parses the ndjson text; blank lines and records not tagged "trace" are skipped. */
export function parseEtcdTrace(text: string): TracedEvent[] {
  const events: TracedEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const event = parseLine(lines[i], i + 1);
    if (event !== undefined) events.push({ line: i + 1, event });
  }
  return events;
}

function parseLine(text: string, line: number): EtcdTraceEvent | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EtcdTraceError(line, `not valid JSON (${(e as Error).message})`);
  }
  const record = recordSchema.safeParse(json);
  if (!record.success) throw new EtcdTraceError(line, describe(record.error));
  if (record.data.tag !== 'trace') return undefined;
  const event = eventSchema.safeParse(record.data.event);
  if (!event.success) throw new EtcdTraceError(line, `event.${describe(event.error)}`);
  const isMessageEvent = event.data.name.startsWith('Send') || event.data.name.startsWith('Receive');
  if (isMessageEvent && event.data.msg === undefined) {
    throw new EtcdTraceError(line, `event.msg: required on ${event.data.name}`);
  }
  return event.data;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue.path.join('.');
  return field === '' ? issue.message : `${field}: ${issue.message}`;
}

/** What the adapter knows of one node. */
interface NodeView {
  /** The node's whole log (durable and not), as derived. */
  readonly log: TermLog;
  /** First index changed since the last Ready. */
  dirtyFrom: number;
  term: number;
  vote: MemberId;
  role: Role;
  commit: number;
  conf: string;
  /** The HardState of the last Ready. */
  durable: { term: number; vote: MemberId; commit: number };
}

/** Turns parsed events into observations; throws EtcdTraceError where entries cannot be derived. */
export function etcdTraceObservations(events: Iterable<TracedEvent>): RaftObservation[] {
  const nodes = new Map<MemberId, NodeView>();
  // Entry terms of each MsgApp sent, by sender, term, prev index and count: within one
  // leader term the sender's log only grows, so equal keys carry equal entries.
  const sent = new Map<string, number[]>();
  const out: RaftObservation[] = [];

  for (const { line, event: e } of events) {
    const member = e.nid;
    let v = nodes.get(member);
    if (v === undefined) {
      const durable = { term: 0, vote: 0, commit: 0 };
      v = { log: new TermLog(), dirtyFrom: 1, ...durable, role: 'follower', conf: '[[],[]]', durable };
      nodes.set(member, v);
    } else if (e.name === 'InitState') {
      // A known node starting again is a restart (Traceetcdraft.tla): only what its
      // Readys persisted survives, and the checker resets the same volatile state.
      v.log.truncateFrom(v.dirtyFrom);
      v.dirtyFrom = v.log.lastIndex + 1;
      Object.assign(v, v.durable, { role: 'follower' });
      out.push({ kind: 'crash', member, t: line }, { kind: 'restart', member, t: line, applied: 0 });
    }
    const role = ROLES[e.role];
    const fail: (reason: string) => never = (reason) => {
      throw new EtcdTraceError(line, `node ${member}: ${reason}`);
    };

    if (e.log > v.log.lastIndex) {
      // Only a leader's own appends and bootstrap add entries without a message.
      if (role !== 'leader' && v.log.lastIndex !== 0) {
        fail(`log grew from ${v.log.lastIndex} to ${e.log} with no MsgApp to explain it`);
      }
      v.dirtyFrom = Math.min(v.dirtyFrom, v.log.lastIndex + 1);
      while (v.log.lastIndex < e.log) v.log.push(e.state.term);
    } else if (e.log < v.log.lastIndex) {
      fail(`log shrank from ${v.log.lastIndex} to ${e.log} with no MsgApp to explain it`);
    }

    if (e.msg?.type === 'MsgSnap') fail('MsgSnap is not supported: the trace omits the snapshot term');
    if (e.name === 'SendAppendEntriesRequest' && e.msg?.type === 'MsgApp') {
      const { index, entries } = e.msg;
      if (index + entries > v.log.lastIndex) fail(`sent entries up to ${index + entries} beyond its log ${v.log.lastIndex}`);
      const terms: number[] = [];
      for (let i = index + 1; i <= index + entries; i++) terms.push(v.log.termAt(i) ?? 0);
      sent.set(messageKey(e.msg), terms);
    }

    if (e.state.term !== v.term || e.state.vote !== v.vote || role !== v.role) {
      v.term = e.state.term;
      v.vote = e.state.vote;
      v.role = role;
      out.push({ kind: 'state', member, t: line, term: v.term, vote: v.vote, role });
    }
    // ApplyConfChange shows the config before the change but the commit after it, which a
    // smaller quorum may have advanced: take the new voters (not joint: never stricter).
    const newVoters = e.name === 'ApplyConfChange' ? e.prop?.cc?.newconf : undefined;
    const [voters, outgoing] = newVoters === undefined ? e.conf : [newVoters, []];
    const conf = JSON.stringify([voters, outgoing]);
    if (conf !== v.conf) {
      v.conf = conf;
      out.push({ kind: 'config', member, t: line, voters, outgoing });
    }
    if (e.state.commit !== v.commit) {
      v.commit = e.state.commit;
      out.push({ kind: 'commit', member, t: line, commit: v.commit });
    }

    if (e.name === 'ReceiveAppendEntriesRequest' && e.msg?.type === 'MsgApp') {
      const terms = sent.get(messageKey(e.msg));
      if (terms === undefined) fail(`received a MsgApp from ${e.msg.from} that was never sent`);
      takeEntries(v, e.msg, e.state, terms);
    }

    if (e.name === 'Ready') {
      if (v.dirtyFrom <= v.log.lastIndex) {
        const entries: ObservedEntry[] = [];
        for (let i = v.dirtyFrom; i <= v.log.lastIndex; i++) entries.push({ index: i, term: v.log.termAt(i) ?? 0 });
        out.push({ kind: 'entries', member, t: line, entries });
      }
      v.dirtyFrom = v.log.lastIndex + 1;
      const { term, vote, commit } = e.state;
      const d = v.durable;
      if (term !== d.term || vote !== d.vote || commit !== d.commit) {
        v.durable = { term, vote, commit };
        out.push({ kind: 'hard-state', member, t: line, term, vote, commit });
      }
    }
  }
  return out;
}

/** Parses and adapts a whole trace file. */
export function readEtcdTrace(text: string): RaftObservation[] {
  return etcdTraceObservations(parseEtcdTrace(text));
}

function messageKey(m: EtcdTraceMessage): string {
  return `${m.from}|${m.term}|${m.index}|${m.logTerm}|${m.entries}`;
}

/** The follower side of MsgApp (raft.md §3.6, §4.3); `state` is the node's state before it. */
function takeEntries(v: NodeView, m: EtcdTraceMessage, state: EtcdTraceEvent['state'], terms: readonly number[]): void {
  if (m.term < state.term) return; // stale: ignored
  if (m.index < state.commit) return; // below commit: answered with the commit index
  if (v.log.termAt(m.index) !== m.logTerm) return; // rejected
  for (let k = 0; k < terms.length; k++) {
    const index = m.index + 1 + k;
    if (v.log.termAt(index) === terms[k]) continue;
    // First conflict (or the end of the log): everything from here is replaced.
    v.log.truncateFrom(index);
    for (let j = k; j < terms.length; j++) v.log.push(terms[j]);
    v.dirtyFrom = Math.min(v.dirtyFrom, index);
    return;
  }
}
