// An in-memory network of raft state machines for behaviour tests, like the harness at
// the bottom of etcd's raft_test.go (spec §12.1): messages are delivered FIFO, each
// recipient's self-addressed after-append messages are stepped at once, and nothing is
// persisted (entries stay unstable). Filters drop, cut, isolate or ignore messages.
import type { ConfState, Entry, Message } from '../raftpb';
import { MessageType, emptyConfState } from '../raftpb';
import type { Config } from '../raft';
import { Raft } from '../raft';
import { MemoryStorage } from '../storage';

/** A MemoryStorage whose initial ConfState is set directly (newTestMemoryStorage). */
export class TestMemoryStorage extends MemoryStorage {
  constructor(cs: Partial<ConfState> = {}) {
    super();
    this.snap.metadata.confState = { ...emptyConfState(), ...cs };
  }
}

export function newTestMemoryStorage(voters: number[], learners: number[] = []): TestMemoryStorage {
  return new TestMemoryStorage({ voters, learners });
}

export function newTestConfig(id: number, election: number, heartbeat: number, storage: MemoryStorage): Config {
  return { id, electionTick: election, heartbeatTick: heartbeat, storage, maxSizePerMsg: Infinity, maxInflightMsgs: 256 };
}

export function newTestRaft(id: number, election: number, heartbeat: number, storage: MemoryStorage, over: Partial<Config> = {}): Raft {
  return new Raft({ ...newTestConfig(id, election, heartbeat, storage), ...over });
}

/** Steps the node's self-addressed durability-dependent messages until none are left. */
export function advanceMessagesAfterAppend(r: Raft): void {
  for (;;) {
    const msgs = r.msgsAfterAppend;
    if (msgs.length === 0) return;
    r.msgsAfterAppend = [];
    for (const m of msgs) {
      if (m.to === r.id) r.step(m);
      else r.msgs.push(m);
    }
  }
}

/** All outgoing messages (after stepping self-acks), clearing the queue. */
export function readMessages(r: Raft): Message[] {
  advanceMessagesAfterAppend(r);
  const msgs = r.msgs;
  r.msgs = [];
  return msgs;
}

/** Persists unstable entries, steps self-acks, applies and returns committed entries (nextEnts). */
export function nextEnts(r: Raft, s: MemoryStorage): Entry[] {
  const ents = r.raftLog.nextUnstableEnts() ?? [];
  s.append(ents);
  r.raftLog.stableTo(r.raftLog.lastIndex(), r.raftLog.lastTerm());
  advanceMessagesAfterAppend(r);
  const committed = r.raftLog.nextCommittedEnts(true) ?? [];
  r.raftLog.appliedTo(r.raftLog.committed, 0);
  return committed;
}

export function msg(type: MessageType, from: number, to: number, fields: Partial<Message> = {}): Message {
  return {
    type,
    from,
    to,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    vote: 0,
    snapshot: undefined,
    reject: false,
    rejectHint: 0,
    context: undefined,
    responses: [],
    ...fields,
  };
}

export function prop(id: number, ...datas: (string | undefined)[]): Message {
  const entries = datas.map((d) => ({ term: 0, index: 0, type: 0, data: d === undefined ? undefined : new TextEncoder().encode(d) }));
  return msg(MessageType.MsgProp, id, id, { entries: entries.length > 0 ? entries : [{ term: 0, index: 0, type: 0 }] });
}

export class Network {
  readonly peers = new Map<number, Raft>();
  readonly storage = new Map<number, MemoryStorage>();
  private readonly dropm = new Map<string, boolean>();
  private readonly ignorem = new Set<MessageType>();
  /** Node ids are 1..size (black holes included). */
  private readonly size: number;

  /**
   * One node per entry: undefined = a fresh node with ElectionTick 10 over voters 1..n,
   * a Raft = that node, null = a black hole (swallows everything).
   */
  constructor(peers: (Raft | undefined | null)[], configure?: (c: Config) => void) {
    this.size = peers.length;
    const ids = peers.map((_, i) => i + 1);
    peers.forEach((p, i) => {
      const id = i + 1;
      if (p === undefined) {
        const s = newTestMemoryStorage(ids);
        const cfg = newTestConfig(id, 10, 1, s);
        configure?.(cfg);
        this.storage.set(id, s);
        this.peers.set(id, new Raft(cfg));
      } else if (p !== null) {
        this.peers.set(id, p);
      }
    });
  }

  raft(id: number): Raft {
    const r = this.peers.get(id);
    if (r === undefined) throw new Error(`no raft ${id}`);
    return r;
  }

  send(...msgs: Message[]): void {
    const queue = [...msgs];
    while (queue.length > 0) {
      const m = queue.shift()!;
      const p = this.peers.get(m.to);
      if (p === undefined) continue;
      p.step(m);
      queue.push(...this.filter(readMessages(p)));
    }
  }

  drop(from: number, to: number): void {
    this.dropm.set(`${from}-${to}`, true);
  }

  cut(a: number, b: number): void {
    this.drop(a, b);
    this.drop(b, a);
  }

  isolate(id: number): void {
    for (let i = 1; i <= this.size; i++) {
      if (i !== id) this.cut(id, i);
    }
  }

  ignore(t: MessageType): void {
    this.ignorem.add(t);
  }

  recover(): void {
    this.dropm.clear();
    this.ignorem.clear();
  }

  private filter(msgs: Message[]): Message[] {
    return msgs.filter((m) => {
      if (this.ignorem.has(m.type)) return false;
      if (m.type === MessageType.MsgHup) throw new Error('unexpected msgHup');
      return !this.dropm.get(`${m.from}-${m.to}`);
    });
  }
}
