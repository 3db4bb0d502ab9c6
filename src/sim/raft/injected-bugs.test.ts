// The deliberate bugs of the fault search's bug re-injection (check/fuzz/inject.ts) do what
// they say at the raft level, and nothing without Config.injected.
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import { MessageType } from './raftpb';
import { ReadOnlyOption } from './read-only';
import { advanceMessagesAfterAppend, msg, newTestMemoryStorage, newTestRaft, prop, readMessages } from './rafttest/network';

const bugs = (...names: string[]) => ({ injected: new Set(names) });

function terms(...ts: number[]): Entry[] {
  return ts.map((term, i) => ({ term, index: i + 1, type: 0 }));
}

describe('injected raft bugs', () => {
  it('raft-commit-old-term: an ack of an older term\'s entry commits it (Figure 8)', () => {
    const commitAfterAck = (over: object) => {
      const s = newTestMemoryStorage([1, 2]);
      s.append(terms(1, 2));
      const r = newTestRaft(1, 10, 1, s, over);
      r.loadState({ term: 2, vote: 0, commit: 0 });
      r.becomeCandidate();
      r.becomeLeader();
      readMessages(r);
      r.step(prop(1));
      r.step(msg(MessageType.MsgAppResp, 2, 1, { term: r.term, index: 2 }));
      advanceMessagesAfterAppend(r);
      return r.raftLog.committed;
    };
    expect(commitAfterAck({})).toBe(0);
    expect(commitAfterAck(bugs('raft-commit-old-term'))).toBe(2);
  });

  it('raft-vote-without-log-check: a vote goes to a candidate whose log is behind', () => {
    const granted = (over: object) => {
      const s = newTestMemoryStorage([1, 2, 3]);
      s.append(terms(1, 1, 1));
      const r = newTestRaft(1, 10, 1, s, over);
      r.step(msg(MessageType.MsgVote, 2, 1, { term: 2, index: 1, logTerm: 1 }));
      const resp = readMessages(r).find((m) => m.type === MessageType.MsgVoteResp);
      return resp !== undefined && !resp.reject;
    };
    expect(granted({})).toBe(false);
    expect(granted(bugs('raft-vote-without-log-check'))).toBe(true);
  });

  it('raft-truncate-committed: a stale append drops later, committed entries', () => {
    const after = (over: object) => {
      const s = newTestMemoryStorage([1, 2]);
      const r = newTestRaft(1, 10, 1, s, over);
      r.becomeFollower(1, 2);
      r.step(msg(MessageType.MsgApp, 2, 1, { term: 1, index: 0, logTerm: 0, commit: 3, entries: terms(1, 1, 1) }));
      // The same leader's earlier append, delivered late.
      r.step(msg(MessageType.MsgApp, 2, 1, { term: 1, index: 0, logTerm: 0, commit: 1, entries: terms(1) }));
      return [r.raftLog.lastIndex(), r.raftLog.committed];
    };
    expect(after({})).toEqual([3, 3]);
    expect(after(bugs('raft-truncate-committed'))).toEqual([1, 3]);
  });

  it('raft-lease-read-without-check-quorum: lease reads are accepted with check-quorum off', () => {
    const s = newTestMemoryStorage([1]);
    const config = { readOnlyOption: ReadOnlyOption.ReadOnlyLeaseBased, checkQuorum: false };
    expect(() => newTestRaft(1, 10, 1, s, config)).toThrow(/CheckQuorum must be enabled/);
    expect(() => newTestRaft(1, 10, 1, s, { ...config, ...bugs('raft-lease-read-without-check-quorum') })).not.toThrow();
  });
});
