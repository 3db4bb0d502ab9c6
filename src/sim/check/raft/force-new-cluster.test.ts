import { describe, expect, it } from 'vitest';
import { checkRaftObservations } from './checker';
import type { MemberId, ObservedEntry, RaftObservation } from './observation';

// The checker's Force New Cluster rule (checker.ts): a forced restart starts a new
// cluster history; the old members keep checking against the old one.

const e = (index: number, term: number, digest: string): ObservedEntry => ({ index, term, digest });
const persist = (member: MemberId, entries: ObservedEntry[]): RaftObservation => ({ kind: 'entries', member, entries });
const hardState = (member: MemberId, term: number, vote: MemberId, commit: number): RaftObservation => ({ kind: 'hard-state', member, term, vote, commit });
const leader = (member: MemberId, term: number): RaftObservation => ({ kind: 'state', member, term, vote: member, role: 'leader' });
const follower = (member: MemberId, term: number, vote: MemberId): RaftObservation => ({ kind: 'state', member, term, vote, role: 'follower' });
const config = (member: MemberId, voters: MemberId[]): RaftObservation => ({ kind: 'config', member, voters, outgoing: [] });
const commit = (member: MemberId, c: number): RaftObservation => ({ kind: 'commit', member, commit: c });
const apply = (member: MemberId, entry: ObservedEntry): RaftObservation => ({ kind: 'apply', member, entry });

const committed = [e(1, 1, 'a'), e(2, 1, 'b')];

/**
 * Member 1 leads term 1, commits 1-2 on all, then holds an uncommitted entry 3 that
 * member 2 also stores; everyone crashes; member 1 is forced into a new cluster: entry
 * 3 becomes its RemoveNode conf changes (3 and 4, term 1), committed in memory.
 */
function forcedRun(forceNewCluster: boolean): RaftObservation[] {
  return [
    ...[1, 2, 3].map((m) => config(m, [1, 2, 3])),
    leader(1, 1),
    hardState(1, 1, 1, 0),
    ...[2, 3].flatMap((m) => [follower(m, 1, 1), hardState(m, 1, 1, 0)]),
    ...[1, 2, 3].map((m) => persist(m, committed)),
    ...[1, 2, 3].flatMap((m) => [hardState(m, 1, 1, 2), apply(m, committed[0]), apply(m, committed[1])]),
    persist(1, [e(3, 1, 'lost')]),
    persist(2, [e(3, 1, 'lost')]),
    ...[1, 2, 3].map((member): RaftObservation => ({ kind: 'crash', member })),
    { kind: 'restart', member: 1, applied: 2, ...(forceNewCluster ? { forceNewCluster } : {}) },
    persist(1, [...committed, e(3, 1, 'remove 2'), e(4, 1, 'remove 3')]),
    hardState(1, 1, 1, 2),
    config(1, [1, 2, 3]),
    commit(1, 4),
    apply(1, e(3, 1, 'remove 2')),
    apply(1, e(4, 1, 'remove 3')),
    config(1, [1]),
    leader(1, 2),
    hardState(1, 2, 1, 4),
    persist(1, [e(5, 2, '')]),
    commit(1, 5),
    // The old members come back and elect member 2 for term 2 in the old cluster.
    { kind: 'restart', member: 2, applied: 2 },
    { kind: 'restart', member: 3, applied: 2 },
    leader(2, 2),
    follower(3, 2, 2),
    persist(2, [e(4, 2, '')]),
    persist(3, [e(3, 1, 'lost'), e(4, 2, '')]),
    commit(2, 4),
    apply(2, e(3, 1, 'lost')),
  ];
}

describe('RaftInvariantChecker: --force-new-cluster', () => {
  it('checks a forced member against a new cluster history, and the old members against the old one', () => {
    expect(checkRaftObservations(forcedRun(true))).toEqual([]);
  });

  it('without the rule the same history breaks Log Matching and Election Safety', () => {
    const found = new Set(checkRaftObservations(forcedRun(false)).map((v) => v.invariant));
    expect(found).toContain('Log Matching');
    expect(found).toContain('Election Safety');
  });

  it('still checks the new history: a member first seen afterwards belongs to it', () => {
    const run = [...forcedRun(true), config(4, [1, 4]), follower(4, 2, 0), persist(4, [e(1, 1, 'a'), e(2, 1, 'b'), e(3, 1, 'lost')])];
    expect(checkRaftObservations(run).map((v) => v.invariant)).toEqual(['Log Matching']);
  });
});
