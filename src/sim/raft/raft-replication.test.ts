// Replication, commit and flow control (spec §4-§5, §9), from etcd's TestFastLogRejection,
// TestFollowerCheckMsgApp, TestLeaderAppResp, TestLeaderOnlyCommitsLogFromCurrentTerm,
// TestCannotCommitWithoutNewTermEntry, TestCommitWithoutNewTermEntry,
// TestUncommittedEntryLimit, TestProgressFlowControl, raft_flow_control_test.go,
// raft_snap_test.go and TestSlowNodeRestore.
import { describe, expect, it } from 'vitest';
import type { Entry, Snapshot } from './raftpb';
import { MessageType } from './raftpb';
import { ErrProposalDropped } from './raft';
import { ProgressStateType } from './tracker/state';
import { payloadsSize } from './util';
import {
  Network,
  advanceMessagesAfterAppend,
  msg,
  newTestMemoryStorage,
  newTestRaft,
  nextEnts,
  prop,
  readMessages,
} from './rafttest/network';

/** Entries with the given terms at indexes 1.. */
function terms(...ts: number[]): Entry[] {
  return ts.map((term, i) => ({ term, index: i + 1, type: 0 }));
}

describe('fast log rejection (TestFastLogRejection)', () => {
  const cases: { leader: number[]; follower: number[]; compact?: number; hint: [number, number]; next: [number, number] }[] = [
    { leader: [1, 2, 2, 4, 4, 4, 4], follower: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], hint: [7, 3], next: [3, 2] },
    { leader: [1, 2, 2, 3, 4, 4, 4, 5], follower: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], hint: [8, 3], next: [4, 3] },
    { leader: [1, 1, 1, 1], follower: [1, 2, 2, 4], hint: [1, 1], next: [1, 1] },
    { leader: [1, 1, 1, 1, 1, 1], follower: [1, 2, 2, 4], hint: [1, 1], next: [1, 1] },
    { leader: [1, 1, 1, 1], follower: [1, 2, 2, 4, 4, 4], hint: [1, 1], next: [1, 1] },
    { leader: [1, 1, 1, 4, 5], follower: [1, 1, 1, 4], hint: [4, 4], next: [4, 4] },
    { leader: [2, 5, 5, 5, 5, 5, 5, 5, 5], follower: [2, 4, 4, 4, 4, 4], hint: [6, 4], next: [1, 2] },
    { leader: [2, 2, 2, 2, 2], follower: [2, 4, 4, 4, 4, 4, 4, 4], hint: [1, 2], next: [1, 2] },
    { leader: [1, 1, 3], follower: [1, 1, 3, 3, 3], compact: 5, hint: [3, 0], next: [2, 1] },
  ];
  it.each(cases)('leader $leader, follower $follower', ({ leader, follower, compact, hint, next }) => {
    const lastTerm = leader[leader.length - 1];
    const s1 = newTestMemoryStorage([1, 2, 3]);
    s1.append(terms(...leader));
    s1.setHardState({ term: lastTerm - 1, vote: 0, commit: leader.length });
    const n1 = newTestRaft(1, 10, 1, s1);
    n1.becomeCandidate(); // bumps the term to lastTerm
    n1.becomeLeader();

    const s2 = newTestMemoryStorage([1, 2, 3]);
    s2.append(terms(...follower));
    s2.setHardState({ term: lastTerm, vote: 1, commit: 0 });
    const n2 = newTestRaft(2, 10, 1, s2);
    if (compact !== undefined) s2.compact(compact);

    n2.step(msg(MessageType.MsgHeartbeat, 1, 2));
    let msgs = readMessages(n2);
    expect(msgs.map((m) => m.type)).toEqual([MessageType.MsgHeartbeatResp]);
    n1.step(msgs[0]);
    msgs = readMessages(n1);
    expect(msgs.map((m) => m.type)).toEqual([MessageType.MsgApp]);
    n2.step(msgs[0]);
    msgs = readMessages(n2);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].reject).toBe(true);
    expect([msgs[0].rejectHint, msgs[0].logTerm]).toEqual(hint);
    n1.step(msgs[0]);
    msgs = readMessages(n1);
    expect([msgs[0].index, msgs[0].logTerm]).toEqual(next);
  });
});

describe('follower MsgApp check (TestFollowerCheckMsgApp)', () => {
  const cases: [number, number, number, boolean, number, number][] = [
    // term, index, wIndex, wReject, wRejectHint, wLogTerm
    [0, 0, 1, false, 0, 0],
    [1, 1, 1, false, 0, 0],
    [2, 2, 2, false, 0, 0],
    [1, 2, 2, true, 1, 1],
    [3, 3, 3, true, 2, 2],
  ];
  it.each(cases)('prev (term %i, index %i)', (term, index, wIndex, wReject, wHint, wLogTerm) => {
    const s = newTestMemoryStorage([1, 2, 3]);
    s.append(terms(1, 2));
    const r = newTestRaft(1, 10, 1, s);
    r.loadState({ term: 0, vote: 0, commit: 1 });
    r.becomeFollower(2, 2);
    r.step(msg(MessageType.MsgApp, 2, 1, { term: 2, logTerm: term, index }));
    const msgs = readMessages(r);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ type: MessageType.MsgAppResp, index: wIndex, reject: wReject, rejectHint: wHint, logTerm: wLogTerm });
  });
});

describe('leader handling of MsgAppResp (TestLeaderAppResp)', () => {
  // Log (1,1),(2,1); node 1 elected at term 1 with its empty entry at 3; peer 2 probes at 3.
  const cases: [number, boolean, number, number, number, number, number][] = [
    // index, reject, wMatch, wNext, wMsgNum, wIndex, wCommitted
    [3, true, 0, 3, 0, 0, 0], // stale rejection: nothing happens
    [2, true, 0, 2, 1, 1, 0], // rejection: decrease next and probe
    [2, false, 2, 4, 2, 2, 2], // ack: commit and broadcast the commit index
    [0, false, 0, 4, 1, 0, 0], // ack of the probe at match: Replicate, send everything
  ];
  it.each(cases)('index %i reject %s', (index, reject, wMatch, wNext, wMsgNum, wIndex, wCommitted) => {
    const s = newTestMemoryStorage([1, 2, 3]);
    s.append(terms(1, 1));
    const sm = newTestRaft(1, 10, 1, s);
    sm.becomeCandidate();
    sm.becomeLeader();
    readMessages(sm);
    sm.step(msg(MessageType.MsgAppResp, 2, 1, { index, term: sm.term, reject, rejectHint: index }));
    const p = sm.trk.progress.get(2)!;
    expect([p.match, p.next]).toEqual([wMatch, wNext]);
    const msgs = readMessages(sm);
    expect(msgs).toHaveLength(wMsgNum);
    for (const m of msgs) expect([m.index, m.commit]).toEqual([wIndex, wCommitted]);
  });
});

describe('commit rule (Raft Figure 8)', () => {
  it.each([
    [1, 0],
    [2, 0],
    [3, 3],
  ])('ack of index %i commits %i (TestLeaderOnlyCommitsLogFromCurrentTerm)', (index, wCommit) => {
    const s = newTestMemoryStorage([1, 2]);
    s.append(terms(1, 2));
    const r = newTestRaft(1, 10, 1, s);
    r.loadState({ term: 2, vote: 0, commit: 0 });
    r.becomeCandidate(); // term 3
    r.becomeLeader();
    readMessages(r);
    r.step(prop(1));
    r.step(msg(MessageType.MsgAppResp, 2, 1, { term: r.term, index }));
    advanceMessagesAfterAppend(r);
    expect(r.raftLog.committed).toBe(wCommit);
  });

  it('does not commit old-term entries without a new-term entry (TestCannotCommitWithoutNewTermEntry)', () => {
    const tt = new Network([undefined, undefined, undefined, undefined, undefined]);
    tt.send(msg(MessageType.MsgHup, 1, 1));
    tt.cut(1, 3);
    tt.cut(1, 4);
    tt.cut(1, 5);
    tt.send(prop(1, 'some data'));
    tt.send(prop(1, 'some data'));
    expect(tt.raft(1).raftLog.committed).toBe(1);
    tt.recover();
    // Keep the new leader's empty entry from being replicated.
    tt.ignore(MessageType.MsgApp);
    tt.send(msg(MessageType.MsgHup, 2, 2));
    const sm = tt.raft(2);
    expect(sm.raftLog.committed).toBe(1);
    tt.recover();
    tt.send(msg(MessageType.MsgBeat, 2, 2));
    tt.send(prop(2, 'some data'));
    expect(sm.raftLog.committed).toBe(5);
  });

  it('commits old-term entries with the new leader’s empty entry (TestCommitWithoutNewTermEntry)', () => {
    const tt = new Network([undefined, undefined, undefined, undefined, undefined]);
    tt.send(msg(MessageType.MsgHup, 1, 1));
    tt.cut(1, 3);
    tt.cut(1, 4);
    tt.cut(1, 5);
    tt.send(prop(1, 'some data'));
    tt.send(prop(1, 'some data'));
    const sm = tt.raft(1);
    expect(sm.raftLog.committed).toBe(1);
    tt.recover();
    tt.send(msg(MessageType.MsgHup, 2, 2));
    expect(sm.raftLog.committed).toBe(4);
  });
});

describe('uncommitted entry size limit (TestUncommittedEntryLimit)', () => {
  it('drops proposals beyond the limit, but never an empty one or the first one', () => {
    const maxEntries = 1024;
    const data = 'testdata';
    const maxEntrySize = maxEntries * data.length;
    const r = newTestRaft(1, 5, 1, newTestMemoryStorage([1, 2, 3]), {
      maxUncommittedEntriesSize: maxEntrySize,
      maxInflightMsgs: 2 * 1024,
    });
    r.becomeCandidate();
    r.becomeLeader();
    expect(r.uncommittedSize).toBe(0);
    r.trk.progress.get(2)!.becomeReplicate();
    r.trk.progress.get(3)!.becomeReplicate();
    r.uncommittedSize = 0;

    for (let i = 0; i < maxEntries; i++) expect(r.step(prop(1, data))).toBeUndefined();
    expect(r.step(prop(1, data))).toBe(ErrProposalDropped);
    expect(readMessages(r)).toHaveLength(maxEntries * 2);
    r.reduceUncommittedSize(maxEntrySize);
    expect(r.uncommittedSize).toBe(0);

    // One large proposal is accepted: we were below the limit before it.
    const large = prop(1, ...new Array<string>(2 * maxEntries).fill(data));
    expect(r.step(large)).toBeUndefined();
    expect(r.step(prop(1, data))).toBe(ErrProposalDropped);
    // An entry without data is always accepted.
    expect(r.step(prop(1))).toBeUndefined();
    expect(readMessages(r)).toHaveLength(2 * 2);
    r.reduceUncommittedSize(payloadsSize(large.entries));
    expect(r.uncommittedSize).toBe(0);
  });
});

describe('flow control', () => {
  it('limits in-flight messages and bytes (TestProgressFlowControl)', () => {
    const r = newTestRaft(1, 5, 1, newTestMemoryStorage([1, 2]), {
      maxInflightMsgs: 3,
      maxSizePerMsg: 2048,
      maxInflightBytes: 9000,
    });
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.trk.progress.get(2)!.becomeProbe();
    for (let i = 0; i < 22; i++) r.step(prop(1, i >= 10 && i < 16 ? 'b'.repeat(5000) : 'a'.repeat(1000)));
    let ms = readMessages(r);
    // Probing: one MsgApp with the empty entry and the first proposal.
    expect(ms.map((m) => m.type)).toEqual([MessageType.MsgApp]);
    expect(ms[0].entries.map((e) => e.data?.length ?? 0)).toEqual([0, 1000]);

    const ackAndVerify = (index: number, ...expEntries: number[]): number => {
      r.step(msg(MessageType.MsgAppResp, 2, 1, { term: r.term, index }));
      ms = readMessages(r);
      expect(ms.map((m) => m.entries.length)).toEqual(expEntries);
      for (const m of ms) expect(m.type).toBe(MessageType.MsgApp);
      const last = ms[ms.length - 1].entries;
      return last.length === 0 ? index : last[last.length - 1].index;
    };
    let index = ackAndVerify(ms[0].entries[1].index, 2, 2, 2);
    index = ackAndVerify(index, 2, 1, 1);
    // Large entries: MaxInflightBytes caps the window at two messages.
    index = ackAndVerify(index, 1, 1);
    index = ackAndVerify(index, 1, 1);
    index = ackAndVerify(index, 1, 2, 2);
    ackAndVerify(index, 2);
  });

  it('pauses on a full window and frees it with acks (TestMsgAppFlowControlFull/MoveForward)', () => {
    const r = newTestRaft(1, 5, 1, newTestMemoryStorage([1, 2]));
    r.becomeCandidate();
    r.becomeLeader();
    const pr2 = r.trk.progress.get(2)!;
    pr2.becomeReplicate();
    for (let i = 0; i < r.trk.maxInflight; i++) {
      r.step(prop(1, 'somedata'));
      expect(readMessages(r)).toHaveLength(1);
    }
    expect(pr2.msgAppFlowPaused).toBe(true);
    expect(pr2.inflights.full()).toBe(true);
    for (let i = 0; i < 10; i++) {
      r.step(prop(1, 'somedata'));
      expect(readMessages(r)).toHaveLength(0);
    }
    // Ack the first in-flight message (index 2: the empty entry is index 1).
    r.step(msg(MessageType.MsgAppResp, 2, 1, { term: r.term, index: 2 }));
    expect(readMessages(r).filter((m) => m.type === MessageType.MsgApp && m.to === 2).length).toBeGreaterThan(0);
  });

  it('lets one empty MsgApp through per heartbeat response when full (TestMsgAppFlowControlRecvHeartbeat)', () => {
    const r = newTestRaft(1, 5, 1, newTestMemoryStorage([1, 2]));
    r.becomeCandidate();
    r.becomeLeader();
    const pr2 = r.trk.progress.get(2)!;
    pr2.becomeReplicate();
    for (let i = 0; i < r.trk.maxInflight; i++) {
      r.step(prop(1, 'somedata'));
      readMessages(r);
    }
    for (let tt = 1; tt < 5; tt++) {
      expect(pr2.msgAppFlowPaused).toBe(true);
      r.step(msg(MessageType.MsgHeartbeatResp, 2, 1, { term: r.term }));
      expect(pr2.msgAppFlowPaused).toBe(true);
      const ms = readMessages(r);
      expect(ms).toHaveLength(1);
      expect(ms[0].type).toBe(MessageType.MsgApp);
      expect(ms[0].entries).toHaveLength(0);
    }
  });
});

const testingSnap: Snapshot = {
  data: undefined,
  metadata: { index: 11, term: 11, confState: { voters: [1, 2], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
};

describe('snapshots (raft_snap_test.go)', () => {
  function leaderAfterSnapshot() {
    const sm = newTestRaft(1, 10, 1, newTestMemoryStorage([1, 2]));
    expect(sm.restore(testingSnap)).toBe(true);
    sm.becomeCandidate();
    sm.becomeLeader();
    return sm;
  }

  it('sends a snapshot to a follower behind the first index', () => {
    const sm = leaderAfterSnapshot();
    const pr = sm.trk.progress.get(2)!;
    pr.next = sm.raftLog.firstIndex();
    sm.step(msg(MessageType.MsgAppResp, 2, 1, { term: sm.term, index: pr.next - 1, reject: true }));
    expect(pr.state).toBe(ProgressStateType.StateSnapshot);
    expect(pr.pendingSnapshot).toBe(11);
    expect(readMessages(sm).some((m) => m.type === MessageType.MsgSnap && m.to === 2)).toBe(true);
  });

  it('pauses replication while the snapshot is pending', () => {
    const sm = leaderAfterSnapshot();
    sm.trk.progress.get(2)!.becomeSnapshot(11);
    sm.step(prop(1, 'somedata'));
    expect(readMessages(sm)).toHaveLength(0);
  });

  it.each([
    [true, 0, 1],
    [false, 0, 12],
  ])('MsgSnapStatus reject=%s resumes probing (pending %i, next %i)', (reject, wPending, wNext) => {
    const sm = leaderAfterSnapshot();
    const pr = sm.trk.progress.get(2)!;
    pr.next = 1;
    pr.becomeSnapshot(11);
    sm.step(msg(MessageType.MsgSnapStatus, 2, 1, { reject }));
    expect([pr.pendingSnapshot, pr.next, pr.msgAppFlowPaused]).toEqual([wPending, wNext, true]);
  });

  it('an ack at or past the pending snapshot ends it (TestSnapshotAbort)', () => {
    const sm = leaderAfterSnapshot();
    const pr = sm.trk.progress.get(2)!;
    pr.next = 1;
    pr.becomeSnapshot(11);
    sm.step(msg(MessageType.MsgAppResp, 2, 1, { term: sm.term, index: 11 }));
    expect(pr.pendingSnapshot).toBe(0);
    // Replicate: the empty entry at 12 went out optimistically.
    expect(pr.next).toBe(13);
    expect(pr.inflights.count()).toBe(1);
  });

  it('catches up a follower behind compaction (TestSlowNodeRestore)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(msg(MessageType.MsgHup, 1, 1));
    nt.isolate(3);
    for (let j = 0; j <= 100; j++) nt.send(prop(1));
    const lead = nt.raft(1);
    const s1 = nt.storage.get(1)!;
    nextEnts(lead, s1);
    const cs = { voters: lead.trk.voterNodes(), learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    s1.createSnapshot(lead.raftLog.applied, cs, undefined);
    s1.compact(lead.raftLog.applied);
    nt.recover();
    // Heartbeats until the leader knows node 3 is active (snapshots go to active peers only).
    while (!lead.trk.progress.get(3)!.recentActive) nt.send(msg(MessageType.MsgBeat, 1, 1));
    nt.send(prop(1)); // triggers the snapshot
    const follower = nt.raft(3);
    expect(follower.raftLog.unstable.snapshot?.metadata.index).toBe(lead.raftLog.applied);
    nt.send(prop(1)); // triggers a commit
    expect(follower.raftLog.committed).toBe(lead.raftLog.committed);
  });

  it('does not send snapshots to an inactive peer (TestIgnoreProvidingSnap)', () => {
    const s = newTestMemoryStorage([1]);
    const sm = newTestRaft(1, 10, 1, s);
    sm.restore(testingSnap);
    sm.becomeCandidate();
    sm.becomeLeader();
    const pr = sm.trk.progress.get(2)!;
    pr.next = sm.raftLog.firstIndex() - 1;
    pr.recentActive = false;
    sm.step(prop(1, 'somedata'));
    expect(readMessages(sm)).toHaveLength(0);
  });
});

describe('proposals', () => {
  it('a follower forwards proposals to the leader (TestProposalByProxy)', () => {
    const nt = new Network([undefined, undefined, undefined]);
    nt.send(msg(MessageType.MsgHup, 1, 1));
    nt.send(prop(2, 'somedata'));
    for (const id of [1, 2, 3]) expect(nt.raft(id).raftLog.committed).toBe(2);
  });

  it('with DisableProposalForwarding a follower drops them', () => {
    const nt = new Network([undefined, undefined, undefined], (c) => {
      c.disableProposalForwarding = true;
    });
    nt.send(msg(MessageType.MsgHup, 1, 1));
    expect(nt.raft(2).step(prop(2, 'somedata'))).toBe(ErrProposalDropped);
    expect(nt.raft(2).msgs).toHaveLength(0);
  });

  it('a second conf change while one is unapplied becomes an empty entry (TestStepIgnoreConfig)', () => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage([1, 2]));
    r.becomeCandidate();
    r.becomeLeader();
    const cc = { term: 0, index: 0, type: 1, data: new Uint8Array([0x08, 0, 0x10, 0, 0x18, 3]) };
    r.step(msg(MessageType.MsgProp, 1, 1, { entries: [cc] }));
    const index = r.raftLog.lastIndex();
    const pending = r.pendingConfIndex;
    r.step(msg(MessageType.MsgProp, 1, 1, { entries: [cc] }));
    const last = r.raftLog.entries(index + 1, Infinity);
    expect(last.map((e) => [e.type, e.data])).toEqual([[0, undefined]]);
    expect(r.pendingConfIndex).toBe(pending);
  });
});
