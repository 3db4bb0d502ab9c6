import { describe, expect, it } from 'vitest';
import { parseFigures, replaceBetweenMarkers, show, table } from './table';

describe('figures table', () => {
  it('shows big rates in millions, others grouped, with their units', () => {
    expect(show(1_115_808, 'events/s')).toBe('1.12 M/s');
    expect(show(1149, 'puts/s')).toBe('1,149/s');
    expect(show(11.6, 'x')).toBe('11.6');
    expect(show(1580.5, 'ms')).toBe('1,581 ms');
    expect(show(8.8, 'fps')).toBe('8.8 fps');
  });

  it('fills the rows it has figures for and leaves a dash for the others', () => {
    const figures = parseFigures(
      [
        'ui-fps: not json',
        '{"name":"scale.members.3.virtual_seconds_per_wall_second","value":4.7,"unit":"x","per_cpu_second":16.8}',
        '{"name":"scale.members.51.virtual_seconds_per_wall_second","value":0.6,"unit":"x","per_cpu_second":2}',
        '{"name":"ui.frames_per_second","value":8.8,"unit":"fps"}',
        '{broken',
      ].join('\n'),
    );
    expect(figures.size).toBe(3);
    const rows = table(figures).split('\n');
    expect(rows.find((r) => r.includes('51 members'))).toContain('| 4.7 / - / - / - / 0.6 | 16.8 / - / - / - / 2 |');
    expect(rows.find((r) => r.includes('ui.frames_per_second'))?.endsWith('| 8.8 fps |  |')).toBe(true);
    expect(rows.find((r) => r.includes('kernel.events'))).toMatch(/\| - \| - \|$/);
  });

  it('replaces only what lies between the markers, and says when they are missing', () => {
    const readme = 'a\n<!-- figures:start -->\nold\n<!-- figures:end -->\nb\n';
    expect(replaceBetweenMarkers(readme, 'new')).toBe('a\n<!-- figures:start -->\nnew\n<!-- figures:end -->\nb\n');
    expect(() => replaceBetweenMarkers('a\n', 'new')).toThrow(/no "<!-- figures:start -->"/);
  });
});
