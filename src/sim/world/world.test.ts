import { describe, expect, it } from 'vitest';
import { World } from './world';
import { ConfigError, parseWorldConfig } from './config';

describe('world config', () => {
  it('fills etcd defaults', () => {
    const c = parseWorldConfig({});
    expect(c).toMatchObject({ members: 5, tickMs: 100, electionTicks: 10, heartbeatTicks: 1, seed: 1 });
  });

  it.each([
    [{ members: 0 }, /members: must be at least 1 \(got 0\)/],
    [{ members: 1000 }, /members: must be at most 15 \(got 1000\)/],
    [{ members: 2.5 }, /members: must be a whole number \(got 2.5\)/],
    [{ tickMs: -5 }, /tickMs: must be at least 1/],
    [{ electionTicks: 1, heartbeatTicks: 1 }, /electionTicks: election.*heartbeat|electionTicks must be greater/],
    [{ network: { drop: 2 } }, /network.drop: must be at most 1/],
    [{ network: { latency: { kind: 'warp' } } }, /network.latency/],
    [{ member: 3 }, /unknown field\(s\) "member"/],
  ])('rejects %j with a specific error', (input, message) => {
    expect(() => new World(input)).toThrow(ConfigError);
    expect(() => new World(input)).toThrow(message);
  });
});

describe('world', () => {
  it('runs member shells that ping each other', () => {
    const w = new World({ members: 3, seed: 9 });
    w.runFor(1000);
    for (const m of w.members) expect([...m.rtt.keys()].sort()).toEqual(w.members.filter((x) => x !== m).map((x) => x.name));
  });

  it('crash makes a member refuse; restart brings it back', () => {
    const w = new World({ members: 3, seed: 9 });
    w.runFor(500);
    w.input({ type: 'crash', member: 'm2' });
    w.runFor(500);
    expect(w.member('m2').status).toBe('crashed');
    expect(w.net.stats.refused).toBeGreaterThan(0);
    w.input({ type: 'restart', member: 'm2' });
    w.runFor(500);
    expect(w.member('m2').rtt.size).toBe(2);
  });

  it('rejects inputs naming unknown members or malformed', () => {
    const w = new World({ members: 3 });
    expect(() => w.input({ type: 'crash', member: 'm9' })).toThrow(/no member named "m9": members are m1, m2, m3/);
    expect(() => w.input({ type: 'partition', groups: [['m1'], ['x']] })).toThrow(/no member named "x"/);
    // @ts-expect-error deliberately malformed
    expect(() => w.input({ type: 'explode' })).toThrow(/invalid input/);
    expect(w.inputs).toEqual([]);
  });
});

describe('determinism', () => {
  const run = (seed: number) => {
    const w = new World({ members: 5, seed, network: { latency: { kind: 'longtail', min: 1, median: 4, max: 80 }, drop: 0.05, duplicate: 0.02, reorder: 0.1 } });
    w.runFor(2000);
    w.input({ type: 'partition', groups: [['m1', 'm2'], ['m3', 'm4', 'm5']] });
    w.runFor(1000);
    w.input({ type: 'crash', member: 'm3' });
    w.runFor(500);
    w.input({ type: 'heal' });
    w.input({ type: 'restart', member: 'm3' });
    w.runFor(1500);
    return w;
  };

  it('same seed and inputs give the same trace hash; another seed does not', () => {
    const a = run(11);
    const b = run(11);
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(a.hash()).toBe(b.hash());
    expect(a.kernel.trace.toJSONL()).toBe(b.kernel.trace.toJSONL());
    expect(run(12).hash()).not.toBe(a.hash());
  });

  it('a recorded run replays to the same trace', () => {
    const a = run(21);
    const b = World.replay(a.config, a.inputs, a.now);
    expect(b.hash()).toBe(a.hash());
  });
});
