import { at, defineScenario, get, put, when } from './helpers';

export const forceNewCluster = defineScenario({
  version: 1,
  name: 'force-new-cluster',
  title: 'Disaster recovery with --force-new-cluster',
  description:
    'A three-member cluster loses two members for good. The survivor alone is not a majority, so nothing can commit: the cluster is unavailable until an operator restarts the survivor with --force-new-cluster. It restarts from its own WAL and snapshot as a one-member cluster: what it had committed stays, what it had not is discarded, and the other members are removed by configuration changes it commits by itself.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3, clients: [{}] },
  steps: [
    when({ type: 'leader' }, '$survivor leads a healthy cluster.', [], { bind: { survivor: '@leader', lost1: '@follower', lost2: '@follower2' }, afterMs: 500 }),
    at(1500, 'The client writes a key; a majority persists and commits it.', [put('c1', 'before', 'config', 'v1')]),
    at(3000, 'Both followers, $lost1 and $lost2, fail for good (think: their disks are gone). $survivor keeps its log, but one of three is not a majority.', [
      { type: 'crash', member: '$lost1' },
      { type: 'crash', member: '$lost2' },
    ]),
    at(3500, 'The client tries to write. $survivor cannot hear a quorum: with CheckQuorum it steps down within an election timeout, and a lone candidate never gets a majority of votes. The write cannot commit: the client gives up after its 3 s deadline.', [
      put('c1', 'stuck', 'config', 'v2', 3000),
    ]),
    at(7000, 'The operator stops $survivor, to start it again by hand.', [{ type: 'crash', member: '$survivor' }]),
    at(7500, 'The operator restarts $survivor with --force-new-cluster. It reads its WAL and snapshot, discards the entries that were never committed, and appends configuration changes that remove $lost1 and $lost2, committing them as the only voter.', [
      { type: 'restart', member: '$survivor', forceNewCluster: true },
    ]),
    when({ type: 'leader' }, 'A cluster of one is its own majority: $survivor elects itself and serves again. The committed key is still there.', [get('c1', 'read-back', 'config'), put('c1', 'after', 'config', 'v3')], {
      afterMs: 500,
    }),
    at(10_000, 'An operator checks with etcdctl: the member list has only $survivor, and the key holds the newest value.', [], { etcdctl: ['member list', 'get config'] }),
    at(11000, 'Later $lost1 comes back with its old data and its old idea of the cluster. $survivor has removed it: the old member learns it was removed and stops, rather than splitting the cluster in two.', [
      { type: 'restart', member: '$lost1' },
    ]),
  ],
  durationMs: 16_000,
  conclusion:
    '--force-new-cluster trades safety for availability on purpose: it makes one member the whole cluster, keeping what it committed. Use it only when a majority is lost for good, then add fresh members (etcdctl member add) to get back to three.',
  expectations: [
    { type: 'request-succeeds', label: 'before' },
    { type: 'request-fails', label: 'stuck', message: 'context deadline exceeded', teaches: 'without a majority nothing commits' },
    { type: 'event-occurs', match: { kind: 'server.start', source: '$survivor', fields: { mode: 'force-new-cluster' } }, afterMs: 7500, teaches: 'the member restarts as a one-member cluster' },
    { type: 'event-occurs', match: { kind: 'server.member', source: '$survivor', fields: { op: 'ConfChangeRemoveNode' } }, minCount: 2, afterMs: 7500, teaches: 'the lost members are removed by conf changes' },
    { type: 'request-succeeds', label: 'read-back', result: 'config=v1', teaches: 'committed data survives' },
    { type: 'request-succeeds', label: 'after', teaches: 'the one-member cluster serves writes' },
    { type: 'etcdctl-output', line: 'member list', stdout: ', started, $survivor, http://$survivor:2380,', teaches: 'the cluster has one member' },
    { type: 'etcdctl-output', line: 'get config', stdout: 'config\nv3\n', teaches: 'etcdctl get prints the key and its newest value' },
    { type: 'event-occurs', match: { kind: 'server.stop', source: '$lost1', text: 'permanently removed' }, afterMs: 11_000, teaches: 'a removed member that comes back stops' },
    { type: 'no-acknowledged-write-lost', teaches: '--force-new-cluster keeps every write that was acknowledged' },
    { type: 'no-invariant-violations' },
  ],
});
