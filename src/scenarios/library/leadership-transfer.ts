import { at, defineScenario, put, raftLog, role, when } from './helpers';

const TRANSFER_AT = 2500;

export const leadershipTransfer = defineScenario({
  version: 1,
  name: 'leadership-transfer',
  title: 'Leadership transfer',
  description:
    'An operator moves leadership to another member (etcdctl move-leader, the MoveLeader API), as before taking the leader down for maintenance. Rather than wait for an election timeout, the leader makes sure the target\'s log is up to date and tells it to campaign at once with MsgTimeoutNow.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$old leads.', [], { bind: { old: '@leader', target: '@follower' } }),
    at(2000, 'A client starts with the leader $old as its only endpoint.', [{ type: 'client-add', settings: { endpoints: ['http://$old:2379'] } }]),
    at(TRANSFER_AT, 'MoveLeader to $target. The leader checks that $target\'s log matches its own and sends it MsgTimeoutNow. Until the transfer ends it drops new proposals: the client\'s Put, sent at the same moment, fails with "raft proposal dropped" (etcd does not retry it for the client: a Put is not repeatable).', [
      { type: 'transfer-leader', to: '$target' },
      put('c1', 'during', 'k', 'v1', 10_000),
    ]),
    when(
      { type: 'event', match: role('leader', '$target') },
      '$target campaigned immediately at a higher term. Its vote requests carry the transfer flag, so the others vote even though they heard from a leader within the election timeout (which check-quorum would otherwise respect): $target leads.',
    ),
    at(TRANSFER_AT + 1000, 'Writes go on through the new leader.', [put('c1', 'after', 'k', 'v2')]),
  ],
  durationMs: TRANSFER_AT + 3000,
  conclusion: 'A transfer takes about one round trip instead of an election timeout plus an election: the cluster is without a leader for milliseconds, not seconds.',
  expectations: [
    { type: 'event-occurs', match: raftLog('starts to transfer leadership to', '$old'), afterMs: TRANSFER_AT, teaches: 'the leader starts the transfer' },
    { type: 'event-occurs', match: raftLog('MsgTimeoutNow', '$old'), afterMs: TRANSFER_AT, teaches: 'it tells the target to campaign now' },
    { type: 'event-occurs', match: role('leader', '$target'), afterMs: TRANSFER_AT, beforeMs: TRANSFER_AT + 200, teaches: 'the target leads within a few round trips' },
    { type: 'no-event', match: role('pre-candidate'), afterMs: TRANSFER_AT, beforeMs: TRANSFER_AT + 3000, teaches: 'no election timeout fires: nobody had to run a pre-vote' },
    { type: 'request-fails', label: 'during', message: 'raft proposal dropped', teaches: 'proposals are dropped while leadership is being transferred' },
    { type: 'request-succeeds', label: 'after' },
    { type: 'no-invariant-violations' },
  ],
});
