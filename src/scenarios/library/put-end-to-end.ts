import type { TraceMatch } from '../schema';
import { at, defineScenario, put, when } from './helpers';

const PUT_AT = 2500;

const stage = {
  pick: { kind: 'grpc.pick', fields: { method: '/etcdserverpb.KV/Put' } },
  toMember: { kind: 'net.send', fields: { from: 'c1:40000', type: 'grpc.Put' } },
  propose: { kind: 'server.propose', source: '$f', fields: { op: 'put', outcome: 'proposed' } },
  forward: { kind: 'net.send', fields: { from: '$f:2380', type: 'MsgProp' } },
  leaderAppends: { kind: 'server.messages', source: '$leader', fields: { types: 'MsgApp', afterPersist: false } },
  leaderPersists: { kind: 'server.persisted', source: '$leader' },
  followerPersists: { kind: 'server.persisted', source: '$f' },
  leaderApplies: { kind: 'server.apply', source: '$leader' },
  done: { kind: 'server.request.done', source: '$f', fields: { op: 'put' } },
  answer: { kind: 'net.send', fields: { from: '$f:2379', type: 'grpc.Put' } },
  response: { kind: 'world.response', fields: { label: 'put' } },
} satisfies Record<string, TraceMatch>;

export const putEndToEnd = defineScenario({
  version: 1,
  name: 'put-end-to-end',
  title: 'A Put traced end to end',
  description:
    'One Put, followed from the application to the disk of a majority and back: the client\'s gRPC call, the member that receives it (a follower here), the proposal forwarded to the leader, replication, fsync, commit, apply and the response.',
  seed: 1,
  otherSeeds: [2, 3, 4],
  world: { members: 3, traceLevel: 'debug' },
  steps: [
    when({ type: 'leader' }, '$leader leads; $f is a follower.', [], { bind: { leader: '@leader', f: '@follower' } }),
    at(2000, 'A client starts with the follower $f as its only endpoint, so the Put has to travel through it.', [{ type: 'client-add', settings: { endpoints: ['http://$f:2379'] } }]),
    at(PUT_AT, 'The application calls Put("greeting", "hello"). The retry interceptor opens call 1 (Put is not repeatable: it is retried only if it surely never reached a member); the round-robin picker chooses $f\'s READY subchannel.', [
      put('c1', 'put', 'greeting', 'hello'),
    ]),
    when({ type: 'event', match: stage.propose }, '$f\'s gRPC server hands the request to EtcdServer: raftRequest wraps it in an InternalRaftRequest with a fresh ID, registers a waiter for that ID, and proposes it to raft.'),
    when({ type: 'event', match: stage.forward }, 'A follower cannot append to the log: raft forwards the proposal to the leader $leader as MsgProp.'),
    when({ type: 'event', match: stage.leaderAppends }, 'The leader appends the entry and, as etcd does, sends MsgApp to the followers before its own fsync completes (the leader may write its log in parallel with replication).'),
    when({ type: 'event', match: stage.followerPersists }, '$f has fsynced the entry to its WAL and only then answers MsgAppResp: a follower never acknowledges what is not durable.'),
    when({ type: 'event', match: stage.leaderApplies }, 'A majority now holds the entry (raft counts the leader\'s own append): the leader advances the commit index and, once its own WAL write is done, applies the entry to its MVCC store; the next MsgApp carries the new commit index to the followers.'),
    when({ type: 'event', match: stage.done }, '$f learns the commit index, applies the entry itself, and the waiter registered for the request ID fires with the Put\'s result: a new revision.'),
    when({ type: 'response', label: 'put' }, 'The response travels back over gRPC; the call ends with attempt 0 successful, and the application gets its revision.'),
  ],
  durationMs: 4000,
  conclusion: 'A Put is acknowledged only after a majority has the entry on disk and the member that took the request has applied it: that is what makes an acknowledged write survive any minority of crashes.',
  expectations: [
    {
      type: 'sequence',
      afterMs: PUT_AT,
      events: [stage.pick, stage.toMember, stage.propose, stage.forward, stage.leaderAppends, stage.leaderPersists, stage.followerPersists, stage.leaderApplies, stage.done, stage.answer, stage.response],
      teaches: 'the stages happen in this order',
    },
    { type: 'request-succeeds', label: 'put', result: 'OK' },
    { type: 'no-invariant-violations' },
  ],
});
