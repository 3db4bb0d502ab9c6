import { at, defineScenario, put, when } from './helpers';

export const tooManyRequests = defineScenario({
  version: 1,
  name: 'too-many-requests',
  title: 'ErrTooManyRequests: apply lagging commit',
  description:
    'Raft can commit entries faster than the member applies them to its store (a slow disk for the backend, expensive transactions). etcd protects itself: when the committed index runs more than 5,000 entries ahead of the applied index, it refuses new proposals with "etcdserver: too many requests" until apply catches up.',
  seed: 1,
  otherSeeds: [2],
  world: { members: 3, applyDelayPerEntryMs: 2, clients: [{}] },
  steps: [
    when({ type: 'leader' }, 'A leader is elected. In this cluster applying an entry takes 2 ms: at most 500 entries a second.'),
    at(1000, 'A burst of 6,000 writes arrives at once (many clients, each with a write in flight). Raft commits them in large batches within milliseconds; applying them will take 12 s. The applied index falls far behind the committed one.', [
      { type: 'request', client: 'c1', label: 'burst', request: { op: 'put-burst', keyPrefix: 'load/', value: 'v', count: 6000 }, timeoutMs: 60_000 },
    ]),
    at(2000, 'All 6,000 entries are committed, but only about 500 applied: the gap is past 5,000, and a new write is refused at once, before it reaches Raft.', [put('c1', 'refused', 'k', 'v', 2000)]),
    at(8100, 'The burst\'s writes wait for their entries to be applied; those still unapplied after the server\'s request timeout (7 s) fail with "etcdserver: request timed out", although they are committed and will be applied.'),
    at(16_000, 'Apply has drained the backlog: proposals are accepted again.', [put('c1', 'accepted', 'k', 'v')]),
  ],
  durationMs: 17_000,
  conclusion: 'ErrTooManyRequests is back-pressure: clients should back off and retry later, while apply drains the backlog.',
  expectations: [
    { type: 'request-fails', label: 'burst', message: 'etcdserver: request timed out', teaches: 'committed writes can still time out while they wait for apply' },
    { type: 'request-fails', label: 'refused', message: 'etcdserver: too many requests', teaches: 'the server refuses proposals once apply lags commit by more than 5,000' },
    { type: 'request-succeeds', label: 'accepted', teaches: 'once apply catches up, writes are accepted again' },
    { type: 'no-invariant-violations' },
  ],
});
