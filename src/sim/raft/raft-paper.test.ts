// Raft paper §5 checks (etcd raft_paper_test.go): log convergence (Figure 7), the
// up-to-date rule, first-come vote granting and allowed role transitions.
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import { MessageType } from './raftpb';
import { StateType } from './node';
import { Network, msg, newTestMemoryStorage, newTestRaft, prop, readMessages } from './rafttest/network';

const terms = (...ts: number[]): Entry[] => ts.map((term, i) => ({ term, index: i + 1, type: 0 }));
const ids = (ents: readonly Entry[]) => ents.map((e) => [e.index, e.term]);

describe('leader syncs follower logs (TestLeaderSyncFollowerLog, Figure 7)', () => {
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const term = 8;
  it.each([
    ['a', [1, 1, 1, 4, 4, 5, 5, 6, 6]],
    ['b', [1, 1, 1, 4]],
    ['c', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]],
    ['d', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]],
    ['e', [1, 1, 1, 4, 4, 4, 4]],
    ['f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]],
  ])('follower (%s)', (_name, followerLog) => {
    const ls = newTestMemoryStorage([1, 2, 3]);
    ls.append(terms(...leaderLog));
    const lead = newTestRaft(1, 10, 1, ls);
    lead.loadState({ term, vote: 0, commit: leaderLog.length });
    const fs = newTestMemoryStorage([1, 2, 3]);
    fs.append(terms(...followerLog));
    const follower = newTestRaft(2, 10, 1, fs);
    follower.loadState({ term: term - 1, vote: 0, commit: 0 });
    // Node 3 swallows everything; its vote is delivered by hand, since the follower may
    // have a more up-to-date log than the leader.
    const n = new Network([lead, follower, null]);
    n.send(msg(MessageType.MsgHup, 1, 1));
    n.send(msg(MessageType.MsgVoteResp, 3, 1, { term: term + 1 }));
    n.send(prop(1));
    expect(lead.state).toBe(StateType.StateLeader);
    expect(ids(follower.raftLog.allEntries())).toEqual(ids(lead.raftLog.allEntries()));
  });
});

describe('vote granting', () => {
  it.each([
    // candidate (logTerm, index), voter log terms, granted
    [2, 2, [1, 1], true],
    [1, 1, [1, 1], false], // shorter log, same term
    [1, 2, [1, 1], true], // same log
    [1, 3, [1, 1], true], // longer log
    [1, 3, [2], false], // lower last term
    [3, 1, [2, 2], true], // higher last term, shorter log
  ])('candidate logterm %i index %i vs voter %j: granted %s (TestVoter)', (logTerm, index, voterLog, granted) => {
    const s = newTestMemoryStorage([1, 2]);
    s.append(terms(...(voterLog as number[])));
    const r = newTestRaft(1, 10, 1, s);
    r.step(msg(MessageType.MsgVote, 2, 1, { term: 3, logTerm: logTerm as number, index: index as number }));
    const msgs = readMessages(r);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].type).toBe(MessageType.MsgVoteResp);
    expect(msgs[0].reject).toBe(!granted);
  });

  it('votes for the first candidate of a term only (TestFollowerVote)', () => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1, 2, 3]));
    r.loadState({ term: 1, vote: 0, commit: 0 });
    r.step(msg(MessageType.MsgVote, 2, 1, { term: 1 }));
    r.step(msg(MessageType.MsgVote, 3, 1, { term: 1 }));
    r.step(msg(MessageType.MsgVote, 2, 1, { term: 1 }));
    expect(readMessages(r).map((m) => [m.to, m.reject])).toEqual([
      [2, false],
      [3, true],
      [2, false],
    ]);
  });
});

describe('role transitions (TestStateTransition)', () => {
  it('rejects follower -> leader and leader -> (pre-)candidate', () => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1]));
    expect(() => r.becomeLeader()).toThrow('invalid transition [follower -> leader]');
    r.becomeCandidate();
    r.becomeLeader();
    expect(() => r.becomeCandidate()).toThrow('invalid transition [leader -> candidate]');
    expect(() => r.becomePreCandidate()).toThrow('invalid transition [leader -> pre-candidate]');
  });
});
