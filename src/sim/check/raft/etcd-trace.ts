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
import { describeZodError } from '../zod-issue';

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
  if (!record.success) throw new EtcdTraceError(line, describeZodError(record.error));
  if (record.data.tag !== 'trace') return undefined;
  const event = eventSchema.safeParse(record.data.event);
  if (!event.success) throw new EtcdTraceError(line, `event.${describeZodError(event.error)}`);
  const isMessageEvent = event.data.name.startsWith('Send') || event.data.name.startsWith('Receive');
  if (isMessageEvent && event.data.msg === undefined) {
    throw new EtcdTraceError(line, `event.msg: required on ${event.data.name}`);
  }
  return event.data;
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
  const adapter = new TraceAdapter();
  for (const { line, event } of events) adapter.step(line, event);
  return adapter.out;
}

class TraceAdapter {
  readonly out: RaftObservation[] = [];
  private readonly nodes = new Map<MemberId, NodeView>();
  // Entry terms of each MsgApp sent, by sender, term, prev index and count: within one
  // leader term the sender's log only grows, so equal keys carry equal entries.
  private readonly sent = new Map<string, number[]>();
  private line = 0;
  private member: MemberId = 0;

  step(line: number, e: EtcdTraceEvent): void {
    this.line = line;
    this.member = e.nid;
    const v = this.node(e);
    const role = ROLES[e.role];
    this.followLog(v, e, role);
    if (e.msg?.type === 'MsgSnap') this.fail('MsgSnap is not supported: the trace omits the snapshot term');
    if (e.name === 'SendAppendEntriesRequest' && e.msg?.type === 'MsgApp') this.rememberEntries(v, e.msg);
    this.emitVolatile(v, e, role);
    if (e.name === 'ReceiveAppendEntriesRequest' && e.msg?.type === 'MsgApp') {
      const terms = this.sent.get(messageKey(e.msg));
      if (terms === undefined) this.fail(`received a MsgApp from ${e.msg.from} that was never sent`);
      takeEntries(v, e.msg, e.state, terms);
    }
    if (e.name === 'Ready') this.persist(v, e.state);
  }

  private node(e: EtcdTraceEvent): NodeView {
    let v = this.nodes.get(e.nid);
    if (v === undefined) {
      const durable = { term: 0, vote: 0, commit: 0 };
      v = { log: new TermLog(), dirtyFrom: 1, ...durable, role: 'follower', conf: '[[],[]]', durable };
      this.nodes.set(e.nid, v);
    } else if (e.name === 'InitState') {
      // A known node starting again is a restart (Traceetcdraft.tla): only what its
      // Readys persisted survives, and the checker resets the same volatile state.
      v.log.truncateFrom(v.dirtyFrom);
      v.dirtyFrom = v.log.lastIndex + 1;
      Object.assign(v, v.durable, { role: 'follower' });
      this.emit({ kind: 'crash', member: this.member }, { kind: 'restart', member: this.member, applied: 0 });
    }
    return v;
  }

  /** Matches the derived log to the event's last index, deriving entries only a node itself adds. */
  private followLog(v: NodeView, e: EtcdTraceEvent, role: Role): void {
    const last = v.log.lastIndex;
    if (e.log > last) {
      // Only a leader's own appends and bootstrap add entries without a message.
      if (role !== 'leader' && last !== 0) this.fail(`log grew from ${last} to ${e.log} with no MsgApp to explain it`);
      v.dirtyFrom = Math.min(v.dirtyFrom, last + 1);
      while (v.log.lastIndex < e.log) v.log.push(e.state.term);
    } else if (e.log < last) {
      this.fail(`log shrank from ${last} to ${e.log} with no MsgApp to explain it`);
    }
  }

  private rememberEntries(v: NodeView, m: EtcdTraceMessage): void {
    const end = m.index + m.entries;
    if (end > v.log.lastIndex) this.fail(`sent entries up to ${end} beyond its log ${v.log.lastIndex}`);
    const terms: number[] = [];
    for (let i = m.index + 1; i <= end; i++) terms.push(v.log.termAt(i) ?? 0);
    this.sent.set(messageKey(m), terms);
  }

  /** Emits the state, config and commit observations for what changed. */
  private emitVolatile(v: NodeView, e: EtcdTraceEvent, role: Role): void {
    const { term, vote, commit } = e.state;
    if (term !== v.term || vote !== v.vote || role !== v.role) {
      Object.assign(v, { term, vote, role });
      this.emit({ kind: 'state', member: this.member, term, vote, role });
    }
    // ApplyConfChange shows the config before the change but the commit after it, which a
    // smaller quorum may have advanced: take the new voters (not joint: never stricter).
    const newVoters = e.name === 'ApplyConfChange' ? e.prop?.cc?.newconf : undefined;
    const [voters, outgoing] = newVoters === undefined ? e.conf : [newVoters, []];
    const conf = JSON.stringify([voters, outgoing]);
    if (conf !== v.conf) {
      v.conf = conf;
      this.emit({ kind: 'config', member: this.member, voters, outgoing });
    }
    if (commit !== v.commit) {
      v.commit = commit;
      this.emit({ kind: 'commit', member: this.member, commit });
    }
  }

  /** A Ready: the whole log and the HardState become durable (synchronous harness). */
  private persist(v: NodeView, state: EtcdTraceEvent['state']): void {
    if (v.dirtyFrom <= v.log.lastIndex) {
      const entries: ObservedEntry[] = [];
      for (let i = v.dirtyFrom; i <= v.log.lastIndex; i++) entries.push({ index: i, term: v.log.termAt(i) ?? 0 });
      this.emit({ kind: 'entries', member: this.member, entries });
    }
    v.dirtyFrom = v.log.lastIndex + 1;
    const { term, vote, commit } = state;
    const d = v.durable;
    if (term !== d.term || vote !== d.vote || commit !== d.commit) {
      v.durable = { term, vote, commit };
      this.emit({ kind: 'hard-state', member: this.member, term, vote, commit });
    }
  }

  /** Adds observations, stamped with the current line as their time. */
  private emit(...observations: RaftObservation[]): void {
    for (const obs of observations) this.out.push({ ...obs, t: this.line });
  }

  private fail(reason: string): never {
    throw new EtcdTraceError(this.line, `node ${this.member}: ${reason}`);
  }
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
