import { describe, expect, it } from 'vitest';
import { MemoryPeak, runSampled } from './memory';

describe('memory peak', () => {
  it('keeps the highest rss and heap readings, each on its own', () => {
    const readings = [
      { rss: 100, heapUsed: 50 },
      { rss: 300, heapUsed: 40 },
      { rss: 200, heapUsed: 90 },
    ];
    let i = 0;
    const peak = new MemoryPeak(() => readings[i++]);
    for (let n = 0; n < 3; n++) peak.sample();
    expect(peak).toMatchObject({ rss: 300, heapUsed: 90, samples: 3 });
  });

  it('runs in slices up to the end, sampling before and after each', () => {
    const steps: number[] = [];
    const peak = new MemoryPeak(() => ({ rss: steps.length, heapUsed: 0 }));
    runSampled((to) => steps.push(to), 2500, 1000, peak);
    expect(steps).toEqual([1000, 2000, 2500]);
    expect(peak.samples).toBe(4);
    expect(peak.rss).toBe(3);
  });

  it('refuses a slice that would never end', () => {
    expect(() => runSampled(() => undefined, 10, 0, new MemoryPeak())).toThrow(/slice must be positive, got 0/);
  });
});
