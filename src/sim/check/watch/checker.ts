// The watch guarantees of etcd's API (https://etcd.io/docs/v3.6/learning/api_guarantees/,
// checked as etcd's tests/robustness/validate/watch.go does, verification.md §2 item 4),
// over recorded watch responses and the store's history:
//
//   Ordered       event revisions never go backwards within a watch;
//   Unique        no (revision, key) is delivered twice;
//   Atomic        a revision's events are never split across responses;
//   Bookmarkable  after a progress notification at R, no event at or below R arrives;
//   Resumable     a watch from revision S > 0 starts with the first event at or after S;
//   Reliable      no gaps: every event of the store's history in the watched range,
//                 from the start up to the last event or bookmark seen, was delivered;
// plus: each event is one the store made (Valid), matches the filter (Filter), and a
// prevKv, when present, is the key's state just before (PrevKV).

import type { RecordedEvent, RecordedKeyValue, RecordedWatch, StoreHistory } from './history';

export type WatchGuarantee = 'Ordered' | 'Unique' | 'Atomic' | 'Bookmarkable' | 'Resumable' | 'Reliable' | 'Valid' | 'Filter' | 'PrevKV';

export interface WatchViolation {
  guarantee: WatchGuarantee;
  watch: number;
  client: string;
  /** The revision where it broke. */
  revision: number;
  /** One sentence naming the guarantee. */
  message: string;
}

/** A store history event with the key's state just before it (undefined: absent). */
interface Truth {
  event: RecordedEvent;
  before: RecordedKeyValue | undefined;
}

const eventId = (rev: number, key: string): string => `${rev}\u0000${key}`;

/** Checks every watch; returns the violations (none for a correct run), at most one per guarantee per watch. */
export function checkWatches(watches: readonly RecordedWatch[], history: StoreHistory): WatchViolation[] {
  const truth = replay(history);
  const out: WatchViolation[] = [];
  for (const w of watches) out.push(...checkWatch(w, truth));
  out.push(...checkResumedStreams(watches));
  return out;
}

/** A resumed watch continues its predecessor: across the seam no event repeats or goes back. */
function checkResumedStreams(watches: readonly RecordedWatch[]): WatchViolation[] {
  const byId = new Map(watches.map((w) => [w.id, w]));
  const out: WatchViolation[] = [];
  for (const w of watches) {
    const prev = w.resumes === undefined ? undefined : byId.get(w.resumes);
    if (prev === undefined) continue;
    const last = Math.max(0, ...prev.responses.flatMap((r) => r.events.map((e) => e.kv.modRevision)));
    const first = w.responses.flatMap((r) => r.events)[0];
    if (first === undefined || first.kv.modRevision > last) continue;
    const rev = first.kv.modRevision;
    const guarantee: WatchGuarantee = rev === last ? 'Unique' : 'Ordered';
    const what = rev === last ? `redelivers revision ${rev}` : `goes back to revision ${rev}`;
    out.push({ guarantee, watch: w.id, client: w.client, revision: rev, message: `${guarantee}: watch ${w.id} (${w.client}) resumes watch ${prev.id} (last event at ${last}) and ${what}` });
  }
  return out;
}

/** Indexes the history by (revision, key) with each key's state before the event. */
function replay(history: StoreHistory): Map<string, Truth> {
  const state = new Map<string, RecordedKeyValue>();
  const byId = new Map<string, Truth>();
  let last = 0;
  for (const event of history) {
    const { key, modRevision } = event.kv;
    if (modRevision < last) throw new Error(`store history out of order: revision ${modRevision} after ${last}`);
    last = modRevision;
    byId.set(eventId(modRevision, key), { event, before: state.get(key) });
    if (event.type === 'PUT') state.set(key, event.kv);
    else state.delete(key);
  }
  return byId;
}

function inRange(w: RecordedWatch, key: string): boolean {
  if (w.rangeEnd === undefined) return key === w.key;
  return key >= w.key && (w.rangeEnd === '\u0000' || key < w.rangeEnd);
}

function sameKv(a: RecordedKeyValue, b: RecordedKeyValue): boolean {
  return a.key === b.key && a.value === b.value && a.createRevision === b.createRevision && a.modRevision === b.modRevision && a.version === b.version;
}

function describeKv(kv: RecordedKeyValue | undefined): string {
  return kv === undefined ? 'absent' : `${kv.key}=${JSON.stringify(kv.value)}@${kv.modRevision} (created ${kv.createRevision}, version ${kv.version})`;
}

function checkWatch(w: RecordedWatch, truth: Map<string, Truth>): WatchViolation[] {
  const found = new Map<WatchGuarantee, WatchViolation>();
  const flag = (guarantee: WatchGuarantee, revision: number, message: string): void => {
    if (!found.has(guarantee)) found.set(guarantee, { guarantee, watch: w.id, client: w.client, revision, message: `${guarantee}: watch ${w.id} (${w.client}): ${message}` });
  };

  const seen = new Set<string>();
  let lastRev = 0;
  let bookmark = 0;
  let prevResponseLastRev = -1;
  let createdAt: number | undefined;
  const delivered: RecordedEvent[] = [];
  for (const resp of w.responses) {
    if (resp.created) createdAt ??= resp.revision;
    if (resp.events.length > 0) {
      if (resp.events[0].kv.modRevision === prevResponseLastRev) {
        flag('Atomic', prevResponseLastRev, `revision ${prevResponseLastRev} split across two responses`);
      }
      prevResponseLastRev = resp.events[resp.events.length - 1].kv.modRevision;
    }
    for (const e of resp.events) {
      const rev = e.kv.modRevision;
      if (rev < lastRev) flag('Ordered', rev, `event at revision ${rev} after one at ${lastRev}`);
      lastRev = Math.max(lastRev, rev);
      const id = eventId(rev, e.kv.key);
      if (seen.has(id)) flag('Unique', rev, `event ${e.kv.key}@${rev} delivered twice`);
      seen.add(id);
      if (rev <= bookmark) flag('Bookmarkable', rev, `event at revision ${rev} after a progress notification at ${bookmark}`);
      if (!inRange(w, e.kv.key)) flag('Filter', rev, `event for ${JSON.stringify(e.kv.key)} outside the watched range`);
      checkContent(w, e, truth.get(id), flag);
      delivered.push(e);
    }
    if (resp.progressNotify) bookmark = Math.max(bookmark, resp.revision);
  }
  checkNoGaps(w, truth, delivered, createdAt, Math.max(lastRev, bookmark), flag);
  return [...found.values()];
}

type Flag = (guarantee: WatchGuarantee, revision: number, message: string) => void;

function checkContent(w: RecordedWatch, e: RecordedEvent, t: Truth | undefined, flag: Flag): void {
  const rev = e.kv.modRevision;
  if (t === undefined || t.event.type !== e.type) {
    flag('Valid', rev, `${e.type} ${e.kv.key}@${rev} is not an event of the store's history`);
    return;
  }
  if (e.type === 'PUT' && !sameKv(e.kv, t.event.kv)) {
    flag('Valid', rev, `event ${describeKv(e.kv)}, but the store wrote ${describeKv(t.event.kv)}`);
  }
  if (w.prevKv && e.prevKv !== undefined && (t.before === undefined || !sameKv(e.prevKv, t.before))) {
    flag('PrevKV', rev, `prevKv ${describeKv(e.prevKv)} for ${e.kv.key}@${rev}, but before it the key was ${describeKv(t.before)}`);
  }
}

/**
 * Every history event in the range from the watch's start to `end` (the last event or
 * bookmark it saw) must have been delivered. A watch from S > 0 that misses its first
 * event breaks Resumable; any later gap breaks Reliable.
 */
function checkNoGaps(w: RecordedWatch, truth: Map<string, Truth>, delivered: readonly RecordedEvent[], createdAt: number | undefined, end: number, flag: Flag): void {
  if (end === 0) return;
  const start = w.startRevision > 0 ? w.startRevision : createdAt !== undefined ? createdAt + 1 : delivered[0]?.kv.modRevision;
  if (start === undefined) return;
  const got = new Set(delivered.map((e) => eventId(e.kv.modRevision, e.kv.key)));
  const expected = [...truth.values()]
    .filter((t) => t.event.kv.modRevision >= start && t.event.kv.modRevision <= end && inRange(w, t.event.kv.key))
    .map((t) => t.event);
  const missing = expected.find((e) => !got.has(eventId(e.kv.modRevision, e.kv.key)));
  if (missing === undefined) return;
  const rev = missing.kv.modRevision;
  const what = `${missing.type} ${missing.kv.key}@${rev} was never delivered`;
  if (w.startRevision > 0 && missing === expected[0]) flag('Resumable', rev, `watch from revision ${w.startRevision}: its first event ${what}`);
  else flag('Reliable', rev, `${what} (watch from ${start}, seen up to ${end})`);
}
