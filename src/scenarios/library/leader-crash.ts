import { at, defineScenario, put, raftLog, role, when } from './helpers';

export const leaderCrash = defineScenario({
  version: 1,
  name: 'leader-crash',
  title: 'Leader crash and re-election',
  description:
    'A three-member cluster elects a leader; then the leader process dies. The followers stop hearing heartbeats, and after a randomized election timeout one of them runs for election, wins a majority (2 of 3), and the cluster serves writes again. The old leader comes back as a follower.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3, clients: [{}] },
  steps: [
    when({ type: 'leader' }, 'Every member starts as a follower. The first whose randomized election timeout (10 to 20 ticks of 100 ms) fires becomes pre-candidate, then candidate, and wins the votes of a majority: $old leads.', [], {
      bind: { old: '@leader' },
    }),
    at(2500, 'The client writes a key: the leader appends it, replicates it to the followers, commits it once a majority has persisted it, and answers.', [put('c1', 'before', 'greeting', 'hello')]),
    at(3000, 'The leader $old crashes. Nothing it had not fsynced survives; the followers simply stop receiving its heartbeats.', [{ type: 'crash', member: '$old' }]),
    when(
      { type: 'leader', not: '$old' },
      'A follower whose election timeout elapsed without a heartbeat became pre-candidate (pre-vote asks "would you vote for me?" without raising the term), then candidate at a higher term; the other survivor voted for it because its log is at least as up-to-date. Two of three is a majority: $new leads.',
      [put('c1', 'after', 'greeting', 'again')],
      { bind: { new: '@leader' } },
    ),
    at(7000, 'The old leader restarts from its WAL. It hears the new leader\'s heartbeats at a higher term and becomes its follower.', [{ type: 'restart', member: '$old' }]),
  ],
  durationMs: 10_000,
  conclusion: 'A Raft cluster of 2f+1 members survives f crashes: with 3 members one may fail and a majority still elects a leader and commits writes.',
  expectations: [
    { type: 'request-succeeds', label: 'before', teaches: 'the first leader commits the write' },
    { type: 'one-leader', byMs: 6900, not: '$old', teaches: 'a new leader is elected within a few election timeouts' },
    { type: 'event-occurs', match: raftLog('became leader at term'), afterMs: 3000, teaches: 'the election is in raft\'s log' },
    { type: 'request-succeeds', label: 'after', teaches: 'the client\'s retries reach the new leader through another endpoint' },
    { type: 'event-occurs', match: role('follower', '$old'), afterMs: 7000, teaches: 'the old leader rejoins as a follower' },
    { type: 'no-acknowledged-write-lost', teaches: 'every write the client was told succeeded is on every running member' },
    { type: 'no-invariant-violations' },
  ],
});
