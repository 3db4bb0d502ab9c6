// The RawNode API: bootstrap, the Ready/Advance cycle, step filtering and bad input
// (spec §2; etcd rawnode_test.go, node_test.go TestNodeStart).
import { describe, expect, it } from 'vitest';
import type { Entry } from './raftpb';
import type { ConfChangeType } from './raftpb';
import { EntryType, MessageType, newMessage, unmarshalConfChange } from './raftpb';
import { ErrStepLocalMsg, ErrStepPeerNotFound, RawNode } from './rawnode';
import { ErrProposalDropped } from './raft';
import { StateType } from './node';
import type { LogRecord } from './logger';
import { LogLevel, RecordLogger } from './logger';
import { MemoryStorage } from './storage';
import { etcdRaftConfig } from './etcd-config';
import { statusToJSON } from './status';

/** Persists and applies one Ready, then advances. */
function handleReady(rn: RawNode, s: MemoryStorage): void {
  const rd = rn.ready();
  if (rd.hardState.term !== 0) s.setHardState(rd.hardState);
  s.append(rd.entries);
  for (const e of rd.committedEntries) applyEntry(rn, e);
  rn.advance(rd);
}

function applyEntry(rn: RawNode, e: Entry): void {
  if (e.type === EntryType.EntryConfChange) rn.applyConfChange(unmarshalConfChange(e.data));
}

describe('RawNode', () => {
  it('bootstraps, campaigns and commits as a single node (TestNodeStart)', () => {
    const s = new MemoryStorage();
    const rn = new RawNode({ id: 1, electionTick: 10, heartbeatTick: 1, storage: s, maxInflightMsgs: 256, maxSizePerMsg: Infinity });
    expect(rn.bootstrap([{ id: 1 }])).toBeUndefined();
    const rd = rn.ready();
    expect(rd.softState).toBeUndefined();
    expect(rd.hardState).toEqual({ term: 1, vote: 0, commit: 1 });
    expect(rd.entries.map((e) => [e.term, e.index, e.type])).toEqual([[1, 1, EntryType.EntryConfChange]]);
    expect(rd.committedEntries).toEqual(rd.entries);
    expect(rd.mustSync).toBe(true);
    s.setHardState(rd.hardState);
    s.append(rd.entries);
    rd.committedEntries.forEach((e) => applyEntry(rn, e));
    rn.advance(rd);
    expect(rn.hasReady()).toBe(false);

    expect(rn.campaign()).toBeUndefined();
    // Own vote at the first Advance, own entry's commit at the next ones.
    for (let i = 0; i < 3 && rn.hasReady(); i++) handleReady(rn, s);
    const st = rn.status();
    expect(st.softState.raftState).toBe(StateType.StateLeader);
    expect(st.hardState).toEqual({ term: 2, vote: 1, commit: 2 });
    expect(st.progress.get(1)?.match).toBe(2);
    expect(rn.bootstrap([{ id: 1 }])?.message).toBe("can't bootstrap a nonempty Storage");
    expect(statusToJSON(st)).toBe(
      '{"id":"1","term":2,"vote":"1","commit":2,"lead":"1","raftState":"StateLeader","applied":2,"progress":{"1":{"match":2,"next":3,"state":"StateReplicate"}},"leadtransferee":"0"}',
    );
  });

  it('filters local and unknown-peer messages, and rejects malformed ones', () => {
    const s = new MemoryStorage();
    const rn = new RawNode({ id: 1, electionTick: 10, heartbeatTick: 1, storage: s, maxInflightMsgs: 256, maxSizePerMsg: Infinity });
    rn.bootstrap([{ id: 1 }, { id: 2 }]);
    expect(rn.step(newMessage(MessageType.MsgHup, 1, 2))).toBe(ErrStepLocalMsg);
    expect(rn.step(newMessage(MessageType.MsgAppResp, 1, 9, 1))).toBe(ErrStepPeerNotFound);
    expect(rn.step({ ...newMessage(MessageType.MsgApp, 1, 2), term: -1 })?.message).toMatch(/invalid id, term or index in MsgApp .*term -1/);
    expect(rn.step({ ...newMessage(MessageType.MsgApp, 1, 2), type: 99 as MessageType })?.message).toMatch(/unknown message type/);
    expect(rn.step(newMessage(MessageType.MsgProp, 1, 2))?.message).toMatch(/without entries/);
    expect(rn.propose(new Uint8Array([1]))).toBe(ErrProposalDropped);
    expect(rn.proposeConfChange({ id: 0, type: 7 as ConfChangeType, nodeID: 2 })?.message).toMatch(/unknown conf change type 7/);
    expect(rn.proposeConfChange({ transition: 0, changes: [{ type: 0, nodeID: -1 }] })?.message).toMatch(/invalid conf change node id -1/);
  });

  it('refuses Advance in async-storage-writes mode', () => {
    const rn = new RawNode({ id: 1, electionTick: 10, heartbeatTick: 1, storage: new MemoryStorage(), maxInflightMsgs: 1, maxSizePerMsg: 1024, asyncStorageWrites: true });
    expect(() => rn.advance()).toThrow('Advance must not be called when using AsyncStorageWrites');
  });

  it.each([
    [{ id: 0 }, 'cannot use none as id'],
    [{ heartbeatTick: 0 }, 'heartbeat tick must be greater than 0'],
    [{ electionTick: 1 }, 'election tick must be greater than heartbeat tick'],
    [{ maxInflightMsgs: 0 }, 'max inflight messages must be greater than 0'],
    [{ maxInflightBytes: 10 }, 'max inflight bytes must be >= max message size'],
    [{ readOnlyOption: 1, checkQuorum: false }, 'CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased'],
    [{ maxSizePerMsg: 0 }, 'max committed size per ready must be greater than 0'],
  ])('validates the config: %o', (over, text) => {
    expect(() => new RawNode({ ...etcdRaftConfig({ id: 1, storage: new MemoryStorage() }), ...over })).toThrow(text);
  });

  it('narrates through the logger with structured fields, only at enabled levels', () => {
    const records: LogRecord[] = [];
    const s = new MemoryStorage();
    const rn = new RawNode(etcdRaftConfig({ id: 1, storage: s, logger: new RecordLogger(LogLevel.Info, (r) => records.push(r)) }));
    rn.bootstrap([{ id: 1 }, { id: 2 }, { id: 3 }]);
    handleReady(rn, s);
    records.length = 0;
    rn.campaign();
    expect(records.map((r) => r.text)).toEqual([
      '1 is starting a new election at term 1',
      '1 became pre-candidate at term 1',
      '1 [logterm: 1, index: 3] sent MsgPreVote request to 2 at term 1',
      '1 [logterm: 1, index: 3] sent MsgPreVote request to 3 at term 1',
    ]);
    expect(records[2].fields).toMatchObject({ event: 'vote-request', type: 'MsgPreVote', to: 2, term: 1, logTerm: 1, index: 3 });
    expect(records.every((r) => r.level >= LogLevel.Info)).toBe(true);
  });
});
