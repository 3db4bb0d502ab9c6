import { at, defineScenario, get, put, when } from './helpers';

export const staleReadPartition = defineScenario({
  version: 1,
  name: 'serializable-read-partition',
  title: 'Linearizable vs serializable read under partition',
  description:
    'A follower is cut off with a client that talks only to it. Meanwhile the majority commits a new value. A serializable read is answered from the follower\'s own store, at once and stale; a linearizable read needs the leader to confirm, through a ReadIndex round, that it still leads and how far the log is committed, so on the isolated follower it cannot be answered.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$leader leads; $iso and $other follow.', [], { bind: { leader: '@leader', iso: '@follower', other: '@follower2' } }),
    at(1500, 'Client c1 starts with endpoints $leader and $other and writes k=v1; client c2 starts with $iso as its only endpoint.', [
      { type: 'client-add', settings: { endpoints: ['http://$leader:2379', 'http://$other:2379'] } },
      { type: 'client-add', settings: { endpoints: ['http://$iso:2379'] } },
      put('c1', 'v1', 'k', 'v1'),
    ]),
    at(2500, 'The network isolates $iso and c2 from the rest.', [{ type: 'partition', groups: [['$iso', 'c2'], ['$leader', '$other', 'c1']] }]),
    at(3000, 'On the majority side c1 writes k=v2; the leader and the other follower commit it.', [put('c1', 'v2', 'k', 'v2')]),
    at(3500, 'c2 reads k twice from $iso. The serializable read is served from $iso\'s applied state: v1, although v2 is committed. The linearizable read asks for a read index, which only a leader reachable from $iso could give: $iso sends MsgReadIndex again every 500 ms, unanswered, until c2\'s 3 s deadline passes.', [
      get('c2', 'serializable', 'k', true),
      get('c2', 'linearizable', 'k', false, 3000),
    ]),
    at(8000, 'The partition heals: $iso catches up, and a linearizable read through it now returns v2.', [{ type: 'heal' }]),
    at(10_000, 'c2 reads again, linearizably.', [get('c2', 'after-heal', 'k')]),
  ],
  durationMs: 11_000,
  conclusion: 'etcd reads are linearizable by default: they cost a ReadIndex round to the leader and fail without a quorum. A serializable read (--consistency=s) is cheap and available in a minority, at the price of possibly stale data.',
  expectations: [
    { type: 'request-succeeds', label: 'v2', teaches: 'the majority side keeps committing' },
    { type: 'request-succeeds', label: 'serializable', result: 'k=v1', teaches: 'the serializable read returns the stale value' },
    { type: 'request-fails', label: 'linearizable', message: 'context deadline exceeded', teaches: 'the linearizable read cannot complete in a minority' },
    { type: 'request-succeeds', label: 'after-heal', result: 'k=v2' },
    { type: 'no-invariant-violations' },
  ],
});
