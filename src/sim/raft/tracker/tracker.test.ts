// Inflights, Progress and quorum arithmetic (spec §3.8, §4.6, §5; etcd tracker/*_test.go,
// quorum datadriven tests).
import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights';
import { Progress } from './progress';
import { ProgressStateType } from './state';
import { MajorityConfig } from '../quorum/majority';
import { JointConfig } from '../quorum/joint';
import { VoteResult } from '../quorum/quorum';
import { ProgressMap } from './tracker';

describe('Inflights', () => {
  it('fills, wraps around and frees', () => {
    const in1 = new Inflights(10, 0);
    for (let i = 0; i < 5; i++) in1.add(i, 100 + i);
    in1.freeLE(4);
    expect(in1.count()).toBe(0);
    for (let i = 5; i < 15; i++) in1.add(i, 100 + i);
    expect(in1.full()).toBe(true);
    expect(() => in1.add(15, 1)).toThrow(/Full/);
    in1.freeLE(8);
    expect(in1.count()).toBe(6);
    in1.freeLE(14);
    expect(in1.count()).toBe(0);
  });

  it('is full when the byte budget is used up', () => {
    const in1 = new Inflights(10, 1000);
    in1.add(1, 600);
    expect(in1.full()).toBe(false);
    in1.add(2, 600);
    expect(in1.full()).toBe(true);
    in1.freeLE(1);
    expect(in1.full()).toBe(false);
  });
});

describe('Progress', () => {
  const pr = (state: ProgressStateType, match: number, next: number) => {
    const p = new Progress(next, new Inflights(256, 0), false);
    p.match = match;
    p.state = state;
    return p;
  };

  it('prints like etcd', () => {
    const p = pr(ProgressStateType.StateReplicate, 1, 2);
    p.isLearner = true;
    p.pendingSnapshot = 123;
    p.inflights = new Inflights(1, 0);
    p.inflights.add(123, 1);
    expect(p.toString()).toBe('StateReplicate match=1 next=2 learner pendingSnap=123 inactive inflight=1[full]');
  });

  it('maybeDecrTo ignores stale rejections and uses the hint while probing', () => {
    expect(pr(ProgressStateType.StateReplicate, 5, 10).maybeDecrTo(5, 5)).toBe(false);
    const r = pr(ProgressStateType.StateReplicate, 5, 10);
    expect(r.maybeDecrTo(9, 9)).toBe(true);
    expect(r.next).toBe(6);
    const p = pr(ProgressStateType.StateProbe, 0, 10);
    expect(p.maybeDecrTo(8, 8)).toBe(false);
    expect(p.maybeDecrTo(9, 4)).toBe(true);
    expect(p.next).toBe(5);
  });

  it('becomeProbe after a snapshot resumes past it', () => {
    const p = pr(ProgressStateType.StateProbe, 1, 5);
    p.becomeSnapshot(10);
    expect(p.isPaused()).toBe(true);
    p.becomeProbe();
    expect([p.state, p.next]).toEqual([ProgressStateType.StateProbe, 11]);
  });

  it('an empty probe does not pause, a non-empty one does', () => {
    const p = pr(ProgressStateType.StateProbe, 0, 1);
    p.sentEntries(0, 0);
    expect(p.isPaused()).toBe(false);
    p.sentEntries(1, 10);
    expect(p.isPaused()).toBe(true);
  });
});

describe('quorum', () => {
  const acked = (m: Record<number, number>) => ({ ackedIndex: (id: number) => m[id] });

  it('committed index of a majority and of a joint config', () => {
    expect(new MajorityConfig([1, 2, 3]).committedIndex(acked({ 1: 10, 2: 5, 3: 1 }))).toBe(5);
    expect(new MajorityConfig([1, 2, 3, 4]).committedIndex(acked({ 1: 10, 2: 5, 3: 1, 4: 7 }))).toBe(5);
    expect(new MajorityConfig([1, 2, 3]).committedIndex(acked({ 1: 10 }))).toBe(0);
    expect(new MajorityConfig().committedIndex(acked({}))).toBe(Infinity);
    const j = new JointConfig(new MajorityConfig([1, 2, 3]), new MajorityConfig([3, 4, 5]));
    expect(j.committedIndex(acked({ 1: 10, 2: 10, 3: 2, 4: 3, 5: 1 }))).toBe(2);
  });

  it('vote results', () => {
    const m = new MajorityConfig([1, 2, 3]);
    expect(m.voteResult(new Map([[1, true]]))).toBe(VoteResult.VotePending);
    expect(m.voteResult(new Map([[1, true], [2, true]]))).toBe(VoteResult.VoteWon);
    expect(m.voteResult(new Map([[1, false], [2, false]]))).toBe(VoteResult.VoteLost);
    expect(new MajorityConfig().voteResult(new Map())).toBe(VoteResult.VoteWon);
    const j = new JointConfig(new MajorityConfig([1, 2, 3]), new MajorityConfig([4, 5, 6]));
    expect(j.voteResult(new Map([[1, true], [2, true]]))).toBe(VoteResult.VotePending);
    expect(j.voteResult(new Map([[1, true], [2, true], [4, false], [5, false]]))).toBe(VoteResult.VoteLost);
  });

  it('describes acked indexes as a bar chart', () => {
    // Vectors from etcd's quorum/testdata/majority_commit.txt.
    expect(new MajorityConfig([1, 2, 3]).describe(acked({ 1: 12, 2: 5 }))).toBe(
      '       idx\nxx>     12    (id=1)\nx>       5    (id=2)\n?        0    (id=3)\n',
    );
    expect(new MajorityConfig([1, 2, 3, 4, 5]).describe(acked({ 1: 101, 2: 104, 3: 103, 4: 103 }))).toBe(
      '         idx\nx>       101    (id=1)\nxxxx>    104    (id=2)\nxx>      103    (id=3)\nxx>      103    (id=4)\n?          0    (id=5)\n',
    );
  });
});

describe('ProgressMap', () => {
  it('finds, replaces and deletes peers with few and with many members, ids ascending', () => {
    for (const n of [3, 40]) {
      const m = new ProgressMap();
      const ids = Array.from({ length: n }, (_, i) => (i * 7919) % 1000 + 1);
      for (const id of ids) m.set(id, new Progress(id, new Inflights(4, 0), false));
      m.set(ids[1], new Progress(999_999, new Inflights(4, 0), false));
      m.delete(ids[2]);
      m.delete(12_345);
      expect(m.size).toBe(n - 1);
      expect(m.ids()).toEqual(ids.filter((id) => id !== ids[2]).sort((a, b) => a - b));
      expect(m.get(ids[0])?.next).toBe(ids[0]);
      expect(m.get(ids[1])?.next).toBe(999_999);
      expect(m.has(ids[2])).toBe(false);
      expect(m.get(ids[2])).toBeUndefined();
      expect(m.ackedIndex(ids[0])).toBe(0);
      expect(m.ackedIndex(ids[2])).toBeUndefined();
    }
  });
});
