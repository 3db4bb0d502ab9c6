// The frame parts behind the key-value, log and client views, folded from real runs and
// compared with the world's own state.
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world';
import type { TraceEvent } from '../../sim/trace/trace';
import type { InputRequest } from '../../sim/world/inputs';
import type { RequestOpInput } from '../../sim/world/requests';
import { foldEvent, initialFrame, termsOf, timerStart, type FrameState } from './frame';
import { nextPick, shortMethod } from './client-frame';
import { remainingTTL } from './kv-frame';
import { describe as narrate, isChatty } from './narration';
import { Timeline } from './timeline';

const config = {
  seed: 11,
  members: 3,
  network: { latency: { kind: 'uniform', min: 10, max: 20 } },
  clients: [{ workload: { rate: 20, concurrency: 2 } }],
};

function frameOf(w: World): FrameState {
  const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)), 500);
  tl.ingest();
  return tl.frameAt(tl.length);
}

const request = (label: string, req: RequestOpInput): InputRequest => ({ type: 'request', client: 'c1', label, request: req });

describe('key-value frame', () => {
  it("shows each member's keys with the revisions and versions its store has", () => {
    const w = new World(config);
    w.runFor(4000);
    const f = frameOf(w);
    for (const server of w.members) {
      const kv = f.kv[server.name];
      const store = server.stateMachine.kv;
      const live = store.listKeys('', 1000).filter((k) => k.live);
      expect(live.length).toBeGreaterThan(0);
      expect(kv.revision).toBe(store.currentRevision);
      for (const k of live) {
        expect(kv.keys[k.key]).toMatchObject({ createRevision: k.createRevision, modRevision: k.modRevision, version: k.version, deleted: false });
      }
      expect(Object.entries(kv.keys).filter(([, v]) => !v.deleted).length).toBe(live.length);
    }
  });

  it('follows compaction, watchers and leases with their remaining TTL', () => {
    const w = new World({ ...config, clients: [{}] });
    w.runFor(2000);
    w.input(request('lease', { op: 'lease-grant', ttl: 30, id: 0x77 }));
    w.runFor(500);
    w.input(request('p1', { op: 'put', key: 'a', value: '1', lease: 0x77 }));
    w.input(request('w', { op: 'watch', key: 'a' }));
    w.runFor(500);
    w.input(request('p2', { op: 'put', key: 'a', value: '2', lease: 0x77 }));
    w.runFor(500);
    const leader = w.members.find((m) => m.isLeader)?.name as string;
    let kv = frameOf(w).kv[leader];
    expect(kv.keys.a).toMatchObject({ version: 2, lease: 0x77, deleted: false });
    // The watch lives on the member the client's stream reached.
    expect(Object.values(frameOf(w).kv).flatMap((x) => x.watchers.map((x) => x.key))).toContain('a');
    const lease = kv.leases.find((l) => l.id === 0x77);
    expect(lease?.keys).toEqual(['a']);
    const left = remainingTTL(lease!, w.now) as number;
    expect(left).toBeGreaterThan(25);
    expect(left).toBeLessThanOrEqual(30);
    w.input(request('c', { op: 'compact', revision: kv.revision }));
    w.runFor(500);
    kv = frameOf(w).kv[leader];
    expect(kv.compacted).toBe(w.members.find((m) => m.name === leader)?.stateMachine.kv.compactRevision);
  });
});

describe('narration of store writes', () => {
  it('tells a write in words and keeps it out of the default narration (one per member)', () => {
    const e = { t: 1, seq: 1, source: 'm1', kind: 'server.mvcc', type: 'mvcc.write', revision: 5, key: 'a', createRevision: 2, version: 3, lease: 0, more: [{ key: 'b', createRevision: 0, version: 0, lease: 0 }] } as unknown as TraceEvent;
    expect(narrate(e)).toBe('store at revision 5: a version 3, deleted b');
    expect(isChatty(e)).toBe(true);
    expect(isChatty({ ...e, type: 'mvcc.compact' } as TraceEvent)).toBe(false);
  });
});

describe('log frame', () => {
  it('reads entry terms from the persisted runs', () => {
    expect(termsOf('2:3,3:1', 4, 9)).toEqual([2, 2, 2, 3]);
    expect(termsOf('', 2, 9)).toEqual([9, 9]);
  });

  it("gives each entry the term the member's log has, and the leader's Progress of each follower", () => {
    const w = new World(config);
    w.runFor(3000);
    const f = frameOf(w);
    for (const server of w.members) {
      const m = f.members.find((x) => x.name === server.name)!;
      const log = server.node.memStorage;
      for (const e of m.log) if (e.index >= log.firstIndex() && e.index <= log.lastIndex()) expect(e.term).toBe(log.term(e.index));
    }
    const leader = f.members.find((m) => m.role === 'leader')!;
    expect(leader.progress.map((p) => p.peer).sort()).toEqual(f.members.filter((m) => m !== leader).map((m) => m.name).sort());
    for (const p of leader.progress) {
      expect(p.state).toMatch(/^State(Probe|Replicate|Snapshot)$/);
      expect(p.next).toBeGreaterThan(p.match);
    }
  });

  it('marks an entry that overwrote a conflicting one with the term it replaced', () => {
    const f = initialFrame(['m1']);
    const ev = (seq: number, kind: string, fields: object) => ({ t: seq, seq, source: 'm1', kind, ...fields }) as unknown as TraceEvent;
    foldEvent(f, ev(0, 'server.start', { id: 'a', mode: 'new', applied: 0, commit: 0, term: 1 }));
    foldEvent(f, ev(1, 'server.persisted', { entries: 3, lastIndex: 3, terms: '1:1,2:2', hardState: '', synced: true }));
    foldEvent(f, ev(2, 'server.persisted', { entries: 2, lastIndex: 3, terms: '3:2', hardState: '', synced: true }));
    expect(f.members[0].log).toEqual([
      { index: 1, term: 1 },
      { index: 2, term: 3, replaced: 2 },
      { index: 3, term: 3, replaced: 2 },
    ]);
  });
});

describe('client frame', () => {
  it('follows subchannels, the round-robin pointer and each request with its attempts', () => {
    const w = new World(config);
    w.runFor(1500);
    w.input({ type: 'crash', member: 'm2' });
    w.runFor(1500);
    const c = frameOf(w).clients.c1;
    expect(Object.keys(c.endpoints).sort()).toEqual(['m1:2379', 'm2:2379', 'm3:2379']);
    expect(c.endpoints['m2:2379'].state).not.toBe('READY');
    expect(c.order).not.toContain('m2:2379');
    expect(c.order).toContain(nextPick(c));
    expect(c.requests.length).toBeGreaterThan(0);
    for (const r of c.requests.filter((x) => x.end !== undefined)) {
      const attempts = r.steps.filter((s) => s.kind === 'attempt');
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts.at(-1)?.kind === 'attempt' && attempts.at(-1)?.outcome).toBe(r.outcome);
    }
  });

  it('names methods briefly', () => {
    expect(shortMethod('/etcdserverpb.KV/Put')).toBe('KV/Put');
  });
});

describe('timers frame', () => {
  it("restarts a follower's election timer on leader contact, and shows a slow disk's fsyncs", () => {
    const w = new World(config);
    w.runFor(3000);
    w.input({ type: 'disk', member: 'm2', fsyncMs: 250 });
    w.runFor(2000);
    const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)), 500);
    tl.ingest();
    const f = tl.frameAt(tl.length);
    const electionMs = w.config.tickMs * w.config.electionTicks;
    for (const m of f.members.filter((x) => x.role === 'follower')) {
      expect(w.now - timerStart(f.timers[m.name], w.now)).toBeLessThan(electionMs / 2);
    }
    // Some point after the slowdown shows m2 in the middle of an fsync, for up to 250 ms.
    let seen = 0;
    for (let i = tl.indexAtTime(3100); i < tl.length; i += 50) {
      const at = tl.frameAt(i).timers.m2.fsyncSince;
      if (at !== undefined) {
        seen++;
        expect((tl.timeAt(i - 1) as number) - at).toBeLessThanOrEqual(250 + 1e-6);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('lost messages', () => {
  it('marks a message lost from the cursor of its loss on, where the trace says so', () => {
    const w = new World({ ...config, network: { latency: { kind: 'uniform', min: 10, max: 20 }, drop: 0.3 } });
    w.runFor(2000);
    const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)), 500);
    tl.ingest();
    const spans = tl.messagesIn(tl.length, 0, w.now);
    const lost = spans.filter((m) => m.lostAt !== undefined);
    expect(lost.length).toBeGreaterThan(0);
    for (const m of lost) {
      expect(m.fate).toMatch(/^(stalled|broken|refused)$/);
      expect(m.lostAt).toBeGreaterThanOrEqual(m.sent);
      // Before its loss the same message is still on its way.
      const before = tl.messagesIn(tl.indexAtTime((m.lostAt as number) - 1e-6), m.sent, m.sent).find((x) => x.id === m.id);
      expect(before?.fate).toBe('in-flight');
    }
  });
});
