import { at, defineScenario, request, when } from './helpers';

const NEW = 'm4';

export const learnerPromoted = defineScenario({
  version: 1,
  name: 'learner-added-and-promoted',
  title: 'A member joins as a learner and is promoted',
  description:
    'Adding a voting member to a cluster changes its quorum at once, before the new member has any data: a 3-member cluster becomes a 4-member one that needs 3 votes. etcd\'s safer way is a learner: a non-voting member that receives the log but counts for no quorum, promoted to voter only once it has caught up with the leader.',
  seed: 1,
  otherSeeds: [2, 3],
  world: { members: 3, clients: [{}] },
  steps: [
    when({ type: 'leader' }, '$leader leads three voting members.', [], { bind: { leader: '@leader' } }),
    at(1500, 'A few writes make a log to catch up on.', [
      request('c1', 'w1', { op: 'put', key: 'a', value: '1' }),
      request('c1', 'w2', { op: 'put', key: 'b', value: '2' }),
      request('c1', 'w3', { op: 'put', key: 'c', value: '3' }),
    ]),
    at(6500, `etcdctl member add ${NEW} --learner: the cluster records a learner with peer URL http://${NEW}:2380 through a configuration change. (etcd refuses to change membership until every member has been connected for 5 s, hence the wait.) Quorum is still 2 of the 3 voters.`, [
      request('c1', 'add', { op: 'member-add', peerURLs: [`http://${NEW}:2380`], learner: true }),
    ]),
    at(7000, `The operator starts etcd on ${NEW} with --initial-cluster-state=existing. It joins with the ID the cluster gave its URL, with an empty log.`, [{ type: 'member-join', member: NEW }]),
    at(7100, 'An impatient promotion is refused: the learner is not yet in sync with the leader.', [request('c1', 'early-promote', { op: 'member-promote', member: NEW })]),
    at(14_000, `The leader has sent ${NEW} the log (or a snapshot); its match index is at least 90 % of the leader's, so promotion is accepted and ${NEW} becomes a voter. Quorum is now 3 of 4.`, [
      request('c1', 'promote', { op: 'member-promote', member: NEW }),
    ]),
    at(16_000, 'The cluster takes writes with four voters.', [request('c1', 'w4', { op: 'put', key: 'd', value: '4' })]),
  ],
  durationMs: 17_000,
  conclusion: 'Learners make membership changes safe: the quorum grows only once the new member can actually vote with an up-to-date log.',
  expectations: [
    { type: 'request-succeeds', label: 'add' },
    { type: 'request-fails', label: 'early-promote', message: 'etcdserver: can only promote a learner member which is in sync with leader', teaches: 'a learner is promoted only once it has caught up' },
    { type: 'event-occurs', match: { kind: 'server.start', source: NEW, fields: { mode: 'join' } }, teaches: 'the new member joins the existing cluster' },
    { type: 'request-succeeds', label: 'promote', teaches: 'a caught-up learner is promoted' },
    { type: 'request-succeeds', label: 'w4' },
    { type: 'no-invariant-violations' },
  ],
});
