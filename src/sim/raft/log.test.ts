// The raft log: conflicts, backtracking hints, commit/apply cursors and pagination
// (spec §4; etcd log_test.go, log_unstable_test.go).
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import { discardLogger } from './logger';
import { RaftLog } from './log';
import { ErrCompacted, MemoryStorage } from './storage';
import { entrySize } from './util';

const e = (index: number, term: number, data?: string): Entry => ({
  index,
  term,
  type: 0,
  data: data === undefined ? undefined : new TextEncoder().encode(data),
});

function logWith(stable: Entry[], maxApplying = Infinity): RaftLog {
  const s = new MemoryStorage();
  s.append(stable);
  return new RaftLog(s, discardLogger, maxApplying);
}

describe('RaftLog', () => {
  it('findConflict returns the first mismatching index', () => {
    const l = logWith([e(1, 1), e(2, 2), e(3, 3)]);
    expect(l.findConflict([])).toBe(0);
    expect(l.findConflict([e(1, 1), e(2, 2), e(3, 3)])).toBe(0);
    expect(l.findConflict([e(2, 2), e(3, 3), e(4, 4), e(5, 4)])).toBe(4);
    expect(l.findConflict([e(1, 4), e(2, 4)])).toBe(1);
    expect(l.findConflict([e(3, 4), e(4, 4)])).toBe(3);
  });

  it('findConflictByTerm skips entries with higher terms', () => {
    const l = logWith([e(1, 2), e(2, 2), e(3, 5), e(4, 5), e(5, 5)]);
    expect(l.findConflictByTerm(5, 6)).toEqual([5, 5]);
    expect(l.findConflictByTerm(5, 4)).toEqual([2, 2]);
    expect(l.findConflictByTerm(5, 1)).toEqual([0, 0]);
  });

  it('maybeAppend never truncates on a stale append and commits up to the last new entry', () => {
    const l = logWith([e(1, 1), e(2, 2), e(3, 3)]);
    expect(l.maybeAppend(1, 1, 3, [e(2, 2)])).toBe(2);
    expect(l.lastIndex()).toBe(3);
    expect(l.committed).toBe(2);
    expect(l.maybeAppend(3, 2, 3, [])).toBe(-1);
    expect(l.maybeAppend(2, 2, 4, [e(3, 4), e(4, 4)])).toBe(4);
    expect(l.lastTerm()).toBe(4);
    expect(l.committed).toBe(4);
    expect(() => l.maybeAppend(1, 1, 4, [e(2, 9)])).toThrow('entry 2 conflict with committed entry [committed(4)]');
  });

  it('commitTo panics beyond the last index', () => {
    const l = logWith([e(1, 1)]);
    expect(() => l.commitTo(2)).toThrow('tocommit(2) is out of range [lastIndex(1)]');
  });

  it('term reports compaction and unavailability', () => {
    const s = new MemoryStorage();
    s.append([e(1, 1), e(2, 2), e(3, 3)]);
    s.compact(2);
    const l = new RaftLog(s, discardLogger, Infinity);
    expect(l.term(2)).toBe(2);
    expect(() => l.term(1)).toThrow(ErrCompacted);
    expect(l.termOrNegative(4)).toBe(-2);
    expect(l.zeroTermOnOutOfBounds(1)).toBe(0);
  });

  it('pages committed entries by MaxCommittedSizePerReady and pauses until applied', () => {
    const ents = [e(1, 1, 'a'), e(2, 1, 'b'), e(3, 1, 'c')];
    const l = logWith(ents, 2 * entrySize(ents[0]));
    l.commitTo(3);
    const first = l.nextCommittedEnts(true)!;
    expect(first.map((x) => x.index)).toEqual([1, 2]);
    l.acceptApplying(2, 2 * entrySize(ents[0]), true);
    expect(l.applyingEntsPaused).toBe(true);
    expect(l.hasNextCommittedEnts(true)).toBe(false);
    l.appliedTo(2, 2 * entrySize(ents[0]));
    expect(l.nextCommittedEnts(true)!.map((x) => x.index)).toEqual([3]);
  });

  it('unstable entries become stable only for a matching (index, term)', () => {
    const l = logWith([e(1, 1)]);
    l.append([e(2, 2), e(3, 2)]);
    expect(l.nextUnstableEnts()!.map((x) => x.index)).toEqual([2, 3]);
    l.acceptUnstable();
    expect(l.nextUnstableEnts()).toBeUndefined();
    l.stableTo(3, 1); // term mismatch: ignored
    expect(l.unstable.offset).toBe(2);
    l.stableTo(2, 2);
    expect(l.unstable.offset).toBe(3);
    // A replaced tail is handed out again.
    l.append([e(3, 3)]);
    expect(l.nextUnstableEnts()!.map((x) => [x.index, x.term])).toEqual([[3, 3]]);
  });

  it('slice joins storage and unstable entries within the size budget', () => {
    const l = logWith([e(1, 1, 'a'), e(2, 1, 'b')]);
    l.append([e(3, 1, 'c'), e(4, 1, 'd')]);
    expect(l.slice(1, 5, Infinity).map((x) => x.index)).toEqual([1, 2, 3, 4]);
    expect(l.slice(1, 5, 3 * entrySize(e(1, 1, 'a'))).map((x) => x.index)).toEqual([1, 2, 3]);
    expect(l.slice(2, 5, 0).map((x) => x.index)).toEqual([2]);
    expect(() => l.slice(1, 6, Infinity)).toThrow(/out of bound/);
  });
});
