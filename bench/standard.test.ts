import { describe, expect, it } from 'vitest';
import { World } from '../src/sim/world/world';
import { standardConfig, standardFigures } from './standard';

describe('standard workload', () => {
  it('offers about 100 puts per virtual second, and its figures count what the cluster did', () => {
    const world = new World(standardConfig());
    world.runUntil(10_000);
    const events = world.client('c1').history.events;
    const invoked = events.filter((e) => e.type === 'invoke');
    expect(invoked.every((e) => e.f === 'put')).toBe(true);
    // After the first election (about a second), 100 per second give 800-1,000.
    expect(invoked.length).toBeGreaterThan(800);
    expect(invoked.length).toBeLessThan(1100);

    const figures = standardFigures('x', world, 10, { wall: 2 });
    const value = (name: string) => figures.find((f) => f.name === `x.${name}`);
    expect(value('virtual_seconds_per_wall_second')).toMatchObject({ value: 5, unit: 'x', members: 5, virtual_s: 10 });
    const puts = value('completed_puts_per_wall_second')!;
    const committed = value('committed_proposals_per_wall_second')!;
    const applied = value('applied_proposals_per_wall_second')!;
    expect(puts.puts).toBe(events.filter((e) => e.type === 'ok').length);
    expect(puts.value).toBe(Math.round((puts.puts as number) / 2));
    // Every put is an entry; the bootstrap and election add a few more.
    expect(committed.committed).toBeGreaterThan(puts.puts as number);
    expect(applied.applied).toBeLessThanOrEqual(committed.committed as number);
    expect(applied.applied).toBe(Math.min(...world.members.map((m) => m.appliedIndex)));
    expect(figures.every((f) => !('per_cpu_second' in f))).toBe(true);
  });
});
