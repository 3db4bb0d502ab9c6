import { at, defineScenario, get, put, raftLog, when } from './helpers';

const blockAcks = (to: string, from: string[]) => from.map((f) => ({ type: 'block' as const, from: f, to }));

export const figure8 = defineScenario({
  version: 1,
  name: 'figure-8',
  title: 'Figure 8: an entry on a majority is not yet committed',
  description:
    'Raft\'s paper, Figure 8: a leader must never decide that an entry from an earlier term is committed just because it counts copies of it on a majority; such an entry could still be overwritten by a candidate whose log ends in a newer term. It commits entries of its own term by counting, and earlier entries only indirectly, together with one of its own. Here a leader replicates a write to a majority but never hears the acknowledgements, then loses leadership; the new leader holds that older-term entry on a majority of logs.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 5, tickMs: 100 },
  steps: [
    when({ type: 'leader' }, '$a leads. A client that talks only to $a starts.', [{ type: 'client-add', settings: { endpoints: ['http://$a:2379'] } }], {
      bind: { a: '@leader', b: '@follower', c: '@follower2', d: '@follower3', e: '@follower4' },
      afterMs: 500,
    }),
    at(
      2000,
      'The network turns one-way around $a: no member reaches $a any more (only the client does), and $a reaches only $b and $c. The client writes x=old: $a appends it in its term and sends it to $b and $c, which persist it and acknowledge; the acknowledgements never arrive.',
      [
        ...blockAcks('$a', ['$b', '$c', '$d', '$e']),
        { type: 'block', from: '$a', to: '$d' },
        { type: 'block', from: '$a', to: '$e' },
        put('c1', 'x-old', 'x', 'old', 3000),
      ],
    ),
    when(
      { type: 'event', match: raftLog('stepped down to follower since quorum is not active', '$a') },
      'The entry x=old is now in the logs of $a, $b and $c: three of five, a majority. Yet it is not committed: no leader ever saw a majority acknowledge it. $a hears nobody, so check-quorum makes it step down.',
    ),
    when(
      { type: 'leader', not: '$a' },
      '$new wins an election at a newer term. Its log ends with x=old from the earlier term, on a majority of members. By Figure 8\'s rule it must not commit x=old by counting those copies. Like every new etcd leader it appends an empty entry of its own term right away.',
      [{ type: 'heal' }],
      { bind: { new: '@leader' } },
    ),
    at(
      9000,
      'The network is whole again. Once the empty entry of the new term is on a majority, the new leader commits it by counting, and everything before it, x=old included, is committed with it. The write whose client gave up is in the store after all.',
      [{ type: 'client-add', settings: {} }, get('c2', 'read-x', 'x')],
    ),
  ],
  durationMs: 11_000,
  conclusion:
    'Replicated on a majority is not the same as committed. A leader counts copies only for entries of its own term; older entries become committed when one of its own commits after them. That is also why a timed-out write may still appear: the client cannot tell whether it will commit.',
  expectations: [
    { type: 'request-fails', label: 'x-old', message: 'context deadline exceeded', teaches: 'the leader never saw the write committed' },
    { type: 'event-occurs', match: raftLog('stepped down to follower since quorum is not active', '$a'), teaches: 'the old leader hears nobody and steps down' },
    { type: 'no-event', match: { kind: 'server.apply' }, afterMs: 2000, beforeMs: 4000, teaches: 'on a majority, yet nobody commits or applies it while its own leader cannot count the acknowledgements' },
    {
      type: 'sequence',
      events: [raftLog('stepped down to follower since quorum is not active', '$a'), { kind: 'server.role', source: '$new', fields: { role: 'leader' } }, { kind: 'server.apply', source: '$new', fields: { entries: 2 } }],
      teaches: 'the new leader commits the older-term entry only together with the empty entry of its own term: one apply of both',
    },
    { type: 'request-succeeds', label: 'read-x', result: 'x=old', teaches: 'the older-term entry is committed together with the new leader\'s own entry' },
    { type: 'no-acknowledged-write-lost' },
    { type: 'no-invariant-violations' },
  ],
});
