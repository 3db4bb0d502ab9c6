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
  entries: readonly Entry[];
  commit: number;
  vote: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  context?: Uint8Array;
  responses: readonly Message[];
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

// Node ids of the storage threads in async-storage-writes mode (raft.go LocalAppendThread,
// LocalApplyThread: 2^64-1 and 2^64-2). Plain numbers cannot hold those, so we reserve the
// two largest safe integers; they never collide with a simulated member id.
export const LocalAppendThread = Number.MAX_SAFE_INTEGER;
export const LocalApplyThread = Number.MAX_SAFE_INTEGER - 1;

export function isLocalMsgTarget(id: number): boolean {
  return id === LocalAppendThread || id === LocalApplyThread;
}

// A shared empty entry list; readonly in type. Not frozen: a frozen array has its own
// hidden class, which makes the entries reads on the hot path polymorphic.
export const noEntries: readonly Entry[] = [];
export const noMessages: readonly Message[] = [];

/** A message with every field at its zero value; callers fill what they use. */
export function newMessage(type: MessageType, to: number, from: number = None, term = 0): Message {
  return {
    type,
    to,
    from,
    term,
    logTerm: 0,
    index: 0,
    entries: noEntries,
    commit: 0,
    vote: 0,
    snapshot: undefined,
    reject: false,
    rejectHint: 0,
    context: undefined,
    responses: noMessages,
  };
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

export function emptySnapshot(): Snapshot {
  return { data: undefined, metadata: { confState: emptyConfState(), index: 0, term: 0 } };
}

// ---- Conf change helpers (raftpb/confchange.go) ----

/** V1 changes are a single change with the Auto transition (ConfChange.AsV2). */
export function confChangeAsV2(cc: ConfChange | ConfChangeV2): ConfChangeV2 {
  if ('changes' in cc) return cc;
  return {
    transition: ConfChangeTransition.ConfChangeTransitionAuto,
    changes: [{ type: cc.type, nodeID: cc.nodeID }],
    context: cc.context,
  };
}

/** EnterJoint: joint consensus iff the transition is not Auto or more than one change. */
export function enterJoint(cc: ConfChangeV2): { autoLeave: boolean; ok: boolean } {
  if (cc.transition !== ConfChangeTransition.ConfChangeTransitionAuto || cc.changes.length > 1) {
    const autoLeave = cc.transition !== ConfChangeTransition.ConfChangeTransitionJointExplicit;
    return { autoLeave, ok: true };
  }
  return { autoLeave: false, ok: false };
}

/** LeaveJoint: the V2 change is zero apart from its context. */
export function leaveJoint(cc: ConfChangeV2): boolean {
  return cc.transition === ConfChangeTransition.ConfChangeTransitionAuto && cc.changes.length === 0;
}

const ccLetters: Record<ConfChangeType, string> = {
  [ConfChangeType.ConfChangeAddNode]: 'v',
  [ConfChangeType.ConfChangeAddLearnerNode]: 'l',
  [ConfChangeType.ConfChangeRemoveNode]: 'r',
  [ConfChangeType.ConfChangeUpdateNode]: 'u',
};

/** ConfChangesToString: `v1 l2 r3 u4`. */
export function confChangesToString(ccs: readonly ConfChangeSingle[]): string {
  let s = '';
  for (let i = 0; i < ccs.length; i++) {
    if (i > 0) s += ' ';
    s += (ccLetters[ccs[i].type] ?? 'unknown') + String(ccs[i].nodeID);
  }
  return s;
}

/** ConfChangesFromString: parses `v1 l2 r3 u4`; throws on a malformed token. */
export function confChangesFromString(s: string): ConfChangeSingle[] {
  const out: ConfChangeSingle[] = [];
  for (const tok of s.split(/\s+/)) {
    if (tok === '') continue;
    let type: ConfChangeType;
    switch (tok[0]) {
      case 'v': type = ConfChangeType.ConfChangeAddNode; break;
      case 'l': type = ConfChangeType.ConfChangeAddLearnerNode; break;
      case 'r': type = ConfChangeType.ConfChangeRemoveNode; break;
      case 'u': type = ConfChangeType.ConfChangeUpdateNode; break;
      default: throw new Error(`unknown input: ${tok}`);
    }
    const rest = tok.slice(1);
    if (!/^[0-9]+$/.test(rest)) throw new Error(`strconv.ParseUint: parsing "${rest}": invalid syntax`);
    out.push({ type, nodeID: Number(rest) });
  }
  return out;
}

// ---- Protobuf encoding (gogoproto layout, spec §1.1/§1.3) ----
// Only conf changes are encoded: they travel as entry payloads, and their sizes count
// toward the size limits exactly as in etcd.

/** Number of bytes of the varint encoding of x (raft.pb.go sovRaft). */
export function varintSize(x: number): number {
  // Sizes are asked per entry on the hot path: compare for the usual small values.
  if (x < 0x80) return 1;
  if (x < 0x4000) return 2;
  if (x < 0x200000) return 3;
  let n = 4;
  x = Math.floor(x / 0x200000);
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

class Encoder {
  private buf: number[] = [];
  varint(x: number): void {
    while (x >= 128) {
      this.buf.push((x % 128) | 128);
      x = Math.floor(x / 128);
    }
    this.buf.push(x);
  }
  bytes(tag: number, b: Uint8Array): void {
    this.varint(tag);
    this.varint(b.length);
    for (const x of b) this.buf.push(x);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.buf);
  }
}

class Decoder {
  private pos = 0;
  constructor(private readonly b: Uint8Array) {}
  done(): boolean {
    return this.pos >= this.b.length;
  }
  varint(): number {
    let x = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.b.length) throw new Error('unexpected EOF');
      const c = this.b[this.pos++];
      x += (c & 127) * mul;
      if (c < 128) return x;
      mul *= 128;
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.b.length) throw new Error('unexpected EOF');
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else throw new Error(`proto: illegal wireType ${wire}`);
  }
}

export function marshalConfChange(cc: ConfChange): Uint8Array {
  const e = new Encoder();
  e.varint(0x08);
  e.varint(cc.id);
  e.varint(0x10);
  e.varint(cc.type);
  e.varint(0x18);
  e.varint(cc.nodeID);
  if (cc.context !== undefined) e.bytes(0x22, cc.context);
  return e.finish();
}

export function unmarshalConfChange(data: Uint8Array | undefined): ConfChange {
  const cc: ConfChange = { id: 0, type: ConfChangeType.ConfChangeAddNode, nodeID: 0, context: undefined };
  const d = new Decoder(data ?? new Uint8Array(0));
  while (!d.done()) {
    const tag = d.varint();
    switch (tag) {
      case 0x08: cc.id = d.varint(); break;
      case 0x10: cc.type = d.varint(); break;
      case 0x18: cc.nodeID = d.varint(); break;
      case 0x22: cc.context = d.bytes(); break;
      default: d.skip(tag & 7);
    }
  }
  return cc;
}

export function marshalConfChangeV2(cc: ConfChangeV2): Uint8Array {
  const e = new Encoder();
  e.varint(0x08);
  e.varint(cc.transition);
  for (const c of cc.changes) {
    const s = new Encoder();
    s.varint(0x08);
    s.varint(c.type);
    s.varint(0x10);
    s.varint(c.nodeID);
    e.bytes(0x12, s.finish());
  }
  if (cc.context !== undefined) e.bytes(0x1a, cc.context);
  return e.finish();
}

export function unmarshalConfChangeV2(data: Uint8Array | undefined): ConfChangeV2 {
  const cc: ConfChangeV2 = { transition: ConfChangeTransition.ConfChangeTransitionAuto, changes: [], context: undefined };
  const d = new Decoder(data ?? new Uint8Array(0));
  while (!d.done()) {
    const tag = d.varint();
    switch (tag) {
      case 0x08: cc.transition = d.varint(); break;
      case 0x12: {
        const s = new Decoder(d.bytes());
        const c: ConfChangeSingle = { type: ConfChangeType.ConfChangeAddNode, nodeID: 0 };
        while (!s.done()) {
          const t = s.varint();
          if (t === 0x08) c.type = s.varint();
          else if (t === 0x10) c.nodeID = s.varint();
          else s.skip(t & 7);
        }
        cc.changes.push(c);
        break;
      }
      case 0x1a: cc.context = d.bytes(); break;
      default: d.skip(tag & 7);
    }
  }
  return cc;
}

/**
 * MarshalConfChange: the entry type and payload that carry a conf change. Proposing
 * `undefined` yields an EntryConfChangeV2 with nil data: the auto-leave proposal (§1.3).
 */
export function marshalConfChangeEntry(cc: ConfChange | ConfChangeV2 | undefined): { type: EntryType; data?: Uint8Array } {
  if (cc === undefined) return { type: EntryType.EntryConfChangeV2, data: undefined };
  if ('changes' in cc) return { type: EntryType.EntryConfChangeV2, data: marshalConfChangeV2(cc) };
  return { type: EntryType.EntryConfChange, data: marshalConfChange(cc) };
}
