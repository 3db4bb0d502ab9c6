// The election timers, raft ticks and leader's Progress the page folds from the trace,
// compared with the world's own raft state (which the page never reads).
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world';
import type { InputRequest } from '../../sim/world/inputs';
import type { RequestOpInput } from '../../sim/world/requests';
import { initialFrame, type FrameState } from './frame';
import { electionCountdown, nextRecordedTick, nextTick } from './election-timer';
import { Timeline } from './timeline';

function timeline(w: World): Timeline {
  const tl = new Timeline(w.kernel.trace, initialFrame(w.members.map((m) => m.name)), 500);
  tl.ingest();
  return tl;
}

const frameOf = (w: World): FrameState => {
  const tl = timeline(w);
  return tl.frameAt(tl.length);
};

/** The world's next raft tick, from its kernel queue. */
function kernelNextTick(w: World): number | undefined {
  const ticks = w.kernel.pending().filter((timer) => !timer.cancelled && timer.label.endsWith(' tick') && timer.time > w.now);
  return ticks.length === 0 ? undefined : Math.min(...ticks.map((timer) => timer.time));
}

const request = (label: string, req: RequestOpInput): InputRequest => ({ type: 'request', client: 'c1', label, request: req });

describe('election timer', () => {
  it("counts down each follower's own randomized timeout, by the ticks its raft counted", () => {
    const w = new World({ members: 5, seed: 3, network: { latency: { kind: 'uniform', min: 10, max: 20 } } });
    const tickMs = w.config.tickMs;
    const totals = new Set<number>();
    let checked = 0;
    // Every 37 ms through start-up (adjustTicks' fast-forward, the first election), then every 250 ms.
    const samples = [...Array.from({ length: 27 }, (_, i) => 37 * (i + 1)), ...Array.from({ length: 20 }, (_, i) => 1250 + 250 * i)];
    for (const until of samples) {
      w.runFor(until - w.now);
      const f = frameOf(w);
      for (const m of w.members) {
        const raft = m.node.rawNode.raft;
        const c = electionCountdown(f.timers[m.name], w.now, tickMs);
        expect(c).toBeDefined();
        // The arc's whole is the timeout this member drew, not the base timeout.
        expect(c?.totalMs).toBe(raft.randomizedElectionTimeout * tickMs);
        totals.add(c?.totalMs as number);
        if (m.isLeader) continue;
        expect(raft.randomizedElectionTimeout).toBeGreaterThanOrEqual(w.config.electionTicks);
        expect(raft.randomizedElectionTimeout).toBeLessThan(2 * w.config.electionTicks);
        expect(c?.elapsedTicks).toBe(raft.electionElapsed);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // Start-up fast-forwarded the members' ticks, and the countdown counted them.
    expect(w.kernel.trace.all().filter((e) => e.kind === 'server.ticks.advance').length).toBe(5);
    // Members drew different timeouts at this seed.
    expect(totals.size).toBeGreaterThan(1);
  });

  it('reaches zero on the tick where a follower cut off from its leader campaigns', () => {
    const w = new World({ members: 3, seed: 5, preVote: true });
    w.runUntilTrue(() => w.leader() !== undefined, 5000);
    w.runFor(1003.5);
    const leader = w.leader() as NonNullable<ReturnType<World['leader']>>;
    w.input({ type: 'crash', member: leader.name });
    w.runFor(5000);
    const tl = timeline(w);
    const crashAt = tl.indexAtTime(w.inputs.at(-1)?.t as number);
    const campaign = (w.kernel.trace.all() as { seq: number; t: number; kind: string; text?: unknown; source: string }[]).find(
      (e) => e.seq >= crashAt && e.kind === 'raft.log' && / became pre-candidate /.test(String(e.text)),
    );
    expect(campaign).toBeDefined();
    const { t, seq, source } = campaign as { t: number; seq: number; source: string };
    const before = tl.frameAt(seq);
    const tickMs = w.config.tickMs;
    // Half a tick before, the arc has half a tick left; at the campaign, none.
    expect(electionCountdown(before.timers[source], t - tickMs / 2, tickMs)?.leftMs).toBeCloseTo(tickMs / 2, 6);
    expect(electionCountdown(before.timers[source], t, tickMs)?.leftMs).toBeCloseTo(0, 6);
  });
});

describe('next raft tick from the trace', () => {
  it("is the kernel's next tick timer, also after members restart off the tick grid", () => {
    const w = new World({ members: 3, seed: 7, network: { latency: { kind: 'uniform', min: 10, max: 20 } } });
    const tickMs = w.config.tickMs;
    const check = () => {
      const f = frameOf(w);
      expect(nextTick(f.timers, w.now, tickMs)).toBeCloseTo(kernelNextTick(w) as number, 6);
    };
    w.runFor(1537.25);
    check();
    w.input({ type: 'crash', member: 'm2' });
    w.runFor(333.3);
    w.input({ type: 'restart', member: 'm2' });
    w.input({ type: 'crash', member: 'm1' });
    w.input({ type: 'crash', member: 'm3' });
    // Only m2 runs, ticking off the grid of time 0.
    for (let i = 0; i < 12; i++) {
      w.runFor(37.7);
      check();
    }
    w.input({ type: 'restart', member: 'm1' });
    for (let i = 0; i < 12; i++) {
      w.runFor(41.3);
      check();
    }
    w.input({ type: 'crash', member: 'm1' });
    w.input({ type: 'crash', member: 'm2' });
    expect(nextTick(frameOf(w).timers, w.now, tickMs)).toBeUndefined();
    // With every member down, the recorded next tick is the first of the next to start.
    const down = w.now;
    w.runFor(55.55);
    w.input({ type: 'restart', member: 'm3' });
    const restart = w.now;
    w.runFor(500);
    const tl = timeline(w);
    expect(nextRecordedTick(tl, tl.indexAtTime(down + 1), down + 1, tickMs)).toBeCloseTo(restart + tickMs, 6);
    expect(nextRecordedTick(tl, tl.indexAtTime(restart + 1), restart + 1, tickMs)).toBeCloseTo(restart + tickMs, 6);
  });
});

describe("leader's Progress view", () => {
  it('shows an added learner as a learner, then promoted, and drops a removed member', () => {
    const w = new World({ members: 3, seed: 2, clients: [{}] });
    w.runFor(6500);
    const leader = () => w.leader() as NonNullable<ReturnType<World['leader']>>;
    /** The leader's peers as its ServerView and as the page's frame show them: "name learner". */
    const views = () => {
      const f = frameOf(w);
      const names = new Map(w.members.map((m) => [m.view().id, m.name]));
      const server = leader()
        .view()
        .progress.map((p) => `${names.get(p.id)} ${p.learner}`)
        .sort();
      const page = (f.members.find((m) => m.name === leader().name)?.progress ?? []).map((p) => `${p.peer} ${p.learner}`);
      return { server, page };
    };
    w.input(request('add', { op: 'member-add', peerURLs: ['http://m4:2380'], learner: true }));
    w.runFor(500);
    w.input({ type: 'member-join', member: 'm4' });
    expect(w.runUntilTrue(() => w.member('m4').isRunning && leader().view().progress.some((p) => p.id === w.member('m4').view().id && p.match > 0), 10_000)).toBe(true);
    w.runFor(300);
    const others = w.members.filter((m) => m !== leader() && m.name !== 'm4').map((m) => m.name);
    let v = views();
    expect(v.server).toEqual([...others.map((n) => `${n} false`), 'm4 true'].sort());
    expect(v.page).toEqual(v.server);

    w.input(request('promote', { op: 'member-promote', member: 'm4' }));
    w.runFor(2000);
    v = views();
    expect(v.server).toContain('m4 false');
    expect(v.page).toEqual(v.server);

    const removed = others[0];
    w.input(request('remove', { op: 'member-remove', member: removed }));
    w.runFor(2000);
    v = views();
    expect(v.server).toEqual([...others.slice(1), 'm4'].map((n) => `${n} false`).sort());
    expect(v.page).toEqual(v.server);
    expect(w.violations).toEqual([]);
  });
});
