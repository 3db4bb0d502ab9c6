// ReadIndex behaviour (spec §6), from etcd's TestReadOnlyOptionSafe, TestReadOnlyOptionLease,
// TestReadOnlyForNewLeader and TestReadOnlyWithLearner.
import { describe, expect, it } from 'vitest';
import { MessageType } from './raftpb';
import { StateType } from './node';
import { ReadOnlyOption } from './read-only';
import type { Raft } from './raft';
import { Network, msg, newTestConfig, newTestMemoryStorage, newTestRaft, prop } from './rafttest/network';
import { Raft as RaftSM } from './raft';

const enc = (s: string) => new TextEncoder().encode(s);
const readIndex = (id: number, ctx: string) =>
  msg(MessageType.MsgReadIndex, id, id, { entries: [{ term: 0, index: 0, type: 0, data: enc(ctx) }] });

function electedTrio(option: ReadOnlyOption): { nt: Network; a: Raft; b: Raft; c: Raft } {
  const over = option === ReadOnlyOption.ReadOnlyLeaseBased ? { readOnlyOption: option, checkQuorum: true } : {};
  const [a, b, c] = [1, 2, 3].map((id) => newTestRaft(id, 10, 1, newTestMemoryStorage([1, 2, 3]), over));
  const nt = new Network([a, b, c]);
  // Keep b from campaigning while it is ticked.
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  nt.send(msg(MessageType.MsgHup, 1, 1));
  expect(a.state).toBe(StateType.StateLeader);
  return { nt, a, b, c };
}

describe.each([
  ['safe', ReadOnlyOption.ReadOnlySafe],
  ['lease-based', ReadOnlyOption.ReadOnlyLeaseBased],
])('ReadIndex %s', (_name, option) => {
  it('answers on leader and followers with the commit index at request time', () => {
    const { nt, a, b, c } = electedTrio(option);
    const cases: [Raft, number, string][] = [
      [a, 11, 'ctx1'],
      [b, 21, 'ctx2'],
      [c, 31, 'ctx3'],
      [a, 41, 'ctx4'],
      [b, 51, 'ctx5'],
      [c, 61, 'ctx6'],
    ];
    for (const [sm, wri, wctx] of cases) {
      for (let j = 0; j < 10; j++) nt.send(prop(1));
      nt.send(readIndex(sm.id, wctx));
      expect(sm.readStates.length).toBeGreaterThan(0);
      expect(sm.readStates[0].index).toBe(wri);
      expect(new TextDecoder().decode(sm.readStates[0].requestCtx)).toBe(wctx);
      sm.readStates = [];
    }
  });
});

describe('ReadIndex on a new leader', () => {
  it('queues reads until the leader commits an entry of its term', () => {
    const nodes: [number, number, number, number][] = [
      [1, 1, 1, 0],
      [2, 2, 2, 2],
      [3, 2, 2, 2],
    ];
    const peers = nodes.map(([id, committed, applied, compactIndex]) => {
      const storage = newTestMemoryStorage([1, 2, 3]);
      storage.append([
        { index: 1, term: 1, type: 0 },
        { index: 2, term: 1, type: 0 },
      ]);
      storage.setHardState({ term: 1, vote: 0, commit: committed });
      if (compactIndex !== 0) storage.compact(compactIndex);
      return new RaftSM({ ...newTestConfig(id, 10, 1, storage), applied });
    });
    const nt = new Network(peers);
    // Drop MsgApp so the new leader cannot commit an entry of its term.
    nt.ignore(MessageType.MsgApp);
    nt.send(msg(MessageType.MsgHup, 1, 1));
    const sm = nt.raft(1);
    expect(sm.state).toBe(StateType.StateLeader);

    nt.send(readIndex(1, 'ctx'));
    expect(sm.readStates).toHaveLength(0);
    expect(sm.pendingReadIndexMessages).toHaveLength(1);

    nt.recover();
    for (let i = 0; i < sm.heartbeatTimeout; i++) sm.tick();
    nt.send(prop(1));
    expect(sm.raftLog.committed).toBe(4);
    expect(sm.raftLog.zeroTermOnOutOfBounds(sm.raftLog.committed)).toBe(sm.term);
    // The held request was answered once the first entry of the term committed.
    expect(sm.readStates).toHaveLength(1);
    expect(sm.readStates[0].index).toBe(4);
    // Later requests are accepted directly.
    nt.send(readIndex(1, 'ctx'));
    expect(sm.readStates).toHaveLength(2);
    expect(sm.readStates[1].index).toBe(4);
  });

  it('answers a single voter at once, even before it commits in its term', () => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1]));
    r.becomeCandidate();
    r.becomeLeader();
    r.step(readIndex(1, 'x'));
    expect(r.readStates).toEqual([{ index: 0, requestCtx: enc('x') }]);
  });
});

describe('ReadIndex with a learner', () => {
  it('does not count learner acks (TestReadOnlyWithLearner)', () => {
    const a = newTestRaft(1, 10, 1, newTestMemoryStorage([1], [2]));
    const b = newTestRaft(2, 10, 1, newTestMemoryStorage([1], [2]));
    const nt = new Network([a, b]);
    b.randomizedElectionTimeout = b.electionTimeout + 1;
    nt.send(msg(MessageType.MsgHup, 1, 1));
    expect(a.state).toBe(StateType.StateLeader);
    for (let j = 0; j < 10; j++) nt.send(prop(1));
    // A single voter answers at once; the learner forwards to it.
    nt.send(readIndex(2, 'ctx'));
    expect(b.readStates).toEqual([{ index: 11, requestCtx: enc('ctx') }]);
  });
});
