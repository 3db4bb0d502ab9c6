import { describe as suite, expect, it } from 'vitest';
import { World } from '../../sim/world/world';
import type { TraceEvent } from '../../sim/trace/trace';
import { foldEvent, initialFrame, roleLetter, shareUnchanged } from './frame';
import { describe, narrationAt } from './narration';
import { inputsUntil } from './replay';
import { decodeRun, encodeRun, makeRun, parseRunText, RunFileError } from './run-file';
import { Timeline } from './timeline';

const config = { seed: 7, members: 3, network: { latency: { kind: 'uniform', min: 20, max: 40 } } };

function worldWithFaults(): World {
  const w = new World(config);
  w.runFor(1000);
  w.input({ type: 'partition', groups: [['m1'], ['m2', 'm3']] });
  w.runFor(500);
  w.input({ type: 'crash', member: 'm2' });
  w.runFor(500);
  w.input({ type: 'heal' });
  w.runFor(500);
  return w;
}

function timelineOf(w: World, every = 100): Timeline {
  const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)), every);
  tl.ingest();
  return tl;
}

suite('frame fold', () => {
  it('tracks member status, partitions and heals from the trace', () => {
    const w = worldWithFaults();
    const tl = timelineOf(w);
    const atCrash = tl.frameAt(tl.indexAtTime(1600));
    expect(atCrash.faults.groups).toEqual([['m1'], ['m2', 'm3']]);
    expect(atCrash.members.find((m) => m.name === 'm2')?.status).toBe('crashed');
    expect(atCrash.members.find((m) => m.name === 'm1')?.status).toBe('running');
    expect(tl.frameAt(tl.length).faults.groups).toEqual([]);
  });

  it('tells a crashed, a cleanly stopped and a removed member apart', () => {
    const w = new World({ ...config, members: 5, clients: [{}] });
    // etcd refuses a removal until every member has been connected for 5 s (unhealthy cluster).
    w.runFor(6000);
    w.input({ type: 'request', client: 'c1', label: 'remove m4', request: { op: 'member-remove', member: 'm4' } });
    w.runFor(3000);
    w.input({ type: 'crash', member: 'm2' });
    w.input({ type: 'stop', member: 'm3' });
    w.runFor(1000);
    const tl = timelineOf(w);
    const status = Object.fromEntries(tl.frameAt(tl.length).members.map((m) => [m.name, m.status]));
    expect(status).toEqual({ m1: 'running', m2: 'crashed', m3: 'stopped', m4: 'removed', m5: 'running' });
  });

  it('folds server events: role, persisted entries, commit and apply', () => {
    const f = initialFrame(['m1']);
    const ev = (seq: number, kind: string, fields: object) => ({ t: seq, seq, source: 'm1', kind, ...fields }) as unknown as TraceEvent;
    foldEvent(f, ev(0, 'server.start', { id: 'a', mode: 'new', applied: 0, commit: 0, term: 1 }));
    foldEvent(f, ev(1, 'server.role', { role: 'leader', term: 2, lead: 'a', prevLead: '0' }));
    foldEvent(f, ev(2, 'server.persisted', { entries: 3, lastIndex: 3, hardState: '', synced: true }));
    foldEvent(f, ev(3, 'server.ready', { hardState: 'term=2 vote=a commit=2' }));
    foldEvent(f, ev(4, 'server.apply', { first: 1, last: 1, entries: 1, applied: 1, consistentIndex: 1 }));
    foldEvent(f, ev(5, 'server.persisted', { entries: 1, lastIndex: 2, hardState: '', synced: true }));
    const m = f.members[0];
    expect([m.status, roleLetter(m.role), m.term, m.lead, m.commit, m.applied, m.lastIndex]).toEqual(['running', 'L', 2, 'm1', 2, 1, 2]);
    expect(m.log).toEqual([{ index: 1, term: 2 }, { index: 2, term: 2 }]);
    expect(f.index).toBe(6);
  });

  it('gives bootstrap entries the term Raft bootstrapped them at', () => {
    const w = new World(config);
    w.runFor(3000);
    const m1 = timelineOf(w).frameAt(Infinity).members[0];
    if (m1.log.length === 0) return; // a world of member shells keeps no log
    // One ConfChangeAddNode entry per initial member, at term 1.
    expect(m1.log.filter((e) => e.index <= 3).map((e) => e.term)).toEqual([1, 1, 1]);
  });

  it('a frame from a checkpoint equals the frame folded from the start', () => {
    const w = worldWithFaults();
    const tl = timelineOf(w, 64);
    for (const index of [0, 1, 63, 64, 65, Math.min(1000, tl.length), Math.floor(tl.length / 2), tl.length - 1, tl.length]) {
      const scratch = initialFrame(w.members.map((m) => m.name));
      for (let i = 0; i < index; i++) foldEvent(scratch, w.kernel.trace.at(i) as TraceEvent);
      expect(tl.frameAt(index)).toEqual(scratch);
    }
  });

  it('shares the parts of a frame that did not change', () => {
    const w = worldWithFaults();
    const tl = timelineOf(w);
    const a = tl.frameAt(tl.indexAtTime(1200));
    const b = shareUnchanged(a, tl.frameAt(tl.indexAtTime(1300)));
    expect(b.faults).toBe(a.faults);
    const c = shareUnchanged(a, tl.frameAt(tl.length));
    expect(c.faults).not.toBe(a.faults);
    expect(c).toEqual(tl.frameAt(tl.length));
  });

  it('indexAtTime counts the events at or before t', () => {
    const w = worldWithFaults();
    const tl = timelineOf(w);
    const i = tl.indexAtTime(1234);
    expect(tl.timeAt(i - 1)).toBeLessThanOrEqual(1234);
    expect(tl.timeAt(i) ?? Infinity).toBeGreaterThan(1234);
  });
});

suite('flights', () => {
  it('a message is in flight from its send until its due time', () => {
    const w = new World(config);
    w.runFor(3000);
    const tl = timelineOf(w);
    const sent = w.trace.filter((e) => e.kind === 'net.send' && e.fate === 'in-flight');
    const last = sent[sent.length - 1] as TraceEvent & { due: number };
    const t = (last.t + last.due) / 2;
    const flights = tl.flightsAt(tl.indexAtTime(t), t);
    expect(flights.length).toBeGreaterThan(0);
    const sends = w.trace.filter((e) => e.kind === 'net.send' && e.fate === 'in-flight' && e.t <= t && e.due > t);
    expect(flights.map((f) => f.id)).toEqual(sends.map((e) => (e as { id: number }).id));
    for (const f of flights) expect(f.sent <= t && f.due > t).toBe(true);
  });
});

suite('narration', () => {
  it('describes known kinds and shows unknown kinds generically', () => {
    const unknown = { t: 1, seq: 0, source: 'c1', kind: 'client.retry', call: 3, verdict: 'retry', reason: 'attempt 1 % quorum 2 != 0' };
    expect(describe(unknown as unknown as TraceEvent)).toBe('call=3 verdict=retry');
    const w = worldWithFaults();
    const heal = w.trace.findIndex((e) => e.kind === 'world.input' && e.input.type === 'heal');
    const tl = timelineOf(w);
    const lines = narrationAt(w.kernel.trace, heal + 1, 5, tl.notable);
    expect(lines.length).toBe(5);
    expect(lines.some((l) => l.kind === 'world.input' && l.text.includes('heal'))).toBe(true);
    expect(lines[4].seq).toBe(heal);
    expect(narrationAt(w.kernel.trace, heal + 1, 3).map((l) => l.seq)).toEqual([heal - 2, heal - 1, heal]);
    expect(lines.every((l) => l.kind !== 'net.send')).toBe(true);
  });
});

suite('replay and run files', () => {
  it('sliced replay gives the same trace as World.replay', () => {
    const w = worldWithFaults();
    const cut = 1700;
    const inputs = inputsUntil(w.inputs, cut);
    expect(inputs.length).toBe(2);
    // Replaying in small slices reports progress and rebuilds the live run exactly.
    const steps = World.replaySteps(config, w.inputs, w.now, 100);
    const progress: number[] = [];
    let r = steps.next();
    for (; r.done !== true; r = steps.next()) progress.push(r.value);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]))).toBe(true);
    expect(r.value.hash()).toBe(w.hash());
  });

  it('round-trips through base64url and rejects newer or foreign files', () => {
    const w = worldWithFaults();
    const run = makeRun(w.config, w.inputs, w.now);
    expect(decodeRun(encodeRun(run))).toEqual(JSON.parse(JSON.stringify(run)));
    expect(() => parseRunText(JSON.stringify({ ...run, version: 2 }))).toThrow(/version 2 is newer/);
    expect(() => parseRunText('{"format":"other"}')).toThrow(RunFileError);
    expect(() => parseRunText('nope')).toThrow(/not valid JSON/);
    expect(() => decodeRun('***')).toThrow(RunFileError);
  });
});

suite('time travel cost', () => {
  it('jumps anywhere in a long run well within 100 ms', () => {
    const w = new World({ seed: 3, members: 5 });
    w.runFor(600_000);
    const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)));
    tl.ingest();
    expect(tl.length).toBeGreaterThan(20_000);
    let worst = 0;
    for (const frac of [0.1, 0.33, 0.5, 0.77, 0.999]) {
      const start = performance.now();
      const index = tl.indexAtTime(w.now * frac);
      tl.frameAt(index);
      tl.flightsAt(index, w.now * frac);
      worst = Math.max(worst, performance.now() - start);
    }
    expect(worst).toBeLessThan(100);
  });
});
