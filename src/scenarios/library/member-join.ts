import { at, defineScenario, put, request, when } from './helpers';

const NEW = 'm4';

export const memberJoin = defineScenario({
  version: 1,
  name: 'member-join',
  title: 'A member joining, and the quorum it changes',
  description:
    'etcdctl member add changes the cluster\'s membership as soon as the configuration change commits, before the new member is even started. A 3-member cluster becomes a 4-member cluster whose quorum is 3: until the new member runs and catches up, the cluster tolerates no failure at all. This is why etcd recommends adding members one at a time, as learners first.',
  seed: 1,
  otherSeeds: [2, 3],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$leader leads three voting members: quorum 2, one failure tolerated.', [], { bind: { leader: '@leader', f: '@follower' } }),
    at(1500, 'A client that uses the leader starts.', [{ type: 'client-add', settings: { endpoints: ['http://$leader:2379'] } }]),
    at(6500, `etcdctl member add ${NEW} (a voter). The configuration change commits with the three running members; the cluster now has four voters and a quorum of 3. (etcd refuses membership changes until every member has been connected for 5 s, hence the wait.)`, [
      request('c1', 'add', { op: 'member-add', peerURLs: [`http://${NEW}:2380`] }),
    ]),
    at(7000, `Before ${NEW} is started, the follower $f crashes. Two of four voters run: no quorum. A write cannot commit.`, [
      { type: 'crash', member: '$f' },
      put('c1', 'no-quorum', 'k', 'v1', 3000),
    ]),
    at(10_500, `The operator starts etcd on ${NEW} with --initial-cluster-state=existing. It joins, receives the log, and its acknowledgements make three of four: a quorum again.`, [{ type: 'member-join', member: NEW }]),
    at(14_000, 'Writes commit again.', [put('c1', 'quorum-back', 'k', 'v2')]),
  ],
  durationMs: 15_000,
  conclusion: 'Adding a voting member raises the quorum at once. Start the new member promptly, or add it as a learner and promote it once it has caught up.',
  expectations: [
    { type: 'request-succeeds', label: 'add' },
    { type: 'request-fails', label: 'no-quorum', message: 'context deadline exceeded', teaches: 'two of four voters cannot commit' },
    { type: 'event-occurs', match: { kind: 'server.start', source: NEW, fields: { mode: 'join' } }, teaches: 'the new member joins the existing cluster' },
    { type: 'request-succeeds', label: 'quorum-back', teaches: 'with the new member running, a quorum exists again' },
    { type: 'no-invariant-violations' },
  ],
});
