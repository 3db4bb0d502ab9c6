// MemoryStorage semantics and errors (spec §4.9, etcd storage_test.go).
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, MemoryStorage } from './storage';
import { entrySize } from './util';

const e = (index: number, term: number): Entry => ({ index, term, type: 0 });

/** Storage whose dummy entry is (3,3) followed by (4,4), (5,5). */
function storage345(): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot({ data: undefined, metadata: { index: 3, term: 3, confState: { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } } });
  s.append([e(4, 4), e(5, 5)]);
  return s;
}

describe('MemoryStorage', () => {
  it('has etcd error texts', () => {
    expect(ErrCompacted.message).toBe('requested index is unavailable due to compaction');
    expect(ErrSnapOutOfDate.message).toBe('requested index is older than the existing snapshot');
    expect(ErrUnavailable.message).toBe('requested entry at index is unavailable');
  });

  it('term: compacted below the snapshot, unavailable past the end', () => {
    const s = storage345();
    expect(() => s.term(2)).toThrow(ErrCompacted);
    expect(s.term(3)).toBe(3);
    expect(s.term(5)).toBe(5);
    expect(() => s.term(6)).toThrow(ErrUnavailable);
  });

  it('entries: bounds and size limit (at least one entry)', () => {
    const s = storage345();
    expect(() => s.entries(3, 5, Infinity)).toThrow(ErrCompacted);
    expect(s.entries(4, 6, Infinity)).toEqual([e(4, 4), e(5, 5)]);
    expect(s.entries(4, 6, 0)).toEqual([e(4, 4)]);
    expect(s.entries(4, 6, entrySize(e(4, 4)) + entrySize(e(5, 5)))).toHaveLength(2);
    expect(() => s.entries(4, 7, Infinity)).toThrow(/out of bound/);
    const empty = new MemoryStorage();
    expect(() => empty.entries(1, 1, Infinity)).toThrow(ErrUnavailable);
  });

  it('first and last index', () => {
    const s = storage345();
    expect([s.firstIndex(), s.lastIndex()]).toEqual([4, 5]);
  });

  it('compact: the compact index becomes the dummy entry', () => {
    const s = storage345();
    expect(() => s.compact(3)).toThrow(ErrCompacted);
    s.compact(4);
    expect([s.firstIndex(), s.lastIndex(), s.term(4)]).toEqual([5, 5, 4]);
    expect(() => s.compact(6)).toThrow(/out of bound/);
  });

  it('append truncates a conflicting suffix and ignores compacted entries', () => {
    const s = storage345();
    s.append([e(3, 3), e(4, 6), e(5, 6), e(6, 6)]);
    expect(s.entries(4, 7, Infinity)).toEqual([e(4, 6), e(5, 6), e(6, 6)]);
    s.append([e(5, 7)]);
    expect(s.lastIndex()).toBe(5);
    expect(() => s.append([e(8, 8)])).toThrow(/missing log entry/);
  });

  it('snapshots: create and apply refuse older ones', () => {
    const s = storage345();
    const cs = { voters: [1, 2], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const snap = s.createSnapshot(5, cs, new Uint8Array([1]));
    expect(snap.metadata).toEqual({ index: 5, term: 5, confState: cs });
    expect(() => s.createSnapshot(4, cs, undefined)).toThrow(ErrSnapOutOfDate);
    expect(() => s.applySnapshot({ data: undefined, metadata: { index: 5, term: 5, confState: cs } })).toThrow(ErrSnapOutOfDate);
  });
});
