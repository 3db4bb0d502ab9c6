// The same story told twice: a follower cut off from the cluster rejoins, with and
// without pre-vote (raft.md: pre-vote and check-quorum).

import type { Scenario } from '../schema';
import { at, defineScenario, raftLog, when } from './helpers';

const HEAL_AT = 8000;

function rejoiningMember(preVote: boolean): Scenario {
  return defineScenario({
    version: 1,
    name: preVote ? 'rejoin-with-prevote' : 'rejoin-without-prevote',
    title: `A partitioned member rejoins ${preVote ? 'with' : 'without'} pre-vote`,
    description: preVote
      ? 'A follower is cut off for several seconds. Its election timer keeps firing, but with pre-vote it first asks "would you vote for me?" at its current term; nobody answers, so it never raises its term. When it rejoins, its term is no higher than the leader\'s and the cluster goes on undisturbed.'
      : 'A follower is cut off for several seconds with pre-vote turned off (--pre-vote=false). Each time its election timer fires it becomes candidate at a new, higher term. When it rejoins, the leader\'s heartbeat reaches a member with a higher term, which answers with that term; the leader must step down and the cluster holds a needless election.',
    seed: 1,
    otherSeeds: [2, 3, 4, 5],
    world: { members: 3, preVote },
    steps: [
      when({ type: 'leader' }, '$leader leads; $iso follows it.', [], { bind: { leader: '@leader', iso: '@follower' } }),
      at(2000, 'The network isolates $iso from both other members.', [{ type: 'partition', groups: [['$iso'], ['@leader', '@follower2']] }]),
      at(
        HEAL_AT - 100,
        preVote
          ? 'Meanwhile $iso\'s election timer fired again and again: each time it became pre-candidate and sent MsgPreVote at its unchanged term. Without answers it stayed at that term.'
          : 'Meanwhile $iso\'s election timer fired again and again: each time it became candidate at term+1 and voted for itself. Its term is now several ahead of the leader\'s.',
      ),
      at(
        HEAL_AT,
        preVote
          ? 'The partition heals. $iso hears the leader\'s heartbeat at a term not lower than its own and simply follows again.'
          : 'The partition heals. $leader\'s heartbeat reaches $iso at a lower term; $iso answers with its higher term so that a stale leader would learn of it, and $leader, seeing a higher term, becomes follower. A new election follows; as no write happened meanwhile, any member, even $iso, may win it.',
        [{ type: 'heal' }],
      ),
    ],
    durationMs: HEAL_AT + 6000,
    conclusion: preVote
      ? 'Pre-vote (on by default in etcd) keeps a member that cannot win from raising its term, so rejoining does not disturb a healthy leader.'
      : 'Without pre-vote a member that could never win an election still forces one when it rejoins: every client request stalls while the cluster elects again.',
    expectations: preVote
      ? [
          { type: 'event-occurs', match: raftLog('became pre-candidate', '$iso'), afterMs: 2000, beforeMs: HEAL_AT, teaches: 'the isolated member keeps trying to campaign' },
          { type: 'no-event', match: raftLog('became candidate', '$iso'), beforeMs: HEAL_AT + 6000, teaches: 'without a pre-vote majority it never becomes candidate, so its term never rises' },
          { type: 'no-event', match: raftLog('became follower', '$leader'), afterMs: HEAL_AT, beforeMs: HEAL_AT + 6000, teaches: 'the leader is not disturbed when it rejoins' },
          { type: 'no-invariant-violations' },
        ]
      : [
          { type: 'event-occurs', match: raftLog('became candidate', '$iso'), minCount: 3, afterMs: 2000, beforeMs: HEAL_AT, teaches: 'the isolated member raises its term at each election timeout' },
          { type: 'event-occurs', match: raftLog('became follower', '$leader'), afterMs: HEAL_AT, beforeMs: HEAL_AT + 3000, teaches: 'the leader steps down on seeing the higher term' },
          { type: 'one-leader', byMs: HEAL_AT + 6000, teaches: 'a new election restores a leader, at a higher term' },
          { type: 'no-invariant-violations' },
        ],
  });
}

export const rejoinWithPreVote = rejoiningMember(true);
export const rejoinWithoutPreVote = rejoiningMember(false);
