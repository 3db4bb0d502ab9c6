import { at, defineScenario, get } from './helpers';

const DOWN_AT = 2000;
const READ_AT = 3000;

export const allEndpointsDown = defineScenario({
  version: 1,
  name: 'all-endpoints-down',
  title: 'All endpoints down: a subchannel cycling TRANSIENT_FAILURE / CONNECTING',
  description:
    'Every member of the cluster goes down under a connected client. Each gRPC subchannel loses its connection, tries to reconnect, is refused, and waits before trying again: exactly 1 s the first time, then 1.6 times longer each time with ±20 % jitter (capped at 120 s). A read waits for a READY subchannel (wait-for-ready) until its deadline.',
  seed: 1,
  otherSeeds: [2, 3, 4],
  world: { members: 3, clients: [{}] },
  steps: [
    at(DOWN_AT, 'All three members crash at once.', [
      { type: 'crash', member: 'm1' },
      { type: 'crash', member: 'm2' },
      { type: 'crash', member: 'm3' },
    ]),
    at(READ_AT, 'The application reads with a 5 s deadline. No subchannel is READY, so the picker makes the call wait; its single attempt waits there, so the retry interceptor never gets an error to retry.', [get('c1', 'read', 'k', false, 5000)]),
    at(READ_AT + 5000, 'The deadline passed: the read fails with "context deadline exceeded". Meanwhile each subchannel went CONNECTING → TRANSIENT_FAILURE again and again, its backoff growing: 1 s, about 1.6 s, about 2.56 s, about 4.1 s.'),
    at(12_000, 'The members restart. Each subchannel connects at its next attempt, which can be several seconds away: the backoff does not know the member is back.', [
      { type: 'restart', member: 'm1' },
      { type: 'restart', member: 'm2' },
      { type: 'restart', member: 'm3' },
    ]),
    at(22_000, 'The client reads again: a subchannel is READY and the read succeeds.', [get('c1', 'read-again', 'k')]),
  ],
  durationMs: 23_000,
  conclusion: 'With every endpoint down, requests wait up to their deadline; after an outage, a client may take up to its current backoff to notice that members are back.',
  expectations: [
    { type: 'request-fails', label: 'read', message: 'context deadline exceeded', teaches: 'the read waits for a READY subchannel until its deadline' },
    { type: 'event-occurs', match: { kind: 'grpc.subchannel.state', fields: { addr: 'm1:2379', to: 'TRANSIENT_FAILURE', backoffIdx: 0, backoffMs: 1000 } }, afterMs: DOWN_AT, teaches: 'the first wait is exactly 1 s' },
    { type: 'event-occurs', match: { kind: 'grpc.subchannel.state', fields: { addr: 'm1:2379', to: 'TRANSIENT_FAILURE', backoffIdx: 3 } }, afterMs: DOWN_AT, beforeMs: 12_000, teaches: 'and the waits keep growing while the member is down' },
    { type: 'event-occurs', match: { kind: 'grpc.pick.wait', fields: { method: '/etcdserverpb.KV/Range' } }, afterMs: READ_AT, beforeMs: READ_AT + 1, teaches: 'the call waits in the picker for a READY subchannel' },
    { type: 'no-event', match: { kind: 'client.retry', fields: { method: '/etcdserverpb.KV/Range', verdict: 'retry' } }, afterMs: READ_AT, beforeMs: READ_AT + 5000, teaches: 'the retry interceptor never retried: its single attempt was waiting the whole time' },
    { type: 'request-succeeds', label: 'read-again' },
    { type: 'no-invariant-violations' },
  ],
});
