import { at, defineScenario, get, put, raftLog, role, when } from './helpers';

const SPLIT_AT = 2000;
const HEAL_AT = 7000;

export const majorityPartition = defineScenario({
  version: 1,
  name: 'majority-partition',
  title: 'A partition that leaves the leader with a majority',
  description:
    'A five-member cluster splits 3 / 2 with the leader on the larger side. The leader still hears from a majority (itself and two followers), so it keeps leading and committing. The two cut-off followers lose the leader; with pre-vote their campaigns cannot win, so their terms do not rise and the healing is quiet.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 5 },
  steps: [
    when({ type: 'leader' }, '$leader leads five members.', [], { bind: { leader: '@leader', a: '@follower', b: '@follower2', c: '@follower3', d: '@follower4' } }),
    at(1500, 'A client that talks only to the leader starts.', [{ type: 'client-add', settings: { endpoints: ['http://$leader:2379'] } }]),
    at(SPLIT_AT, 'The network splits: $leader, $a and $b on one side (3 of 5, a majority), $c and $d on the other.', [
      { type: 'partition', groups: [['$leader', '$a', '$b', 'c1'], ['$c', '$d']] },
    ]),
    at(SPLIT_AT + 500, 'The client writes: the leader needs acknowledgements from two followers besides itself, and $a and $b give them.', [put('c1', 'during', 'k', 'v')]),
    at(
      HEAL_AT - 100,
      'On the small side, the election timers of $c and $d fired: each became pre-candidate and asked for pre-votes, but two votes out of five are not a majority, so neither ever became candidate.',
    ),
    at(HEAL_AT, 'The partition heals. The two followers hear the leader at the same term and catch up on the entries they missed.', [{ type: 'heal' }]),
    at(HEAL_AT + 2000, 'A linearizable read confirms the cluster is whole.', [get('c1', 'after', 'k')]),
  ],
  durationMs: HEAL_AT + 3000,
  conclusion: 'A partition only matters to the side without a majority: the majority side goes on as if the minority had crashed.',
  expectations: [
    { type: 'request-succeeds', label: 'during', teaches: 'the majority side keeps committing' },
    { type: 'no-event', match: role('leader'), afterMs: SPLIT_AT, beforeMs: HEAL_AT + 3000, teaches: 'nobody else becomes leader: no election at all' },
    { type: 'event-occurs', match: raftLog('became pre-candidate'), afterMs: SPLIT_AT, beforeMs: HEAL_AT, teaches: 'the cut-off followers try to campaign' },
    { type: 'no-event', match: raftLog('became candidate'), afterMs: SPLIT_AT, beforeMs: HEAL_AT + 3000, teaches: 'pre-vote stops them before they raise their term' },
    { type: 'request-succeeds', label: 'after', result: 'k=v' },
    { type: 'no-acknowledged-write-lost', teaches: 'what was acknowledged survives the partition' },
    { type: 'no-invariant-violations' },
  ],
});
