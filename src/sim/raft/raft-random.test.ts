// Randomized runs of five RawNodes over a lossy, reordering network with crashes,
// compaction and snapshots, checking Raft's safety properties (spec §11): one leader per
// term, and all members apply the same entry at each index.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Entry, Message } from './raftpb';
import { EntryType, unmarshalConfChange } from './raftpb';
import { RawNode } from './rawnode';
import { StateType } from './node';
import { MemoryStorage } from './storage';
import { etcdRaftConfig } from './etcd-config';

const ids = [1, 2, 3, 4, 5];

/** A small seeded generator (mulberry32), so a failing seed replays exactly. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Member {
  rn: RawNode;
  storage: MemoryStorage;
  applied: number;
}

function newMember(id: number, storage: MemoryStorage, rand: (n: number) => number, applied: number): Member {
  const rn = new RawNode(etcdRaftConfig({ id, storage, randInt: rand, applied, maxSizePerMsg: 4096, maxInflightMsgs: 8 }));
  return { rn, storage, applied };
}

interface Stats {
  maxApplied: number;
  snapshots: number;
  restarts: number;
}

function run(seed: number, steps: number): Stats {
  const rand = rng(seed);
  const members = new Map<number, Member>();
  for (const id of ids) {
    const s = new MemoryStorage();
    const cs = { voters: ids, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    s.applySnapshot({ data: undefined, metadata: { index: 1, term: 1, confState: cs } });
    members.set(id, newMember(id, s, rand, 1));
  }
  let inflight: Message[] = [];
  const leaders = new Map<number, number>();
  const appliedAt = new Map<number, string>();
  let proposals = 0;
  const stats: Stats = { maxApplied: 0, snapshots: 0, restarts: 0 };

  const apply = (id: number, e: Entry) => {
    const key = `${e.term}:${e.type}:${e.data === undefined ? '' : Array.from(e.data).join(',')}`;
    const seen = appliedAt.get(e.index);
    if (seen === undefined) appliedAt.set(e.index, key);
    else expect(key, `member ${id} applied a different entry at ${e.index}`).toBe(seen);
    if (e.type === EntryType.EntryConfChange) members.get(id)!.rn.applyConfChange(unmarshalConfChange(e.data));
  };

  const handleReady = (id: number, m: Member) => {
    const rd = m.rn.ready();
    if (rd.softState?.raftState === StateType.StateLeader) {
      const term = m.rn.basicStatus().hardState.term;
      const prev = leaders.get(term);
      expect(prev === undefined || prev === id, `two leaders in term ${term}`).toBe(true);
      leaders.set(term, id);
    }
    if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot);
    if (rd.hardState.term !== 0) m.storage.setHardState(rd.hardState);
    m.storage.append(rd.entries);
    if (rd.snapshot !== undefined) {
      m.applied = rd.snapshot.metadata.index;
      stats.snapshots++;
    }
    for (const e of rd.committedEntries) {
      apply(id, e);
      m.applied = e.index;
    }
    stats.maxApplied = Math.max(stats.maxApplied, m.applied);
    inflight.push(...rd.messages);
    m.rn.advance();
    // Compact now and then, so lagging members need snapshots.
    const first = m.storage.firstIndex();
    if (m.applied > first + 20 && rand(4) === 0) {
      m.storage.createSnapshot(m.applied, confState(), undefined);
      m.storage.compact(m.applied - 5);
    }
  };
  const confState = () => ({ voters: ids, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false });

  for (let step = 0; step < steps; step++) {
    const id = ids[rand(ids.length)];
    const m = members.get(id)!;
    switch (rand(10)) {
      case 0:
      case 1:
        m.rn.tick();
        break;
      case 2:
        m.rn.propose(new Uint8Array([proposals & 255, (proposals++ >> 8) & 255]));
        break;
      case 3: {
        // Crash: restart from what was persisted.
        if (rand(20) !== 0) break;
        inflight = inflight.filter((x) => x.to !== id);
        const hs = m.storage.initialState().hardState;
        const applied = Math.max(m.storage.firstIndex() - 1, Math.min(m.applied, hs.commit));
        members.set(id, newMember(id, m.storage, rand, applied));
        stats.restarts++;
        break;
      }
      default: {
        if (m.rn.hasReady()) handleReady(id, m);
        // Deliver a random in-flight message; sometimes drop or duplicate it.
        if (inflight.length > 0) {
          const i = rand(inflight.length);
          const msg = inflight[i];
          const fate = rand(20);
          if (fate !== 0) inflight.splice(i, 1);
          if (fate !== 1) members.get(msg.to)?.rn.step(msg);
        }
      }
    }
  }
  expect(leaders.size).toBeGreaterThan(0);
  return stats;
}

describe('randomized safety', () => {
  it('keeps election safety and state machine safety under faults', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        expect(run(seed, 3000).maxApplied).toBeGreaterThan(10);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('exercises snapshots and restarts', () => {
    const total = { snapshots: 0, restarts: 0 };
    for (let seed = 1; seed <= 5; seed++) {
      const s = run(seed, 5000);
      total.snapshots += s.snapshots;
      total.restarts += s.restarts;
    }
    expect(total.snapshots).toBeGreaterThan(0);
    expect(total.restarts).toBeGreaterThan(0);
  });
});
