// The frame model: what the page shows at one point of a run, folded from trace events.
// Folding is the only way view state is made, so scrubbing to any point gives the same
// picture as having watched the run up to it (RaftScope: state is a function of t).

import type { TraceEvent } from '../../sim/trace/trace';
import { emptyClient, foldClient, type ClientFrame } from './client-frame';
import { emptyKv, foldLease, foldMvcc, type KvFrame } from './kv-frame';
import { foldTimer, TIMER_KINDS } from './election-timer';
import { hostOf } from './trace-source';

export type { ClientFrame } from './client-frame';
export type { KvFrame } from './kv-frame';

/** How many of a member's newest log entries the frame keeps. */
export const LOG_WINDOW = 24;

export interface LogEntryView {
  index: number;
  /** The entry's term (as persisted; older traces without terms: the member's term then). */
  term: number;
  /** The term of a conflicting entry this one overwrote at the same index. */
  replaced?: number;
}

/** The leader's Progress of one follower (raft.md §5.1). */
export interface ProgressView {
  peer: string;
  /** StateProbe, StateReplicate or StateSnapshot. */
  state: string;
  match: number;
  next: number;
  inflights: number;
  learner: boolean;
  paused: boolean;
}

export interface MemberFrame {
  name: string;
  /** Member ID in hex as etcd prints it, once the server has started. */
  id: string;
  /** 'stopped': by request (a clean stop); 'removed': stopped after its removal from the cluster. */
  status: 'running' | 'crashed' | 'stopped' | 'removed';
  /** Raft role as the server reports it ("StateLeader", ...), empty before a server exists. */
  role: string;
  term: number;
  /** Name of the member this one follows, when known. */
  lead: string;
  commit: number;
  applied: number;
  lastIndex: number;
  log: LogEntryView[];
  /** As leader: its view of each peer; empty otherwise. */
  progress: ProgressView[];
  /** A learner (non-voting) member, as the leader's Progress says. */
  learner: boolean;
}

export interface FaultFrame {
  /** Partition groups as the last partition input gave them; empty when healed. */
  groups: string[][];
  /** One-way blocks "from>to". */
  blocked: string[];
  /** Links set down ("a>b" → refused | blackhole). */
  down: Record<string, string>;
  /** Members whose disk was slowed by a `disk` input (fsync over 10 ms). */
  slowDisks: string[];
  /** Per-link overrides set by `link` inputs ("a>b" → latency ms and drop probability). */
  links: Record<string, LinkView>;
}

export interface LinkView {
  /** Constant latency (ms), when the override sets one. */
  latencyMs?: number;
  drop?: number;
}

export interface FrameState {
  /** Trace events folded in. */
  index: number;
  members: MemberFrame[];
  faults: FaultFrame;
  /** Clients seen in the trace, with their calls' outcomes. */
  clients: Record<string, ClientFrame>;
  /** Each member's key-value state (keys, revisions, watchers, leases). */
  kv: Record<string, KvFrame>;
  /** etcdctl console lines (commands and their output), newest last. */
  console: ConsoleLine[];
  /** Members named by a member-add request that have not started yet. */
  added: string[];
  /** Per member: what its election timer and its disk are doing (drawn on the ring). */
  timers: Record<string, TimerView>;
}

/** How many of the newest leader messages to a member the frame keeps (some may still fly). */
export const HEARD_KEEP = 4;

export interface TimerView {
  /** Arrival times of the newest leader messages (MsgApp, MsgHeartbeat) sent to the member. */
  heard: number[];
  /** When the member's timer last restarted by itself: a role change (a candidate's starts with its campaign) or a vote cast. */
  since: number;
  /** The randomized election timeout (ticks) drawn at the member's last role change (election-timer.ts). */
  timeoutTicks?: number;
  /** While the member runs: when its raft ticker started (it ticks every tickMs from then). */
  ticksFrom?: number;
  /** A start-up fast-forward of the election ticks (adjustTicks): when, and by how many. */
  advanced?: { at: number; ticks: number };
  /** Set while an fsync runs: when it began. */
  fsyncSince?: number;
}

/** When the member's election timer last restarted, as of time t (leader contact or role change). */
export function timerStart(v: TimerView, t: number): number {
  let last = v.since;
  for (const h of v.heard) if (h <= t && h > last) last = h;
  return last;
}

export interface ConsoleLine {
  seq: number;
  stream: 'command' | 'stdout' | 'stderr';
  text: string;
}

/** How many console lines the frame keeps. */
export const CONSOLE_LINES = 200;

export function initialFrame(memberNames: readonly string[]): FrameState {
  const f: FrameState = {
    index: 0,
    members: [],
    faults: { groups: [], blocked: [], down: {}, slowDisks: [], links: {} },
    clients: {},
    kv: {},
    console: [],
    added: [],
    timers: {},
  };
  for (const name of memberNames) addMember(f, name);
  return f;
}

function addMember(f: FrameState, name: string): MemberFrame {
  // A member that joins after the start (member add) appears when it first starts.
  const m: MemberFrame = { name, id: '', status: 'crashed', role: '', term: 0, lead: '', commit: 0, applied: 0, lastIndex: 0, log: [], progress: [], learner: false };
  f.members = [...f.members, m];
  return m;
}

function timerOf(f: FrameState, name: string): TimerView {
  return (f.timers[name] ??= { heard: [], since: 0 });
}

function memberOf(f: FrameState, name: string): MemberFrame | undefined {
  return f.members.find((m) => m.name === name);
}

/** Folds one event into the frame, in place. Unknown kinds only advance the index. */
export function foldEvent(f: FrameState, e: TraceEvent): void {
  f.index = e.seq + 1;
  // Fields are read loosely: kinds land here as the simulation grows them.
  const ev = e as TraceEvent & Record<string, unknown>;
  if (e.kind.startsWith('client.') || e.kind.startsWith('world.client') || e.kind === 'world.request') {
    f.clients[e.source] ??= emptyClient();
  }
  if (e.kind.startsWith('client.') || e.kind.startsWith('grpc.')) {
    const c = f.clients[e.source];
    // A gRPC event of a host that is not a client (a server's grpc.server.*) has no client.
    if (c !== undefined) foldClient(c, ev);
  }
  if (e.kind.startsWith('etcdctl.')) foldConsole(f, ev);
  if (TIMER_KINDS.has(e.kind)) foldTimer(timerOf(f, e.source), ev);
  switch (e.kind as string) {
    case 'server.start': {
      const m = memberOf(f, e.source) ?? addMember(f, e.source);
      f.added = f.added.filter((n) => n !== e.source);
      if (m !== undefined) {
        m.status = 'running';
        if (typeof ev.id === 'string') m.id = ev.id;
        // A leader may have traced this member's Progress before it started: name its row now.
        for (const x of f.members) if (x.progress.some((p) => p.peer === m.id)) x.progress = byPeer(x.progress.map((p) => (p.peer === m.id ? { ...p, peer: m.name } : p)));
        // A fresh member reports its term before Raft bootstraps it: never move backwards.
        if (typeof ev.term === 'number') m.term = Math.max(m.term, ev.term);
        if (typeof ev.commit === 'number') m.commit = ev.commit;
        if (typeof ev.applied === 'number') m.applied = ev.applied;
      }
      break;
    }
    case 'server.stop': {
      const m = memberOf(f, e.source);
      if (m !== undefined) {
        m.status = ev.crash === true ? 'crashed' : ev.removed === true ? 'removed' : 'stopped';
        m.role = '';
        m.lead = '';
        m.progress = [];
      }
      const kv = f.kv[e.source];
      if (kv !== undefined) {
        // Watch streams die with the process; leases stay on disk but stop counting.
        kv.watchers = [];
        for (const l of kv.leases) l.expiry = 'forever';
      }
      break;
    }
    case 'server.role': {
      timerOf(f, e.source).since = e.t;
      const m = memberOf(f, e.source);
      if (m !== undefined) {
        m.role = String(ev.role);
        m.term = Number(ev.term);
        // The server names its leader by member ID; the page names members.
        m.lead = f.members.find((x) => x.id !== '' && x.id === ev.lead)?.name ?? '';
        if (m.role !== 'leader') m.progress = [];
      }
      break;
    }
    case 'server.progress': {
      const m = memberOf(f, e.source);
      if (m !== undefined) updateProgress(f, m, ev);
      break;
    }
    case 'server.progress.remove': {
      // The peer left the configuration: etcd's tracker drops its Progress, and so does the view.
      const m = memberOf(f, e.source);
      const peer = f.members.find((x) => x.id === ev.peer)?.name ?? String(ev.peer);
      if (m !== undefined) m.progress = m.progress.filter((p) => p.peer !== peer);
      break;
    }
    case 'server.mvcc':
      foldMvcc((f.kv[e.source] ??= emptyKv()), ev);
      break;
    case 'server.lease':
      foldLease((f.kv[e.source] ??= emptyKv()), ev, e.t);
      break;
    case 'raft.log': {
      // etcd's "<id> became <role> at term <n>" moves the term before the server reports it.
      const m = memberOf(f, e.source);
      const became = / became [\w-]+ at term (\d+)/.exec(String(ev.text));
      if (m !== undefined && became !== null) m.term = Number(became[1]);
      break;
    }
    case 'server.persisted': {
      if (ev.synced === true) delete timerOf(f, e.source).fsyncSince;
      const m = memberOf(f, e.source);
      const term = /term=(\d+)/.exec(String(ev.hardState ?? ''));
      if (m !== undefined && term !== null) m.term = Number(term[1]);
      if (m !== undefined) appendEntries(m, Number(ev.lastIndex), Number(ev.entries), typeof ev.terms === 'string' ? ev.terms : '');
      break;
    }
    case 'server.apply': {
      const m = memberOf(f, e.source);
      if (m !== undefined) {
        m.applied = Number(ev.applied);
        if (m.applied > m.commit) m.commit = m.applied;
      }
      break;
    }
    case 'server.ready': {
      if (ev.mustSync === true) timerOf(f, e.source).fsyncSince ??= e.t;
      // The hard state string carries the commit index ("term=2 vote=1 commit=7").
      const m = memberOf(f, e.source);
      const commit = /commit[=:](\d+)/.exec(String(ev.hardState ?? ''));
      if (m !== undefined && commit !== null) m.commit = Math.max(m.commit, Number(commit[1]));
      break;
    }
    case 'net.send': {
      // A follower's election timer restarts when a leader's append or heartbeat arrives.
      if ((ev.type === 'MsgHeartbeat' || ev.type === 'MsgApp') && ev.fate === 'in-flight') {
        const v = timerOf(f, hostOf(String(ev.to)));
        v.heard = [...v.heard, Number(ev.due)].sort((a, b) => a - b).slice(-HEARD_KEEP);
      }
      break;
    }
    case 'world.input':
      foldInput(f, ev.input as { type: string } & Record<string, unknown>);
      // An etcdctl input is a command line typed at the console (then its stdin lines).
      if ((ev.input as { type: string }).type === 'etcdctl') pushConsole(f, e.seq, 'command', `$ etcdctl ${String((ev.input as { line: string }).line).replace(/^\s*etcdctl\s+/, '')}`);
      break;
    case 'world.client':
      f.clients[e.source].status = String(ev.outcome);
      break;
    case 'world.request':
      pushConsole(f, e.seq, 'command', `$ etcdctl ${String(ev.label)}`);
      break;
    case 'world.response':
      if (ev.outcome === 'ok') pushConsole(f, e.seq, 'stdout', String(ev.result ?? 'OK'));
      else pushConsole(f, e.seq, 'stderr', `Error: ${String(ev.error)}`);
      break;
  }
}

function foldConsole(f: FrameState, ev: TraceEvent & Record<string, unknown>): void {
  // etcdctl's events carry their words in one of these fields, whatever the kind.
  const text = ev.text ?? ev.line ?? ev.stdout ?? ev.stderr ?? ev.output ?? ev.error;
  if (typeof text !== 'string') return;
  const stream = /err/.test(ev.kind) || ev.stderr !== undefined || ev.error !== undefined ? 'stderr' : /command|line/.test(ev.kind) ? 'command' : 'stdout';
  pushConsole(f, ev.seq, stream, text);
}

function pushConsole(f: FrameState, seq: number, stream: ConsoleLine['stream'], text: string): void {
  const lines = text.replace(/\n$/, '').split('\n').map((l) => ({ seq, stream, text: l }));
  f.console = [...f.console, ...lines].slice(-CONSOLE_LINES);
}

/** Entry terms from runs "term:count,..." (the persisted event's `terms`); `fallback` for each when absent. */
export function termsOf(runs: string, count: number, fallback: number): number[] {
  const out: number[] = [];
  for (const run of runs === '' ? [] : runs.split(',')) {
    const [term, n] = run.split(':').map(Number);
    for (let i = 0; i < n; i++) out.push(term);
  }
  return out.length === count ? out : Array.from({ length: count }, () => fallback);
}

function appendEntries(m: MemberFrame, lastIndex: number, count: number, runs: string): void {
  if (count <= 0) return;
  // A follower that takes a conflicting suffix overwrites from its first index.
  const first = lastIndex - count + 1;
  const terms = termsOf(runs, count, m.term);
  const old = new Map(m.log.filter((x) => x.index >= first).map((x) => [x.index, x.term]));
  const kept = m.log.filter((x) => x.index < first);
  for (let i = Math.max(first, lastIndex - LOG_WINDOW + 1); i <= lastIndex; i++) {
    const term = terms[i - first];
    const was = old.get(i);
    kept.push(was !== undefined && was !== term ? { index: i, term, replaced: was } : { index: i, term });
  }
  m.log = kept.slice(-LOG_WINDOW);
  m.lastIndex = lastIndex;
}

/** The leader's Progress of one peer (server.progress), the peer named as the page names members. */
function updateProgress(f: FrameState, leader: MemberFrame, ev: Record<string, unknown>): void {
  const peer = f.members.find((m) => m.id === ev.peer)?.name ?? String(ev.peer);
  const learner = ev.learner === true;
  const view: ProgressView = { peer, state: String(ev.state), match: Number(ev.match), next: Number(ev.next), inflights: Number(ev.inflights), learner, paused: ev.paused === true };
  const others = leader.progress.filter((p) => p.peer !== peer);
  leader.progress = byPeer([...others, view]);
  const member = memberOf(f, peer);
  if (member !== undefined) member.learner = learner;
}

function byPeer(rows: ProgressView[]): ProgressView[] {
  return rows.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

function foldInput(f: FrameState, input: { type: string } & Record<string, unknown>): void {
  const faults = f.faults;
  switch (input.type) {
    case 'partition':
      faults.groups = (input.groups as string[][]).map((g) => [...g]);
      break;
    case 'heal':
      faults.groups = [];
      faults.blocked = [];
      break;
    case 'block':
      faults.blocked = [...faults.blocked.filter((b) => b !== `${input.from}>${input.to}`), `${input.from}>${input.to}`];
      break;
    case 'unblock':
      faults.blocked = faults.blocked.filter((b) => b !== `${input.from}>${input.to}`);
      break;
    case 'disk': {
      const others = faults.slowDisks.filter((m) => m !== input.member);
      faults.slowDisks = Number(input.fsyncMs) > 10 ? [...others, String(input.member)].sort() : others;
      break;
    }
    case 'link': {
      const settings = input.settings as { down?: string; drop?: number; latency?: { kind: string; ms?: number } } | undefined;
      const down = settings?.down;
      const keys = [`${input.a}>${input.b}`, ...(input.both === false ? [] : [`${input.b}>${input.a}`])];
      const link: LinkView = {
        ...(settings?.latency?.kind === 'constant' ? { latencyMs: settings.latency.ms } : {}),
        ...(settings?.drop === undefined ? {} : { drop: settings.drop }),
      };
      for (const k of keys) {
        if (down === undefined) delete faults.down[k];
        else faults.down[k] = down;
        if (Object.keys(link).length === 0) delete faults.links[k];
        else faults.links[k] = link;
      }
      break;
    }
    case 'request': {
      // member add names the new member by its peer URL http://<member>:2380.
      const req = input.request as { op: string; peerURLs?: string[] };
      if (req.op !== 'member-add') break;
      const name = /^https?:\/\/([^:/]+)/.exec(req.peerURLs?.[0] ?? '')?.[1];
      if (name !== undefined && !f.members.some((m) => m.name === name) && !f.added.includes(name)) f.added = [...f.added, name];
      break;
    }
  }
}

/** A short badge letter for a role: L leader, C candidate, P pre-candidate, F follower, E learner. */
export function roleLetter(role: string): string {
  const r = role.toLowerCase();
  if (r.includes('precandidate') || r.includes('pre-candidate')) return 'P';
  if (r.includes('candidate')) return 'C';
  if (r.includes('leader')) return 'L';
  if (r.includes('learner')) return 'E';
  if (r.includes('follower')) return 'F';
  return '';
}

/**
 * `next` with each top-level part that equals `prev`'s replaced by `prev`'s object, so a
 * view whose part did not change keeps its props and skips rendering.
 */
export function shareUnchanged(prev: FrameState, next: FrameState): FrameState {
  const out = { ...next };
  for (const key of ['members', 'faults', 'clients', 'kv', 'console', 'added', 'timers'] as const) {
    if (JSON.stringify(prev[key]) === JSON.stringify(next[key])) (out as Record<string, unknown>)[key] = prev[key];
  }
  return out;
}
