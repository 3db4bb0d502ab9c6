// Narration: trace events in words. Known kinds get a sentence; any other kind is shown
// generically (its fields and reason), so kinds the simulation adds appear unchanged.

import type { TraceEvent } from '../../sim/trace/trace';
import { writeChanges } from './kv-frame';
import { hostOf, type TraceSource } from './trace-source';

export interface NarrationLine {
  seq: number;
  t: number;
  source: string;
  kind: string;
  text: string;
  reason?: string;
}

/** Kinds too frequent to narrate by default: they are drawn instead. */
export const CHATTY_KINDS: ReadonlySet<string> = new Set([
  'net.send',
  'net.deliver',
  'member.ping',
  'server.ready',
  'server.persisted',
  'server.messages',
  'server.backend.commit',
  'server.progress',
]);

/** Whether an event is drawn rather than narrated by default: a chatty kind, or a store write (one per member per write). */
export function isChatty(e: TraceEvent): boolean {
  return CHATTY_KINDS.has(e.kind) || (e.kind === 'server.mvcc' && e.type === 'mvcc.write');
}

const META = new Set(['t', 'seq', 'source', 'kind', 'cause', 'reason']);

function fieldsText(e: Record<string, unknown>): string {
  return Object.keys(e)
    .filter((k) => !META.has(k))
    .map((k) => `${k}=${typeof e[k] === 'string' ? e[k] : JSON.stringify(e[k])}`)
    .join(' ');
}

export function describe(e: TraceEvent): string {
  const ev = e as TraceEvent & Record<string, unknown>;
  switch (e.kind as string) {
    case 'raft.log':
      return String(ev.text);
    case 'net.send':
      return `${String(ev.type)} ${hostOf(String(ev.from))} → ${hostOf(String(ev.to))}${ev.fate === 'in-flight' ? '' : ` (${String(ev.fate)})`}`;
    case 'net.drop':
      return `message #${String(ev.id)} lost: ${String(ev.fate)}`;
    case 'net.fault':
      return `network: ${String(ev.fault)} ${String(ev.detail)}`;
    case 'world.input':
      return `input: ${JSON.stringify(ev.input)}`;
    case 'server.start':
      return 'started';
    case 'server.role':
      return `is ${String(ev.role)} at term ${String(ev.term)}`;
    case 'server.mvcc':
      if (ev.type === 'mvcc.write') {
        return `store at revision ${String(ev.revision)}: ${writeChanges(ev).map((c) => (c.createRevision === 0 ? `deleted ${c.key}` : `${c.key} version ${c.version}`)).join(', ')}`;
      }
      return fieldsText(ev);
    default:
      return fieldsText(ev);
  }
}

function line(e: TraceEvent): NarrationLine {
  return { seq: e.seq, t: e.t, source: e.source, kind: e.kind, text: describe(e), reason: e.reason };
}

/**
 * The newest `limit` events among the first `index`, oldest first: of all events, or only
 * of those at `positions` (ascending trace positions, such as the notable ones).
 */
export function narrationAt(source: TraceSource, index: number, limit: number, positions?: readonly number[]): NarrationLine[] {
  const end = Math.min(index, source.length);
  let picked: number[];
  if (positions === undefined) {
    picked = Array.from({ length: Math.min(limit, end) }, (_, k) => end - Math.min(limit, end) + k);
  } else {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid] < end) lo = mid + 1;
      else hi = mid;
    }
    picked = positions.slice(Math.max(0, lo - limit), lo);
  }
  return picked.map((i) => line(source.at(i) as TraceEvent));
}
