import { describe, expect, it } from 'vitest';
import { RaftInvariantChecker, checkRaftObservations } from './checker';
import type { MemberId, RaftObservation, Role } from './observation';
import { InvalidObservationError, type InvariantName } from './violation';

// Small builders for hand-written observation sequences.
const state = (member: MemberId, term: number, role: Role = 'follower', vote: MemberId = 0): RaftObservation => ({
  kind: 'state',
  member,
  term,
  vote,
  role,
});
const persist = (member: MemberId, from: number, terms: number[], digests?: string[]): RaftObservation => ({
  kind: 'entries',
  member,
  entries: terms.map((term, k) => ({ index: from + k, term, digest: digests?.[k] })),
});
const hardState = (member: MemberId, term: number, vote: MemberId, commit: number): RaftObservation => ({
  kind: 'hard-state',
  member,
  term,
  vote,
  commit,
});
const commit = (member: MemberId, c: number): RaftObservation => ({ kind: 'commit', member, commit: c });
const apply = (member: MemberId, index: number, term: number, digest?: string): RaftObservation => ({
  kind: 'apply',
  member,
  entry: { index, term, digest },
});
const config = (member: MemberId, voters: MemberId[], outgoing: MemberId[] = []): RaftObservation => ({
  kind: 'config',
  member,
  voters,
  outgoing,
});
const crash = (member: MemberId): RaftObservation => ({ kind: 'crash', member });
const restart = (member: MemberId, applied: number): RaftObservation => ({ kind: 'restart', member, applied });

const VOTERS = [1, 2, 3];

/** Members 1-3; member 1 leads term 1 and commits entries 1-3 (term 1) on all three. */
function healthyRun(): RaftObservation[] {
  return [
    ...VOTERS.map((m) => config(m, VOTERS)),
    state(1, 1, 'candidate', 1),
    hardState(1, 1, 1, 0),
    state(2, 1, 'follower', 1),
    hardState(2, 1, 1, 0),
    state(1, 1, 'leader', 1),
    persist(1, 1, [1, 1, 1]),
    persist(2, 1, [1, 1, 1]),
    commit(1, 3),
    hardState(1, 1, 1, 3),
    state(3, 1, 'follower', 0),
    persist(3, 1, [1, 1, 1]),
    ...VOTERS.flatMap((m) => [commit(m, 3), apply(m, 1, 1, 'a'), apply(m, 2, 1, 'b'), apply(m, 3, 1, 'c')]),
  ];
}

function invariantsOf(observations: RaftObservation[]): InvariantName[] {
  return checkRaftObservations(observations).map((v) => v.invariant);
}

describe('RaftInvariantChecker', () => {
  it('accepts a healthy run', () => {
    expect(checkRaftObservations(healthyRun())).toEqual([]);
  });

  it('returns the violations each observation causes, with its position and time', () => {
    const checker = new RaftInvariantChecker();
    for (const obs of healthyRun()) expect(checker.observe(obs)).toEqual([]);
    const found = checker.observe({ kind: 'commit', member: 2, t: 250, commit: 2 });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ invariant: 'Monotonicity', member: 2, t: 250, seq: healthyRun().length });
    expect(found[0].message).toBe("Monotonicity: member 2's commit went down from 3 to 2");
    expect(checker.violations).toEqual(found);
  });

  describe('Election Safety', () => {
    it('rejects a second leader in the same term', () => {
      const found = checkRaftObservations([...healthyRun(), state(2, 1, 'leader', 1)]);
      expect(found.map((v) => v.invariant)).toEqual(['Election Safety']);
      expect(found[0].message).toContain('member 2 became leader of term 1, which member 1 leads');
    });

    it('accepts the same leader observed twice and leaders of different terms', () => {
      const run = [...healthyRun(), state(1, 1, 'leader', 1), state(2, 2, 'candidate', 2), state(2, 2, 'leader', 2)];
      expect(invariantsOf(run)).toEqual([]);
    });
  });

  describe('Leader Append-Only', () => {
    it('rejects a leader replacing its own uncommitted entry', () => {
      const run = [...healthyRun(), persist(1, 4, [1, 1]), persist(1, 5, [1])];
      expect(invariantsOf(run)).toEqual([]);
      expect(invariantsOf([...run, persist(1, 4, [1])])).toEqual(['Leader Append-Only']);
    });

    it('accepts a follower truncating uncommitted entries of an old leader', () => {
      const run = [
        ...healthyRun(),
        persist(1, 4, [1, 1]), // member 1 (term 1) appends 4-5; only member 3 gets them
        persist(3, 4, [1, 1]),
        state(2, 2, 'candidate', 2),
        state(2, 2, 'leader', 2),
        persist(2, 4, [2]),
        state(3, 2, 'follower', 2),
        persist(3, 4, [2]), // replaces 4 and drops 5: legitimate, both were uncommitted
        persist(2, 5, [2]),
        persist(3, 5, [2]),
        commit(2, 5),
        commit(3, 5),
      ];
      expect(invariantsOf(run)).toEqual([]);
    });
  });

  describe('Log Matching', () => {
    it('rejects equal (index, term) with different predecessors', () => {
      const run = [...healthyRun(), state(2, 2, 'leader', 2), persist(2, 4, [2]), persist(3, 4, [2])];
      expect(invariantsOf(run)).toEqual([]);
      // Member 1's entry 4 of term 2 follows a term-2 entry 3: the logs diverge before index 4.
      const diverging = [...healthyRun(), persist(2, 4, [2]), state(1, 2, 'follower', 2), persist(1, 3, [2, 2])];
      const found = checkRaftObservations(diverging);
      expect(found.map((v) => v.invariant)).toContain('Log Matching');
      expect(found.find((v) => v.invariant === 'Log Matching')?.message).toContain(
        'members 2 and 1 both hold entry 4 of term 2 but differ before it: term 1 vs 2 at 3',
      );
    });

    it('rejects equal (index, term) with different payloads', () => {
      const run = [...healthyRun(), persist(1, 4, [1], ['x']), persist(2, 4, [1], ['y'])];
      expect(invariantsOf(run)).toEqual(['Log Matching']);
    });
  });

  describe('Leader Completeness', () => {
    it('rejects a leader elected without a committed entry', () => {
      const run: RaftObservation[] = [
        ...VOTERS.map((m) => config(m, VOTERS)),
        state(1, 1, 'leader', 1),
        persist(1, 1, [1, 1]),
        persist(2, 1, [1, 1]),
        persist(3, 1, [1]),
        commit(1, 2),
        state(3, 2, 'candidate', 3),
        state(3, 2, 'leader', 3),
      ];
      // Its entry 2 could still be on its way to disk: the check waits for its log.
      expect(invariantsOf(run)).toEqual([]);
      expect(invariantsOf([...run, persist(3, 2, [1, 2])])).toEqual([]);
      const found = checkRaftObservations([...run, persist(3, 2, [2])]);
      expect(found.map((v) => v.invariant)).toEqual(['Leader Completeness']);
      expect(found[0].message).toContain('leader 3 of term 2 lacks committed entry 2 of term 1 (it holds term 2 there)');
    });

    it('accepts a stale leader lacking an entry of a lower term committed in a higher term', () => {
      // Raft §5.4 is about the term an entry is committed in, not the entry's own term.
      const run: RaftObservation[] = [
        ...VOTERS.map((m) => config(m, VOTERS)),
        state(2, 1, 'leader', 2),
        persist(2, 1, [1]),
        state(3, 2, 'follower', 1),
        state(1, 2, 'leader', 1), // elected by 1 and 3 without entry 1 of term 1
        persist(1, 1, [2]),
        state(3, 3, 'follower', 2),
        state(2, 3, 'leader', 2),
        persist(2, 2, [3]),
        persist(3, 1, [1, 3]),
        commit(2, 2), // commits entry 1 of term 1 in term 3; leader 1 (term 2) need not hold it
      ];
      expect(invariantsOf(run)).toEqual([]);
      expect(invariantsOf([...run, state(3, 4, 'leader', 3), persist(3, 3, [4])])).toEqual([]);
      expect(invariantsOf([...run, state(1, 4, 'leader', 1), persist(1, 2, [4])])).toEqual(['Leader Completeness']);
    });

    it('rejects at once a leader whose durable log disagrees at a committed index', () => {
      const run: RaftObservation[] = [
        ...VOTERS.map((m) => config(m, VOTERS)),
        state(1, 1, 'leader', 1),
        persist(1, 1, [1, 1]),
        persist(2, 1, [1, 1]),
        persist(3, 1, [1, 3]), // from a leader of term 3, never committed
        commit(1, 2),
        state(3, 4, 'leader', 3),
      ];
      expect(invariantsOf(run)).toEqual(['Leader Completeness']);
    });

    it('rejects an entry of a lower term committed while a leader lacking it leads', () => {
      const run: RaftObservation[] = [
        ...VOTERS.map((m) => config(m, VOTERS)),
        state(1, 1, 'leader', 1),
        persist(1, 1, [1]),
        state(3, 2, 'leader', 3), // nothing committed yet: fine so far
        persist(2, 1, [1]),
        commit(1, 1),
      ];
      expect(invariantsOf(run)).toEqual([]); // member 3 might still be writing entry 1
      expect(invariantsOf([...run, persist(3, 1, [2])])).toEqual(['Leader Completeness']);
    });
  });

  describe('State Machine Safety', () => {
    it('rejects applying an entry other than the committed one', () => {
      const run = [...healthyRun(), persist(1, 4, [1]), persist(2, 4, [1]), commit(1, 4), commit(2, 4)];
      expect(invariantsOf([...run, apply(2, 4, 1, 'd'), apply(1, 4, 1, 'd')])).toEqual([]);
      expect(invariantsOf([...run, apply(2, 4, 1, 'd'), apply(1, 4, 1, 'e')])).toEqual(['State Machine Safety']);
      expect(invariantsOf([...run, apply(2, 4, 2)])).toEqual(['State Machine Safety']);
    });

    it('rejects skipping an entry', () => {
      const run = [...healthyRun(), persist(1, 4, [1, 1]), persist(2, 4, [1, 1]), commit(1, 5)];
      expect(invariantsOf([...run, apply(1, 5, 1)])).toEqual(['State Machine Safety']);
    });

    it('rejects a snapshot that disagrees with the committed prefix', () => {
      const snapshot: RaftObservation = { kind: 'snapshot', member: 4, index: 3, term: 2, voters: VOTERS, outgoing: [] };
      expect(invariantsOf([...healthyRun(), snapshot])).toEqual(['State Machine Safety']);
    });
  });

  describe('Committed Prefix Agreement', () => {
    it('rejects members committing different entries at one index', () => {
      const run: RaftObservation[] = [...healthyRun(), persist(4, 1, [1, 2]), commit(4, 2)];
      const found = checkRaftObservations(run);
      expect(found.map((v) => v.invariant)).toEqual(['Committed Prefix Agreement']);
      expect(found[0].message).toContain('member 4 committed entry 2 of term 2, but term 1 is committed there');
    });

    it('rejects a member replacing an entry at or below its commit index', () => {
      expect(invariantsOf([...healthyRun(), persist(3, 3, [2])])).toEqual(['Committed Prefix Agreement']);
    });
  });

  describe('Monotonicity', () => {
    it('rejects term and commit going down', () => {
      expect(invariantsOf([...healthyRun(), state(3, 0)])).toEqual(['Monotonicity']);
      expect(invariantsOf([...healthyRun(), commit(3, 1)])).toEqual(['Monotonicity']);
      expect(invariantsOf([...healthyRun(), hardState(1, 0, 0, 3)])).toEqual(['Monotonicity']);
      expect(invariantsOf([...healthyRun(), hardState(1, 1, 1, 2)])).toEqual(['Monotonicity']);
    });

    it('rejects applying beyond the commit index, or going back', () => {
      const run = [...healthyRun(), persist(1, 4, [1])];
      expect(invariantsOf([...run, apply(1, 4, 1)])).toEqual(['Monotonicity']);
      expect(invariantsOf([...healthyRun(), apply(1, 3, 1, 'c')])).toEqual(['Monotonicity']);
    });

    it('rejects a durable commit beyond the durable log', () => {
      expect(invariantsOf([...healthyRun(), hardState(2, 1, 1, 4)])).toEqual(['Monotonicity']);
    });
  });

  describe('One Vote Per Term', () => {
    it('rejects a second vote in a term, volatile or durable', () => {
      expect(invariantsOf([state(1, 2, 'follower', 2), state(1, 2, 'follower', 3)])).toEqual(['One Vote Per Term']);
      expect(invariantsOf([hardState(1, 2, 2, 0), hardState(1, 2, 3, 0)])).toEqual(['One Vote Per Term']);
    });

    it('accepts a first vote, a vote in a new term, and a vote lost in a crash', () => {
      const run = [
        state(1, 2, 'follower', 0),
        state(1, 2, 'follower', 2),
        state(1, 3, 'follower', 3),
        crash(1), // the term-3 vote was never persisted, so it was never sent
        restart(1, 0),
        state(1, 3, 'follower', 2),
      ];
      expect(invariantsOf(run)).toEqual([]);
    });
  });

  describe('Quorum Log', () => {
    it('accepts a leader committing beyond its own durable log on its followers\' acks', () => {
      // etcd's leader sends before its own write completes (raft.md §2.6, §10.4).
      const run = [...healthyRun(), persist(2, 4, [1]), persist(3, 4, [1]), commit(1, 4), persist(1, 4, [1])];
      expect(invariantsOf(run)).toEqual([]);
    });

    it('rejects a leader committing what no quorum holds durably', () => {
      const found = checkRaftObservations([...healthyRun(), persist(1, 4, [1]), commit(1, 4)]);
      expect(found.map((v) => v.invariant)).toEqual(['Quorum Log']);
      expect(found[0].message).toContain('only voters (1) of (1 2 3) hold it durably');
    });

    it('rejects a leader committing an older term\'s entry by counting replicas (Figure 8)', () => {
      const older = [...healthyRun(), persist(1, 4, [1]), persist(2, 4, [1]), state(2, 2, 'candidate', 2), state(2, 2, 'leader', 2)];
      const found = checkRaftObservations([...older, commit(2, 4)]);
      expect(found.map((v) => v.invariant)).toEqual(['Quorum Log']);
      expect(found[0].message).toContain('leader 2 of term 2 committed entry 4 of term 1 by counting replicas');
      // Committing its own term's entry commits the older one with it.
      expect(invariantsOf([...older, persist(2, 5, [2]), persist(1, 5, [2]), commit(2, 5)])).toEqual([]);
    });

    it('needs a majority of both halves of a joint config', () => {
      const joint = [...healthyRun(), config(1, [1, 4, 5], [1, 2, 3]), persist(1, 4, [1]), persist(2, 4, [1])];
      expect(invariantsOf([...joint, commit(1, 4)])).toEqual(['Quorum Log']);
      expect(invariantsOf([...joint, persist(4, 1, [1, 1, 1, 1]), commit(1, 4)])).toEqual([]);
    });
  });

  describe('snapshots, truncation and restarts', () => {
    it('follows a member that installs a snapshot and continues from it', () => {
      const run: RaftObservation[] = [
        ...healthyRun(),
        config(4, [1, 2, 3]),
        state(4, 1, 'follower', 0),
        { kind: 'snapshot', member: 4, index: 3, term: 1, voters: [1, 2, 3, 4], outgoing: [] },
        hardState(4, 1, 0, 3),
        persist(1, 4, [1]),
        persist(2, 4, [1]),
        persist(4, 4, [1]),
        commit(1, 4),
        commit(4, 4),
        apply(4, 4, 1),
        apply(1, 4, 1),
      ];
      expect(invariantsOf(run)).toEqual([]);
      // Entry 4 of term 1 after a snapshot at (3, 1) matches member 1's entry 4.
      expect(invariantsOf([...run, persist(5, 1, [1, 1, 2, 1])])).toEqual(['Log Matching']);
    });

    it('accepts what a restart legitimately resets', () => {
      const run: RaftObservation[] = [
        ...healthyRun(),
        state(2, 2, 'follower', 0), // volatile term 2 and commit 3, durable term 1 and commit 0
        crash(2),
        restart(2, 1), // back to term 1, commit 0, applied 1 (its consistent index)
        commit(2, 3),
        apply(2, 2, 1, 'b'),
        apply(2, 3, 1, 'c'),
        state(2, 2, 'follower', 3),
      ];
      expect(invariantsOf(run)).toEqual([]);
      expect(invariantsOf([...run.slice(0, -3), apply(2, 2, 1, 'x')])).toEqual(['State Machine Safety']);
    });

    it('keeps a crashed leader out of the leader set', () => {
      const run = [...healthyRun(), crash(1), restart(1, 3), state(2, 2, 'leader', 2), state(3, 2, 'follower', 2)];
      expect(invariantsOf(run)).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('throws on a gap, a non-contiguous batch, an empty batch and a step by a crashed member', () => {
      const checker = (): RaftInvariantChecker => {
        const c = new RaftInvariantChecker();
        for (const obs of healthyRun()) c.observe(obs);
        return c;
      };
      expect(() => checker().observe(persist(1, 5, [1]))).toThrow(
        'member 1 persisted entry 5 after its last entry 3: a gap',
      );
      const jumbled: RaftObservation = {
        kind: 'entries',
        member: 1,
        entries: [
          { index: 4, term: 1 },
          { index: 6, term: 1 },
        ],
      };
      expect(() => checker().observe(jumbled)).toThrow('entries are not contiguous at position 1');
      expect(() => checker().observe(persist(1, 4, []))).toThrow(InvalidObservationError);
      const c = checker();
      c.observe(crash(3));
      expect(() => c.observe(commit(3, 4))).toThrow("member 3 is crashed: only a restart can follow, not 'commit'");
      expect(() => checker().observe(restart(3, 0))).toThrow('member 3 restarted without crashing first');
    });
  });
});

describe('joining a run under way', () => {
  it('accepts a restart as a member’s first observation, but not a second restart without a crash', () => {
    const c = new RaftInvariantChecker();
    expect(c.observe({ kind: 'restart', member: 1, applied: 0 })).toEqual([]);
    expect(() => c.observe({ kind: 'restart', member: 1, applied: 0 })).toThrow(/restarted without crashing first/);
  });
});
