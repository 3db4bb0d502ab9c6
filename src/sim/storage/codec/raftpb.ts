// Marshaling of the raftpb types the WAL and snapshot files carry, in the same
// field order and presence rules as etcd's gogoproto code (non-nullable scalars
// always written, nil bytes omitted), so sizes match etcd's byte for byte.

import type { ConfState, Entry, HardState, Snapshot, SnapshotMetadata } from '../../raft/raftpb';
import { EntryType } from '../../raft/raftpb';
import { ProtoReader, ProtoWriter, WireBytes, WireVarint } from './proto';

export function marshalEntry(w: ProtoWriter, e: Entry): void {
  w.uint(1, e.type);
  w.uint(2, e.term);
  w.uint(3, e.index);
  if (e.data !== undefined) w.bytes(4, e.data);
}

export function unmarshalEntry(data: Uint8Array): Entry {
  const e: Entry = { term: 0, index: 0, type: EntryType.EntryNormal };
  const r = new ProtoReader(data);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) e.type = varint(r, field, wire) as EntryType;
    else if (field === 2) e.term = varint(r, field, wire);
    else if (field === 3) e.index = varint(r, field, wire);
    else if (field === 4) {
      r.expect(field, wire, WireBytes);
      e.data = r.bytes();
    } else r.skip(wire);
  }
  return e;
}

export function marshalHardState(w: ProtoWriter, st: HardState): void {
  w.uint(1, st.term);
  w.uint(2, st.vote);
  w.uint(3, st.commit);
}

export function unmarshalHardState(data: Uint8Array): HardState {
  const st: HardState = { term: 0, vote: 0, commit: 0 };
  const r = new ProtoReader(data);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) st.term = varint(r, field, wire);
    else if (field === 2) st.vote = varint(r, field, wire);
    else if (field === 3) st.commit = varint(r, field, wire);
    else r.skip(wire);
  }
  return st;
}

export function marshalConfState(w: ProtoWriter, cs: ConfState): void {
  // proto2 repeated scalars are not packed: one tag per element.
  for (const id of cs.voters) w.uint(1, id);
  for (const id of cs.learners) w.uint(2, id);
  for (const id of cs.votersOutgoing) w.uint(3, id);
  for (const id of cs.learnersNext) w.uint(4, id);
  w.bool(5, cs.autoLeave);
}

export function readConfState(r: ProtoReader): ConfState {
  const cs: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) cs.voters.push(varint(r, field, wire));
    else if (field === 2) cs.learners.push(varint(r, field, wire));
    else if (field === 3) cs.votersOutgoing.push(varint(r, field, wire));
    else if (field === 4) cs.learnersNext.push(varint(r, field, wire));
    else if (field === 5) cs.autoLeave = varint(r, field, wire) !== 0;
    else r.skip(wire);
  }
  return cs;
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

export function marshalSnapshot(w: ProtoWriter, snap: Snapshot): void {
  const m = snap.metadata;
  w.message(2, (mw) => {
    mw.message(1, (cw) => marshalConfState(cw, m.confState));
    mw.uint(2, m.index);
    mw.uint(3, m.term);
  });
  if (snap.data !== undefined) w.bytes(3, snap.data);
}

export function unmarshalSnapshot(data: Uint8Array): Snapshot {
  const metadata: SnapshotMetadata = { confState: emptyConfState(), index: 0, term: 0 };
  const snap: Snapshot = { metadata };
  const r = new ProtoReader(data);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 2) {
      r.expect(field, wire, WireBytes);
      const mr = r.sub();
      while (!mr.done()) {
        const [mf, mwire] = mr.tag();
        if (mf === 1) {
          mr.expect(mf, mwire, WireBytes);
          metadata.confState = readConfState(mr.sub());
        } else if (mf === 2) metadata.index = varint(mr, mf, mwire);
        else if (mf === 3) metadata.term = varint(mr, mf, mwire);
        else mr.skip(mwire);
      }
    } else if (field === 3) {
      r.expect(field, wire, WireBytes);
      snap.data = r.bytes();
    } else r.skip(wire);
  }
  return snap;
}

/** Reads a varint field after checking its wire type. */
export function varint(r: ProtoReader, field: number, wire: number): number {
  r.expect(field, wire, WireVarint);
  return r.varint();
}
