// Elections, CheckQuorum, pre-vote, learners and leadership transfer (spec §3, §5.8, §7,
// §8.8), from etcd's TestLeaderElection(PreVote), TestDisruptiveFollower(PreVote),
// TestLeaderStepdownWhenQuorum*, TestLearnerPromotion and TestLeaderTransfer*.
import { describe, expect, it } from 'vitest';
import { ConfChangeType, MessageType, confChangeAsV2 } from './raftpb';
import { StateType } from './node';
import type { Raft } from './raft';
import { ErrProposalDropped } from './raft';
import { Network, advanceMessagesAfterAppend, msg, newTestMemoryStorage, newTestRaft, prop, readMessages } from './rafttest/network';

const hup = (id: number) => msg(MessageType.MsgHup, id, id);

describe('leader election (TestLeaderElection / TestLeaderElectionPreVote)', () => {
  const cases: [string, (Raft | undefined | null)[], StateType, number, StateType, number][] = [
    // name, peers, state without pre-vote, term, state with pre-vote, term
    ['3 live', [undefined, undefined, undefined], StateType.StateLeader, 1, StateType.StateLeader, 1],
    ['1 of 3 dead', [undefined, undefined, null], StateType.StateLeader, 1, StateType.StateLeader, 1],
    ['2 of 3 dead', [undefined, null, null], StateType.StateCandidate, 1, StateType.StatePreCandidate, 0],
    ['2 of 4 dead', [undefined, null, null, undefined], StateType.StateCandidate, 1, StateType.StatePreCandidate, 0],
    ['2 of 5 dead', [undefined, null, null, undefined, undefined], StateType.StateLeader, 1, StateType.StateLeader, 1],
  ];
  it.each(cases)('%s', (_name, peers, state, term, preState, preTerm) => {
    const nt = new Network(peers);
    nt.send(hup(1));
    expect([nt.raft(1).state, nt.raft(1).term]).toEqual([state, term]);
    const pv = new Network(peers, (c) => {
      c.preVote = true;
    });
    pv.send(hup(1));
    expect([pv.raft(1).state, pv.raft(1).term]).toEqual([preState, preTerm]);
  });

  it('a candidate counts its own vote only once it is durable', () => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1]));
    r.step(hup(1));
    expect(r.state).toBe(StateType.StateCandidate);
    advanceMessagesAfterAppend(r);
    expect(r.state).toBe(StateType.StateLeader);
  });
});

describe('randomized election timeout', () => {
  it('covers [ET, 2ET) and follows the given randInt', () => {
    const seen = new Set<number>();
    let k = 0;
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1, 2, 3]), { randInt: (n) => k++ % n });
    for (let i = 0; i < 30; i++) {
      r.becomeFollower(r.term + 1, 0);
      seen.add(r.randomizedElectionTimeout);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});

function checkQuorumTrio(preVote: boolean): [Network, Raft, Raft, Raft] {
  const [n1, n2, n3] = [1, 2, 3].map((id) => newTestRaft(id, 10, 1, newTestMemoryStorage([1, 2, 3]), { checkQuorum: true, preVote }));
  for (const n of [n1, n2, n3]) n.becomeFollower(1, 0);
  const nt = new Network([n1, n2, n3]);
  nt.send(hup(1));
  expect([n1.state, n2.state, n3.state]).toEqual([StateType.StateLeader, StateType.StateFollower, StateType.StateFollower]);
  return [nt, n1, n2, n3];
}

describe('disruption by a partitioned node', () => {
  it('without pre-vote, its higher term deposes the leader (TestDisruptiveFollower)', () => {
    const [nt, n1, n2, n3] = checkQuorumTrio(false);
    n3.randomizedElectionTimeout = n3.electionTimeout + 2;
    for (let i = 0; i < n3.randomizedElectionTimeout - 1; i++) n3.tick();
    // The last tick elapses before any leader message arrives: n3 campaigns.
    n3.tick();
    expect([n1.state, n2.state, n3.state]).toEqual([StateType.StateLeader, StateType.StateFollower, StateType.StateCandidate]);
    expect([n1.term, n2.term, n3.term]).toEqual([2, 2, 3]);
    // A delayed heartbeat (lower term) is answered with a higher-term MsgAppResp.
    nt.send(msg(MessageType.MsgHeartbeat, 1, 3, { term: n1.term }));
    expect([n1.state, n2.state, n3.state]).toEqual([StateType.StateFollower, StateType.StateFollower, StateType.StateCandidate]);
    expect([n1.term, n2.term, n3.term]).toEqual([3, 2, 3]);
  });

  it('with pre-vote, it cannot disrupt the leader (TestDisruptiveFollowerPreVote)', () => {
    const [nt, n1, n2, n3] = checkQuorumTrio(true);
    nt.isolate(3);
    for (let i = 0; i < 3; i++) nt.send(prop(1, 'somedata'));
    nt.recover();
    nt.send(hup(3));
    expect([n1.state, n2.state, n3.state]).toEqual([StateType.StateLeader, StateType.StateFollower, StateType.StatePreCandidate]);
    expect([n1.term, n2.term, n3.term]).toEqual([2, 2, 2]);
    nt.send(msg(MessageType.MsgHeartbeat, 1, 3, { term: n1.term }));
    expect(n1.state).toBe(StateType.StateLeader);
  });

  it('pre-votes are ignored while the lease holds, even for a current log (TestPreVoteWithCheckQuorum)', () => {
    const [nt, n1, n2] = checkQuorumTrio(true);
    nt.send(hup(2));
    // n1 and n3 heard from the leader recently: n2's pre-votes are ignored.
    expect([n1.state, n2.state]).toEqual([StateType.StateLeader, StateType.StatePreCandidate]);
    expect(n1.term).toBe(2);
  });
});

describe('CheckQuorum', () => {
  function leader(): Raft {
    const sm = newTestRaft(1, 5, 1, newTestMemoryStorage([1, 2, 3]), { checkQuorum: true });
    sm.becomeCandidate();
    sm.becomeLeader();
    return sm;
  }

  it('keeps leading while a quorum is active', () => {
    const sm = leader();
    for (let i = 0; i < sm.electionTimeout + 1; i++) {
      sm.step(msg(MessageType.MsgHeartbeatResp, 2, 1, { term: sm.term }));
      sm.tick();
    }
    expect(sm.state).toBe(StateType.StateLeader);
  });

  it('steps down when the quorum is lost', () => {
    const sm = leader();
    for (let i = 0; i < sm.electionTimeout + 1; i++) sm.tick();
    expect(sm.state).toBe(StateType.StateFollower);
    expect(sm.term).toBe(1);
  });
});

describe('learners', () => {
  it('a promoted learner can campaign and win (TestLearnerPromotion)', () => {
    const n1 = newTestRaft(1, 10, 1, newTestMemoryStorage([1], [2]));
    const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage([1], [2]));
    n1.becomeFollower(1, 0);
    n2.becomeFollower(1, 0);
    const nt = new Network([n1, n2]);
    expect(n1.state).not.toBe(StateType.StateLeader);
    n1.randomizedElectionTimeout = n1.electionTimeout;
    for (let i = 0; i < n1.electionTimeout; i++) n1.tick();
    advanceMessagesAfterAppend(n1);
    expect([n1.state, n2.state]).toEqual([StateType.StateLeader, StateType.StateFollower]);
    nt.send(msg(MessageType.MsgBeat, 1, 1));

    const addNode2 = confChangeAsV2({ id: 0, type: ConfChangeType.ConfChangeAddNode, nodeID: 2 });
    n1.applyConfChange(addNode2);
    n2.applyConfChange(addNode2);
    expect(n2.isLearner).toBe(false);

    n2.randomizedElectionTimeout = n2.electionTimeout;
    for (let i = 0; i < n2.electionTimeout; i++) n2.tick();
    advanceMessagesAfterAppend(n2);
    nt.send(msg(MessageType.MsgBeat, 1, 1));
    expect([n1.state, n2.state]).toEqual([StateType.StateFollower, StateType.StateLeader]);
  });

  it('a learner never campaigns on its own (TestLearnerElectionTimeout)', () => {
    const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage([1], [2]));
    n2.becomeFollower(1, 0);
    n2.randomizedElectionTimeout = n2.electionTimeout;
    for (let i = 0; i < n2.electionTimeout; i++) n2.tick();
    expect(n2.state).toBe(StateType.StateFollower);
  });
});

function expectTransferState(r: Raft, state: StateType, lead: number): void {
  expect([r.state, r.lead, r.leadTransferee]).toEqual([state, lead, 0]);
}

describe('leadership transfer', () => {
  it('to an up-to-date node, and back (TestLeaderTransferToUpToDateNode)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(hup(1));
    const lead = nt.raft(1);
    expect(lead.lead).toBe(1);
    nt.send(msg(MessageType.MsgTransferLeader, 2, 1));
    expectTransferState(lead, StateType.StateFollower, 2);
    nt.send(prop(1));
    nt.send(msg(MessageType.MsgTransferLeader, 1, 2));
    expectTransferState(lead, StateType.StateLeader, 1);
  });

  it('to a lagging follower: it catches up first (TestLeaderTransferToSlowFollower)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(hup(1));
    nt.isolate(3);
    nt.send(prop(1));
    nt.recover();
    const lead = nt.raft(1);
    expect(lead.trk.progress.get(3)!.match).toBe(1);
    nt.send(msg(MessageType.MsgTransferLeader, 3, 1));
    expectTransferState(lead, StateType.StateFollower, 3);
  });

  it('is aborted after an election timeout (TestLeaderTransferTimeout)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(hup(1));
    nt.isolate(3);
    const lead = nt.raft(1);
    nt.send(msg(MessageType.MsgTransferLeader, 3, 1));
    expect(lead.leadTransferee).toBe(3);
    for (let i = 0; i < lead.heartbeatTimeout; i++) lead.tick();
    expect(lead.leadTransferee).toBe(3);
    // Proposals are dropped while the transfer is pending.
    expect(lead.step(prop(1))).toBe(ErrProposalDropped);
    for (let i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) lead.tick();
    expectTransferState(lead, StateType.StateLeader, 1);
  });

  it('a second request to the same node does not extend the deadline (TestLeaderTransferSecondTransferToSameNode)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(hup(1));
    nt.isolate(3);
    const lead = nt.raft(1);
    nt.send(msg(MessageType.MsgTransferLeader, 3, 1));
    for (let i = 0; i < lead.heartbeatTimeout; i++) lead.tick();
    nt.send(msg(MessageType.MsgTransferLeader, 3, 1));
    for (let i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) lead.tick();
    expectTransferState(lead, StateType.StateLeader, 1);
  });

  it('ignores a learner or an unknown node as transferee', () => {
    const lead = newTestRaft(1, 10, 1, newTestMemoryStorage([1, 2], [3]));
    lead.becomeCandidate();
    lead.becomeLeader();
    lead.step(msg(MessageType.MsgTransferLeader, 3, 1));
    lead.step(msg(MessageType.MsgTransferLeader, 4, 1));
    expect(lead.leadTransferee).toBe(0);
    expect(readMessages(lead).some((m) => m.type === MessageType.MsgTimeoutNow)).toBe(false);
  });
});

describe('campaign preconditions', () => {
  it('a node with unapplied committed conf changes cannot campaign (TestConfChangeCheckBeforeCampaign)', () => {
    const s = newTestMemoryStorage([1, 2, 3]);
    const cc = new Uint8Array([0x08, 0, 0x10, 1, 0x18, 2]); // ConfChange{Type: RemoveNode, NodeID: 2}
    s.append([
      { term: 1, index: 1, type: 0 },
      { term: 1, index: 2, type: 1, data: cc },
    ]);
    s.setHardState({ term: 1, vote: 0, commit: 2 });
    const r = newTestRaft(1, 10, 1, s, { applied: 1 });
    r.step(hup(1));
    expect(r.state).toBe(StateType.StateFollower);
    expect(r.term).toBe(1);
  });

  it('restarts as a follower at the persisted term with its vote (§2.8)', () => {
    const s = newTestMemoryStorage([1, 2, 3]);
    s.append([
      { term: 1, index: 1, type: 0 },
      { term: 2, index: 2, type: 0 },
    ]);
    s.setHardState({ term: 2, vote: 3, commit: 1 });
    const r = newTestRaft(1, 10, 1, s);
    expect([r.state, r.term, r.vote, r.lead, r.raftLog.committed, r.raftLog.applied]).toEqual([StateType.StateFollower, 2, 3, 0, 1, 0]);
    expect(() => newTestRaft(1, 10, 1, s, { applied: 2 })).toThrow(/applied\(2\) is out of range/);
  });
});
