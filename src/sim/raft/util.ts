// Size measures, message classes and the text formats of etcd's util.go (spec §1.1, Appendix A).
import type { ConfChange, ConfChangeV2, ConfState, Entry, HardState, Message, Snapshot } from './raftpb';
import {
  EntryType,
  LocalAppendThread,
  LocalApplyThread,
  MessageType,
  None,
  confChangeAsV2,
  confChangesToString,
  unmarshalConfChange,
  unmarshalConfChangeV2,
  varintSize,
} from './raftpb';
import type { Ready, SoftState } from './node';
import { isEmptyHardState, isEmptySnap, stateTypeName } from './node';

/** "Unlimited", etcd's noLimit (2^64-1). */
export const noLimit = Infinity;

const localMsgs = new Set<MessageType>([
  MessageType.MsgHup,
  MessageType.MsgBeat,
  MessageType.MsgUnreachable,
  MessageType.MsgSnapStatus,
  MessageType.MsgCheckQuorum,
  MessageType.MsgStorageAppend,
  MessageType.MsgStorageAppendResp,
  MessageType.MsgStorageApply,
  MessageType.MsgStorageApplyResp,
]);

const responseMsgs = new Set<MessageType>([
  MessageType.MsgAppResp,
  MessageType.MsgVoteResp,
  MessageType.MsgHeartbeatResp,
  MessageType.MsgUnreachable,
  MessageType.MsgReadIndexResp,
  MessageType.MsgPreVoteResp,
  MessageType.MsgStorageAppendResp,
  MessageType.MsgStorageApplyResp,
]);

// The same classes as flags by type: every stepped message is classified twice.
const localByType = Array.from({ length: MessageType.MsgForgetLeader + 1 }, (_, t) => localMsgs.has(t));
const responseByType = Array.from({ length: MessageType.MsgForgetLeader + 1 }, (_, t) => responseMsgs.has(t));

export function isLocalMsg(t: MessageType): boolean {
  return localByType[t] === true;
}

export function isResponseMsg(t: MessageType): boolean {
  return responseByType[t] === true;
}

export function voteRespMsgType(t: MessageType): MessageType {
  switch (t) {
    case MessageType.MsgVote:
      return MessageType.MsgVoteResp;
    case MessageType.MsgPreVote:
      return MessageType.MsgPreVoteResp;
    default:
      throw new Error(`not a vote message: ${msgTypeName(t)}`);
  }
}

// Names by type, as an array (cheaper to read than the enum object): every message
// sent is named for its trace row.
const nameByType = Array.from({ length: MessageType.MsgForgetLeader + 1 }, (_, t) => MessageType[t]);

export function msgTypeName(t: MessageType): string {
  return nameByType[t] ?? String(t);
}

export function entryTypeName(t: EntryType): string {
  return EntryType[t] ?? String(t);
}

/** Protobuf-encoded size of an entry (Entry.Size()). */
export function entrySize(e: Entry): number {
  let n = 3 + varintSize(e.type) + varintSize(e.term) + varintSize(e.index);
  if (e.data !== undefined) n += 1 + varintSize(e.data.length) + e.data.length;
  return n;
}

/** Encoded size of a run of entries (entsSize). */
export function entsSize(ents: readonly Entry[]): number {
  let s = 0;
  for (let i = 0; i < ents.length; i++) s += entrySize(ents[i]);
  return s;
}

/** Payload size: just the data length (used by the uncommitted limit and inflight bytes). */
export function payloadSize(e: Entry): number {
  return e.data === undefined ? 0 : e.data.length;
}

export function payloadsSize(ents: readonly Entry[]): number {
  let s = 0;
  for (let i = 0; i < ents.length; i++) s += payloadSize(ents[i]);
  return s;
}

/** Longest prefix within maxSize encoded bytes, never empty for non-empty input (limitSize). */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  // The first entry always stays: a single one needs no measuring.
  if (ents.length <= 1) return ents;
  let size = entrySize(ents[0]);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]);
    if (size > maxSize) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/** xs[from:to] as a new list. */
export function copyList<T>(xs: readonly T[], from: number, to: number): T[] {
  // Array literals of one or two are built inline; slice() is a builtin call.
  switch (to - from) {
    case 0:
      return [];
    case 1:
      return [xs[from]];
    case 2:
      return [xs[from], xs[from + 1]];
    default:
      return xs.slice(from, to);
  }
}

/**
 * Empties a list in place, keeping its capacity: `length = 0` would free the backing
 * store, and the next push would allocate it again (the hot path reuses such lists).
 */
export function clearList(xs: unknown[]): void {
  while (xs.length > 0) xs.pop();
}

export function hex(id: number): string {
  return id.toString(16);
}

// ---- Go-style value formatting ----

/** Go's %v of an integer slice: `[1 2 3]` (also of a byte slice). */
export function goSlice(xs: readonly number[] | Uint8Array | undefined): string {
  if (xs === undefined) return '[]';
  return '[' + Array.prototype.join.call(xs, ' ') + ']';
}

const confChangeTypeNames = ['ConfChangeAddNode', 'ConfChangeRemoveNode', 'ConfChangeUpdateNode', 'ConfChangeAddLearnerNode'];
const transitionNames = ['ConfChangeTransitionAuto', 'ConfChangeTransitionJointImplicit', 'ConfChangeTransitionJointExplicit'];

/**
 * Go's %v of a conf change, as in the "ignoring conf change" log line: struct fields in
 * declaration order, e.g. `{ConfChangeAddNode 2 [] 0}` (V1: Type NodeID Context ID) or
 * `{ConfChangeTransitionAuto [{ConfChangeAddNode 3}] []}`.
 */
export function goConfChange(cc: ConfChange | ConfChangeV2): string {
  if ('changes' in cc) {
    const changes = cc.changes.map((c) => `{${confChangeTypeNames[c.type] ?? c.type} ${c.nodeID}}`).join(' ');
    return `{${transitionNames[cc.transition] ?? cc.transition} [${changes}] ${goSlice(cc.context)}}`;
  }
  return `{${confChangeTypeNames[cc.type] ?? cc.type} ${cc.nodeID} ${goSlice(cc.context)} ${cc.id}}`;
}

/** Go's %v of a ConfState: `{[1 2] [3] [] [] false}`. */
export function goConfState(cs: ConfState): string {
  return `{${goSlice(cs.voters)} ${goSlice(cs.learners)} ${goSlice(cs.votersOutgoing)} ${goSlice(cs.learnersNext)} ${cs.autoLeave}}`;
}

function isPrintable(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  if (cp >= 0xd800 && cp < 0xe000) return false;
  return cp !== 0xfffe && cp !== 0xffff;
}

/** Go's %q of a byte slice (strconv.Quote of the bytes as a string). */
export function goQuote(b: Uint8Array | undefined): string {
  let out = '"';
  if (b === undefined) return '""';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      switch (c) {
        case 0x07: out += '\\a'; continue;
        case 0x08: out += '\\b'; continue;
        case 0x0c: out += '\\f'; continue;
        case 0x0a: out += '\\n'; continue;
        case 0x0d: out += '\\r'; continue;
        case 0x09: out += '\\t'; continue;
        case 0x0b: out += '\\v'; continue;
        case 0x22: out += '\\"'; continue;
        case 0x5c: out += '\\\\'; continue;
      }
      out += isPrintable(c) ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
      continue;
    }
    const [cp, n] = decodeRune(b, i);
    if (n === 0) {
      out += '\\x' + c.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    i += n;
    if (isPrintable(cp)) out += String.fromCodePoint(cp);
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Decodes one UTF-8 rune at i; length 0 means invalid. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i];
  let n: number;
  let cp: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) [n, cp, min] = [2, c & 0x1f, 0x80];
  else if (c >= 0xe0 && c <= 0xef) [n, cp, min] = [3, c & 0x0f, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, cp, min] = [4, c & 0x07, 0x10000];
  else return [0, 0];
  if (i + n > b.length) return [0, 0];
  for (let k = 1; k < n; k++) {
    const cc = b[i + k];
    if ((cc & 0xc0) !== 0x80) return [0, 0];
    cp = cp * 64 + (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return [0, 0];
  return [cp, n];
}

// ---- Describe functions (Appendix A) ----

export type EntryFormatter = (data: Uint8Array | undefined) => string;

export const defaultEntryFormatter: EntryFormatter = goQuote;

export function describeEntry(e: Entry, f: EntryFormatter = defaultEntryFormatter): string {
  let formatted: string;
  try {
    switch (e.type) {
      case EntryType.EntryNormal:
        formatted = f(e.data);
        break;
      case EntryType.EntryConfChange:
        formatted = confChangesToString(confChangeAsV2(unmarshalConfChange(e.data)).changes);
        break;
      case EntryType.EntryConfChangeV2:
        formatted = confChangesToString(unmarshalConfChangeV2(e.data).changes);
        break;
      default:
        formatted = '';
    }
  } catch (err) {
    // An undecodable conf change prints its decoding error, as etcd does.
    formatted = (err as Error).message;
  }
  if (formatted !== '') formatted = ' ' + formatted;
  return `${e.term}/${e.index} ${entryTypeName(e.type)}${formatted}`;
}

export function describeEntries(ents: readonly Entry[], f: EntryFormatter = defaultEntryFormatter): string {
  let s = '';
  for (const e of ents) s += describeEntry(e, f) + '\n';
  return s;
}

export function describeTarget(id: number): string {
  if (id === None) return 'None';
  if (id === LocalAppendThread) return 'AppendThread';
  if (id === LocalApplyThread) return 'ApplyThread';
  return hex(id);
}

export function describeMessage(m: Message, f: EntryFormatter = defaultEntryFormatter): string {
  return describeMessageWithIndent('', m, f);
}

function describeMessageWithIndent(indent: string, m: Message, f: EntryFormatter): string {
  let s = `${indent}${describeTarget(m.from)}->${describeTarget(m.to)} ${msgTypeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.vote !== 0) s += ` Vote:${m.vote}`;
  if (m.entries.length === 1) {
    s += ` Entries:[${describeEntry(m.entries[0], f)}]`;
  } else if (m.entries.length > 1) {
    s += ' Entries:[';
    for (const e of m.entries) s += `\n${indent}  ${describeEntry(e, f)}`;
    s += `\n${indent}]`;
  }
  if (m.snapshot !== undefined && !isEmptySnap(m.snapshot)) {
    s += `\n${indent}  Snapshot: ${describeSnapshot(m.snapshot)}`;
  }
  if (m.responses.length > 0) {
    s += ' Responses:[';
    for (const r of m.responses) s += '\n' + describeMessageWithIndent(indent + '  ', r, f);
    s += `\n${indent}]`;
  }
  return s;
}

export function describeConfState(cs: ConfState): string {
  return `Voters:${goSlice(cs.voters)} VotersOutgoing:${goSlice(cs.votersOutgoing)} Learners:${goSlice(cs.learners)} LearnersNext:${goSlice(cs.learnersNext)} AutoLeave:${cs.autoLeave}`;
}

export function describeSnapshot(snap: Snapshot): string {
  const m = snap.metadata;
  return `Index:${m.index} Term:${m.term} ConfState:${describeConfState(m.confState)}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead} State:${stateTypeName(ss.raftState)}`;
}

export function describeHardState(hs: HardState): string {
  let s = `Term:${hs.term}`;
  if (hs.vote !== 0) s += ` Vote:${hs.vote}`;
  return s + ` Commit:${hs.commit}`;
}

export function describeReady(rd: Ready, f: EntryFormatter = defaultEntryFormatter): string {
  let s = '';
  if (rd.softState !== undefined) s += describeSoftState(rd.softState) + '\n';
  if (!isEmptyHardState(rd.hardState)) s += `HardState ${describeHardState(rd.hardState)}\n`;
  if (rd.readStates.length > 0) {
    s += 'ReadStates [' + rd.readStates.map((r) => `{${r.index} ${goSlice(r.requestCtx)}}`).join(' ') + ']\n';
  }
  if (rd.entries.length > 0) s += 'Entries:\n' + describeEntries(rd.entries, f);
  if (rd.snapshot !== undefined && !isEmptySnap(rd.snapshot)) s += `Snapshot ${describeSnapshot(rd.snapshot)}\n`;
  if (rd.committedEntries.length > 0) s += 'CommittedEntries:\n' + describeEntries(rd.committedEntries, f);
  if (rd.messages.length > 0) {
    s += 'Messages:\n';
    for (const m of rd.messages) s += describeMessage(m, f) + '\n';
  }
  if (s.length > 0) return `Ready MustSync=${rd.mustSync}:\n${s}`;
  return '<empty Ready>';
}

/** A valid id, term or index: a non-negative safe integer. */
function isUint(v: number): boolean {
  // Only explainBadMessage asks, off the hot path: no cheap test first.
  return Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks the shape of a message from outside the library, so that bad input gets an error
 * instead of tripping an invariant deep inside the state machine. Every stepped message
 * comes here: the usual one, with all its numbers below 2^32, passes a test of plain
 * field reads and comparisons (no calls); only the rest get the full check.
 */
export function checkMessage(m: Message): Error | undefined {
  if (m !== null && typeof m === 'object') {
    const t = m.type;
    if (
      (t >>> 0) === t &&
      t <= MessageType.MsgForgetLeader &&
      (m.to >>> 0) === m.to &&
      (m.from >>> 0) === m.from &&
      (m.term >>> 0) === m.term &&
      (m.logTerm >>> 0) === m.logTerm &&
      (m.index >>> 0) === m.index &&
      (m.commit >>> 0) === m.commit &&
      (m.vote >>> 0) === m.vote &&
      (m.rejectHint >>> 0) === m.rejectHint &&
      Array.isArray(m.entries) &&
      Array.isArray(m.responses) &&
      ((t !== MessageType.MsgProp && t !== MessageType.MsgReadIndex) || m.entries.length > 0)
    ) {
      return undefined;
    }
  }
  return explainBadMessage(m);
}

/** checkMessage's full check: the error for a message that failed the quick test, if any. */
function explainBadMessage(m: Message): Error | undefined {
  if (m === null || typeof m !== 'object') return new Error('raft: message is not an object');
  const t = m.type;
  if (!Number.isInteger(t) || t < MessageType.MsgHup || t > MessageType.MsgForgetLeader) {
    return new Error(`raft: unknown message type ${String(t)}`);
  }
  if (
    !isUint(m.to) ||
    !isUint(m.from) ||
    !isUint(m.term) ||
    !isUint(m.logTerm) ||
    !isUint(m.index) ||
    !isUint(m.commit) ||
    !isUint(m.vote) ||
    !isUint(m.rejectHint)
  ) {
    return new Error(
      `raft: invalid id, term or index in ${msgTypeName(t)} (to ${m.to}, from ${m.from}, term ${m.term}, logTerm ${m.logTerm}, index ${m.index}, commit ${m.commit}, vote ${m.vote}, rejectHint ${m.rejectHint})`,
    );
  }
  if (!Array.isArray(m.entries) || !Array.isArray(m.responses)) {
    return new Error(`raft: entries and responses of ${msgTypeName(t)} must be arrays`);
  }
  if ((t === MessageType.MsgProp || t === MessageType.MsgReadIndex) && m.entries.length === 0) {
    return new Error(`raft: ${msgTypeName(t)} without entries`);
  }
  return undefined;
}

/** Checks a conf change from the application before it is encoded and proposed. */
export function checkConfChange(cc: ConfChange | ConfChangeV2): Error | undefined {
  if (cc === null || typeof cc !== 'object') return new Error('raft: conf change is not an object');
  const validType = (t: number) => Number.isInteger(t) && t >= 0 && t <= 3;
  const validId = (id: number) => Number.isSafeInteger(id) && id >= 0;
  if ('changes' in cc) {
    if (!Number.isInteger(cc.transition) || cc.transition < 0 || cc.transition > 2) {
      return new Error(`raft: unknown conf change transition ${String(cc.transition)}`);
    }
    for (const c of cc.changes) {
      if (!validType(c.type)) return new Error(`raft: unknown conf change type ${String(c.type)}`);
      if (!validId(c.nodeID)) return new Error(`raft: invalid conf change node id ${String(c.nodeID)}`);
    }
    return undefined;
  }
  if (!validType(cc.type)) return new Error(`raft: unknown conf change type ${String(cc.type)}`);
  if (!validId(cc.nodeID) || !validId(cc.id)) return new Error(`raft: invalid conf change ids ${String(cc.id)}/${String(cc.nodeID)}`);
  return undefined;
}
