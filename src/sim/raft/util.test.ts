// Sizes and text formats (spec §1.1, Appendix A; etcd util_test.go).
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import {
  ConfChangeTransition,
  ConfChangeType,
  EntryType,
  MessageType,
  marshalConfChange,
  marshalConfChangeV2,
  newMessage,
  unmarshalConfChange,
  unmarshalConfChangeV2,
  varintSize,
} from './raftpb';
import { checkMessage, describeEntry, describeMessage, entrySize, goQuote, limitSize, msgTypeName, payloadSize } from './util';

const enc = (s: string) => new TextEncoder().encode(s);

describe('sizes', () => {
  it('a varint takes one byte per 7 bits, up to 2^53', () => {
    for (let bits = 0; bits <= 53; bits++) {
      const bytes = Math.max(1, Math.ceil(bits / 7));
      // The largest value with `bits` bits, and the smallest.
      expect(varintSize(2 ** bits - 1)).toBe(Math.max(1, Math.ceil(bits / 7)));
      if (bits > 0) expect(varintSize(2 ** (bits - 1))).toBe(bytes);
    }
  });

  it('encoded size counts nil and empty data differently; payload size does not', () => {
    const base = { term: 1, index: 1, type: EntryType.EntryNormal };
    expect(entrySize(base)).toBe(6);
    expect(entrySize({ ...base, data: new Uint8Array(0) })).toBe(8);
    expect(entrySize({ ...base, index: 300, data: enc('abc') })).toBe(12);
    expect(payloadSize({ ...base, data: undefined })).toBe(0);
  });

  it('limitSize keeps at least one entry', () => {
    const ents: Entry[] = [4, 5, 6].map((i) => ({ term: i, index: i, type: 0 }));
    const sz = entrySize(ents[0]);
    expect(limitSize(ents, 0)).toHaveLength(1);
    expect(limitSize(ents, 2 * sz)).toHaveLength(2);
    expect(limitSize(ents, Infinity)).toHaveLength(3);
  });
});

describe('conf change encoding', () => {
  it('round-trips V1 and V2', () => {
    const v1 = { id: 7, type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: 300, context: enc('ctx') };
    expect(unmarshalConfChange(marshalConfChange(v1))).toEqual(v1);
    const v2 = {
      transition: ConfChangeTransition.ConfChangeTransitionJointExplicit,
      changes: [
        { type: ConfChangeType.ConfChangeAddNode, nodeID: 2 },
        { type: ConfChangeType.ConfChangeRemoveNode, nodeID: 1 },
      ],
      context: undefined,
    };
    expect(unmarshalConfChangeV2(marshalConfChangeV2(v2))).toEqual(v2);
  });
});

describe('describe', () => {
  it('quotes data like Go %q', () => {
    expect(goQuote(undefined)).toBe('""');
    expect(goQuote(enc('"foo"'))).toBe('"\\"foo\\""');
    expect(goQuote(new Uint8Array([0, 9, 0xff, 0x7f]))).toBe('"\\x00\\t\\xff\\x7f"');
    expect(goQuote(enc('é'))).toBe('"é"');
  });

  it('entries show conf changes as tokens', () => {
    const cc = marshalConfChangeV2({
      transition: 0,
      changes: [
        { type: ConfChangeType.ConfChangeRemoveNode, nodeID: 1 },
        { type: ConfChangeType.ConfChangeAddNode, nodeID: 4 },
      ],
    });
    expect(describeEntry({ term: 1, index: 5, type: EntryType.EntryConfChangeV2, data: cc })).toBe('1/5 EntryConfChangeV2 r1 v4');
    expect(describeEntry({ term: 1, index: 5, type: EntryType.EntryConfChangeV2 })).toBe('1/5 EntryConfChangeV2');
    expect(describeEntry({ term: 2, index: 3, type: EntryType.EntryNormal })).toBe('2/3 EntryNormal ""');
  });

  it('messages follow Appendix A', () => {
    const m = newMessage(MessageType.MsgApp, 2, 1, 3);
    m.logTerm = 2;
    m.index = 7;
    m.commit = 5;
    m.entries = [
      { term: 3, index: 8, type: 0, data: enc('a') },
      { term: 3, index: 9, type: 0 },
    ];
    expect(describeMessage(m)).toBe('1->2 MsgApp Term:3 Log:2/7 Commit:5 Entries:[\n  3/8 EntryNormal "a"\n  3/9 EntryNormal ""\n]');
    const r = newMessage(MessageType.MsgAppResp, 1, 2, 3);
    r.reject = true;
    r.rejectHint = 4;
    r.index = 7;
    expect(describeMessage(r)).toBe('2->1 MsgAppResp Term:3 Log:0/7 Rejected (Hint: 4)');
  });
});

describe('checkMessage', () => {
  it('passes well-formed messages, with numbers below 2^32 or up to 2^53 (a server member id)', () => {
    expect(checkMessage(newMessage(MessageType.MsgApp, 2, 1, 3))).toBeUndefined();
    const big = { ...newMessage(MessageType.MsgHeartbeat, 2 ** 53 - 1, 0x8e9e05c52164, 2 ** 32), commit: 2 ** 40 };
    expect(checkMessage(big)).toBeUndefined();
    expect(checkMessage({ ...newMessage(MessageType.MsgProp, 0, 1), entries: [{ term: 0, index: 0, type: EntryType.EntryNormal }] })).toBeUndefined();
  });

  it.each([
    ['a negative term', { term: -1 }, /invalid id, term or index in MsgApp .*term -1/],
    ['a fractional index', { index: 1.5 }, /invalid id, term or index in MsgApp .*index 1.5/],
    ['an id past 2^53', { to: 2 ** 53 }, /invalid id, term or index in MsgApp \(to 9007199254740992/],
    ['a NaN reject hint', { rejectHint: NaN }, /rejectHint NaN/],
    ['an unknown type', { type: 24 }, /unknown message type 24/],
    ['a fractional type', { type: 0.5 }, /unknown message type 0.5/],
    ['entries that are not an array', { entries: 'x' }, /entries and responses of MsgApp must be arrays/],
    ['responses that are not an array', { responses: undefined }, /entries and responses of MsgApp must be arrays/],
  ])('rejects %s', (_what, over, text) => {
    expect(checkMessage({ ...newMessage(MessageType.MsgApp, 2, 1, 3), ...(over as object) } as never)?.message).toMatch(text);
  });

  it('rejects a non-object and a proposal without entries', () => {
    expect(checkMessage(null as never)?.message).toBe('raft: message is not an object');
    expect(checkMessage(newMessage(MessageType.MsgReadIndex, 0, 1))?.message).toBe('raft: MsgReadIndex without entries');
  });

  it('names message types, and unknown ones by number', () => {
    expect(msgTypeName(MessageType.MsgApp)).toBe('MsgApp');
    expect(msgTypeName(MessageType.MsgForgetLeader)).toBe('MsgForgetLeader');
    expect(msgTypeName(99 as MessageType)).toBe('99');
  });
});
