import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfState, Entry, Snapshot } from '../../raft/raftpb';
import { EntryType } from '../../raft/raftpb';
import { ProtoWriter } from './proto';
import {
  marshalEntry,
  marshalHardState,
  marshalSnapshot,
  unmarshalEntry,
  unmarshalHardState,
  unmarshalSnapshot,
} from './raftpb';

const id = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const small = fc.integer({ min: 0, max: 2 ** 40 });
const entry: fc.Arbitrary<Entry> = fc.record(
  {
    term: small,
    index: small,
    type: fc.constantFrom(EntryType.EntryNormal, EntryType.EntryConfChange, EntryType.EntryConfChangeV2),
    data: fc.uint8Array({ maxLength: 300 }),
  },
  { requiredKeys: ['term', 'index', 'type'] },
);
const confState: fc.Arbitrary<ConfState> = fc.record({
  voters: fc.array(id, { maxLength: 5 }),
  learners: fc.array(id, { maxLength: 3 }),
  votersOutgoing: fc.array(id, { maxLength: 3 }),
  learnersNext: fc.array(id, { maxLength: 3 }),
  autoLeave: fc.boolean(),
});

function marshal<T>(f: (w: ProtoWriter, v: T) => void, v: T): Uint8Array {
  const w = new ProtoWriter(4);
  f(w, v);
  return w.buf.slice(0, w.pos);
}

describe('raftpb codec', () => {
  it('lays an entry out as gogoproto does', () => {
    const e: Entry = { term: 1, index: 2, type: EntryType.EntryNormal, data: new Uint8Array([0x61]) };
    expect([...marshal(marshalEntry, e)]).toEqual([0x08, 0x00, 0x10, 0x01, 0x18, 0x02, 0x22, 0x01, 0x61]);
    // nil data is omitted, empty data is not
    expect(marshal(marshalEntry, { term: 1, index: 2, type: EntryType.EntryNormal }).length).toBe(6);
    expect(marshal(marshalEntry, { ...e, data: new Uint8Array(0) }).length).toBe(8);
    expect([...marshal(marshalHardState, { term: 300, vote: 1, commit: 0 })]).toEqual([
      0x08, 0xac, 0x02, 0x10, 0x01, 0x18, 0x00,
    ]);
  });

  it('round-trips entries, hard states and snapshots', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(unmarshalEntry(marshal(marshalEntry, e))).toEqual(e);
      }),
    );
    fc.assert(
      fc.property(id, id, id, (term, vote, commit) => {
        const st = { term, vote, commit };
        expect(unmarshalHardState(marshal(marshalHardState, st))).toEqual(st);
      }),
    );
    fc.assert(
      fc.property(confState, small, small, fc.option(fc.uint8Array({ maxLength: 400 }), { nil: undefined }), (cs, index, term, data) => {
        const snap: Snapshot = { metadata: { confState: cs, index, term }, ...(data && { data }) };
        expect(unmarshalSnapshot(marshal(marshalSnapshot, snap))).toEqual(snap);
      }),
    );
  });

  it('rejects malformed input with an error, not a crash', () => {
    expect(() => unmarshalEntry(new Uint8Array([0x22, 0x05, 0x01]))).toThrow(/exceeds the message/);
    expect(() => unmarshalEntry(new Uint8Array([0x00]))).toThrow(/field number 0/);
    expect(() => unmarshalEntry(new Uint8Array([0x08, 0x80]))).toThrow(/end of varint/);
    expect(() => unmarshalEntry(new Uint8Array([0x0a, 0x00]))).toThrow(/wrong wire type/);
  });
});
