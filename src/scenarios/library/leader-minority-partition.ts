import { at, defineScenario, put, raftLog, when } from './helpers';

export const leaderMinorityPartition = defineScenario({
  version: 1,
  name: 'leader-minority-partition',
  title: 'The leader cut off in a minority',
  description:
    'A partition leaves the leader alone with one client, on the minority side of a three-member cluster. The leader can still append a write to its own log, but it can never commit it: committing needs a majority. Check-quorum makes it step down once it has not heard from a majority for an election timeout, while the majority elects a new leader.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$old is elected leader.', [], { bind: { old: '@leader' } }),
    at(2000, 'A client starts whose only endpoint is the leader $old.', [{ type: 'client-add', settings: { endpoints: ['http://$old:2379'] } }]),
    at(
      3000,
      'The network splits: $old and the client on one side, the two other members on the other. The client writes at once, with a 15 s deadline.',
      [{ type: 'partition', groups: [['$old', 'c1'], ['@follower', '@follower2']] }, put('c1', 'during', 'k', 'lost?', 15_000)],
    ),
    when(
      { type: 'event', match: raftLog('stepped down to follower since quorum is not active', '$old') },
      'Check-quorum: a leader that has not heard from a majority within an election timeout steps down. $old knows it may no longer be the leader, so it stops pretending.',
    ),
    when({ type: 'leader', not: '$old' }, 'On the majority side, a follower\'s election timer fired: it won the vote of the other and leads as $new at a higher term.', [], {
      bind: { new: '@leader' },
    }),
    when(
      { type: 'response', label: 'during' },
      'The write sent to $old never committed: the server gives up after its request timeout (5 s plus two election timeouts) and the client receives the error. The write is not acknowledged, so losing it breaks no promise.',
    ),
    at(14_000, 'The partition heals. $old hears the new leader at a higher term; its uncommitted entry is overwritten by the new leader\'s log.', [{ type: 'heal' }]),
  ],
  durationMs: 17_000,
  conclusion: 'A leader in a minority cannot commit. Check-quorum bounds how long it believes it leads; the request timeout bounds how long a client waits.',
  expectations: [
    { type: 'event-occurs', match: raftLog('stepped down to follower since quorum is not active', '$old'), afterMs: 3000, beforeMs: 6000, teaches: 'check-quorum steps the isolated leader down within about two election timeouts' },
    { type: 'one-leader', byMs: 8000, not: '$old', teaches: 'the majority side elects a new leader' },
    { type: 'request-fails', label: 'during', message: 'etcdserver: request timed out', teaches: 'the write on the minority side times out' },
    { type: 'event-occurs', match: { kind: 'server.role', source: '$old', fields: { role: 'follower' } }, afterMs: 14_000, teaches: 'after healing, the old leader follows the new one' },
    { type: 'no-acknowledged-write-lost', teaches: 'the minority leader never acknowledged a write it could not commit' },
    { type: 'no-invariant-violations' },
  ],
});
