import { defineScenario, raftLog, when, at } from './helpers';

export const bootstrap = defineScenario({
  version: 1,
  name: 'bootstrap',
  title: 'Bootstrap of a new cluster',
  description:
    'Three members start with --initial-cluster-state=new and the same --initial-cluster. None has a WAL, so each creates one, writes the cluster\'s members into its log as configuration-change entries, and starts Raft as a follower at term 1 with no leader.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3, clients: [{}] },
  steps: [
    at(0, 'No WAL: each member bootstraps a new cluster. The three ConfChangeAddNode entries (indexes 1 to 3, term 1) are committed locally at once, since every member starts from the same list.'),
    when(
      { type: 'event', match: raftLog('became pre-candidate') },
      'etcd fast-forwards the election clock of a fresh member once it sees its peers active (adjustTicks: election ticks minus 2), so the first election comes after a couple of ticks rather than a full election timeout. The first member whose timer fires becomes pre-candidate.',
    ),
    when(
      { type: 'leader' },
      '$leader won the pre-vote, then the vote at term 2, and leads. It appends an empty entry of its own term, which commits everything before it.',
      [],
      { bind: { leader: '@leader' } },
    ),
    at(1500, 'Each member publishes its name and client URLs through Raft (ClusterMemberAttrSet) and the leader sets the cluster version; then the members are ready to serve. The client writes its first key.', [
      { type: 'request', client: 'c1', label: 'first-put', request: { op: 'put', key: 'hello', value: 'world' } },
    ]),
  ],
  durationMs: 3000,
  conclusion: 'A new cluster needs every member of --initial-cluster to start: the membership is fixed in the log before the first election, so all members agree on who votes.',
  expectations: [
    { type: 'event-occurs', match: { kind: 'server.start', fields: { mode: 'new' } }, minCount: 3, teaches: 'every member bootstraps a new cluster' },
    { type: 'event-occurs', match: { kind: 'server.member', fields: { op: 'ConfChangeAddNode' } }, minCount: 9, beforeMs: 100, teaches: 'each member applies the three members to its configuration' },
    { type: 'one-leader', byMs: 1500, teaches: 'a leader within about a second' },
    { type: 'request-succeeds', label: 'first-put' },
    { type: 'no-invariant-violations' },
  ],
});
