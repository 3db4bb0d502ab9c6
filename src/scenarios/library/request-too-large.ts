import { at, defineScenario, request, when } from './helpers';

const MiB = 1024 * 1024;

export const requestTooLarge = defineScenario({
  version: 1,
  name: 'request-too-large',
  title: 'ErrRequestTooLarge',
  description:
    'etcd refuses to put huge requests into its Raft log: every entry is replicated to every member and kept until compaction. The server refuses a request above --max-request-bytes (1.5 MiB by default) before proposing it; the client refuses to send anything above its own send limit (2 MiB) at all.',
  seed: 1,
  otherSeeds: [2, 3],
  world: { members: 3, clients: [{}], traceLevel: 'debug' },
  steps: [
    when({ type: 'leader' }, 'A leader is elected.'),
    at(2000, 'The client puts a 1 MiB value: below the limit, it is proposed and committed like any other.', [request('c1', 'one-mib', { op: 'put', key: 'blob', value: 'x', valueSize: MiB })]),
    at(3000, 'The client puts a 1.6 MiB value. It fits the client\'s 2 MiB send limit and the server\'s gRPC receive limit (max-request-bytes plus 512 KiB of headroom), but EtcdServer checks the marshalled request against --max-request-bytes before proposing it, and refuses it.', [
      request('c1', 'too-large', { op: 'put', key: 'blob', value: 'x', valueSize: Math.round(1.6 * MiB) }),
    ]),
    at(4000, 'The client puts a 3 MiB value: the client itself refuses to send a message above its MaxCallSendMsgSize (2 MiB); nothing reaches the network.', [
      request('c1', 'over-client-limit', { op: 'put', key: 'blob', value: 'x', valueSize: 3 * MiB }),
    ]),
  ],
  durationMs: 5000,
  conclusion: 'Large values belong elsewhere (an object store), with a reference in etcd; raising --max-request-bytes makes every member carry the weight in its log, snapshots and memory.',
  expectations: [
    { type: 'request-succeeds', label: 'one-mib' },
    { type: 'request-fails', label: 'too-large', message: 'etcdserver: request is too large', teaches: 'the server refuses a request above --max-request-bytes' },
    { type: 'request-fails', label: 'over-client-limit', message: 'trying to send message larger than max', teaches: 'the client refuses to send above its send limit' },
    { type: 'no-event', match: { kind: 'server.propose', fields: { outcome: 'proposed', op: 'put' } }, afterMs: 3000, beforeMs: 5000, teaches: 'neither large request was proposed' },
    { type: 'no-invariant-violations' },
  ],
});
