import { at, defineScenario, get } from './helpers';

const M1 = 'm1:2379';

export const clientEndpointDead = defineScenario({
  version: 1,
  name: 'client-endpoint-dead',
  title: 'Client start-up with one endpoint dead',
  description:
    'A client is given three endpoints, one of which belongs to a member that is down. gRPC makes one subchannel per endpoint; the round-robin picker only ever uses READY subchannels, so requests go to the two live members while the dead endpoint\'s subchannel cycles CONNECTING → TRANSIENT_FAILURE with a growing backoff (1 s, then ×1.6 with jitter).',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3 },
  steps: [
    at(100, 'Member m1 is down before anything starts; m2 and m3 are a majority of three and elect a leader between them.', [{ type: 'crash', member: 'm1' }]),
    at(2500, 'A client starts with endpoints m1, m2, m3. Each subchannel dials its member: m2 and m3 become READY, m1 refuses the connection and its subchannel goes TRANSIENT_FAILURE, to wait 1 s before trying again.', [
      { type: 'client-add', settings: {} },
    ]),
    at(2600, 'The client reads four times. The picker takes READY subchannels in turn, so the reads alternate between m2 and m3 and never wait for m1.', [
      get('c1', 'read-1', 'k'),
      get('c1', 'read-2', 'k'),
      get('c1', 'read-3', 'k'),
      get('c1', 'read-4', 'k'),
    ]),
    at(9000, 'By now m1\'s subchannel has tried again after 1 s, failed, and waited about 1.6 s, then about 2.56 s: gRPC\'s connection backoff grows by 1.6× with ±20 % jitter, up to 120 s.'),
    at(9500, 'm1 restarts. At its next attempt the subchannel connects, becomes READY, and the picker adds it to the rotation.', [{ type: 'restart', member: 'm1' }]),
    at(
      12_000,
      'Two reads are sent and, while they are in flight, m2 crashes. The read on m2 fails with Unavailable; a read is safe to repeat, so the retry interceptor sends it again at once to the next READY member: it waits (about 25 ms) only before every quorum-th attempt, quorum being 2 of 3 endpoints. (If m2 was the leader, a read waiting on another member for its ReadIndex gets "etcdserver: leader changed", also Unavailable, and is retried the same way once a new leader is elected.)',
      [get('c1', 'retried-1', 'k'), get('c1', 'retried-2', 'k'), { type: 'crash', member: 'm2' }],
    ),
    at(12_500, 'm2 restarts; its subchannel reconnects after its 1 s backoff.', [{ type: 'restart', member: 'm2' }]),
    at(15_000, 'Reads now use all three members in turn.', [get('c1', 'read-5', 'k'), get('c1', 'read-6', 'k'), get('c1', 'read-7', 'k')]),
  ],
  durationMs: 16_000,
  conclusion: 'A dead endpoint costs a client nothing per request: the balancer routes around it, and the subchannel keeps probing it with exponential backoff until it returns.',
  expectations: [
    { type: 'event-occurs', match: { kind: 'grpc.subchannel.state', fields: { addr: M1, to: 'TRANSIENT_FAILURE', backoffMs: 1000 } }, teaches: 'the first backoff after a failed connection is exactly 1 s' },
    { type: 'event-occurs', match: { kind: 'grpc.subchannel.state', fields: { addr: M1, to: 'TRANSIENT_FAILURE' } }, minCount: 3, beforeMs: 9500, teaches: 'the subchannel keeps retrying with a growing backoff' },
    { type: 'request-succeeds', label: 'read-1' },
    { type: 'request-succeeds', label: 'read-4' },
    { type: 'no-event', match: { kind: 'grpc.pick', fields: { addr: M1 } }, beforeMs: 9500, teaches: 'the picker never chooses a subchannel that is not READY' },
    { type: 'event-occurs', match: { kind: 'grpc.subchannel.state', fields: { addr: M1, to: 'READY' } }, afterMs: 9500, teaches: 'the subchannel connects once m1 is back' },
    { type: 'event-occurs', match: { kind: 'client.backoff', text: 'backoff skipped: attempt 1 % quorum 2 != 0' }, afterMs: 12_000, teaches: 'the first retry goes to another member without waiting' },
    { type: 'request-succeeds', label: 'retried-1' },
    { type: 'request-succeeds', label: 'retried-2' },
    { type: 'event-occurs', match: { kind: 'grpc.pick', fields: { addr: M1 } }, afterMs: 15_000, teaches: 'the picker uses every READY subchannel again' },
    { type: 'no-invariant-violations' },
  ],
});
