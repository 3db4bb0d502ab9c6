// Stepping forward by a trace event, to the next message delivery, or to the next raft tick.
import { expect, test, type Page } from '@playwright/test';
import { pause } from './sim-handle';

type Loop = import('../src/ui/sim-loop').SimLoop;
type Win = { etcdSim: { loop: Loop } };

// A 20 ms tick and 200-300 ms latency keep messages in flight at every moment.
const config = { seed: 3, members: 3, tickMs: 20, electionTicks: 50, network: { latency: { kind: 'uniform', min: 200, max: 300 } } };

const shownMs = async (page: Page) => Math.round(parseFloat((await page.getByTestId('virtual-time').textContent()) ?? '') * 1000);

test.beforeEach(async ({ page }) => {
  await page.goto(`/?speed=1&config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForTimeout(500);
  await pause(page);
});

test('step to the next message delivery', async ({ page }) => {
  // At the live edge, the messages in flight and when the first of them arrives.
  const before = await page.evaluate(() => {
    const loop = (window as unknown as Win).etcdSim.loop;
    const flights = loop.timeline.flightsAt(loop.timeline.length, loop.world.now);
    return { now: loop.world.now, due: Math.min(...flights.map((f) => f.due)), delivered: loop.world.net.stats.delivered, inFlight: flights.length };
  });
  expect(before.inFlight).toBeGreaterThan(0);
  await page.getByTestId('step-unit').selectOption('delivery');
  await expect(page.getByTestId('step')).toHaveAccessibleName('Step to the next message delivery');
  await page.getByTestId('step').click();
  await expect(page.getByTestId('mode')).toHaveText('paused');
  await expect.poll(() => shownMs(page)).toBe(Math.round(before.due));
  const after = await page.evaluate(() => (window as unknown as Win).etcdSim.loop.world.net.stats.delivered);
  expect(after).toBeGreaterThan(before.delivered);
});

test('step to the next tick, live and in the recorded past', async ({ page }) => {
  await page.getByTestId('step-unit').selectOption('tick');
  // The exact cursor time (the display rounds to the millisecond: 599.6 ms shows as 600).
  const t0 = await page.evaluate(() => {
    const loop = (window as unknown as Win).etcdSim.loop;
    if (!loop.atLiveEdge) throw new Error('paused away from the live edge');
    return loop.world.now;
  });
  await page.getByTestId('step').click();
  // Members started together tick on the 20 ms grid: the next tick is the next multiple.
  const next = (Math.floor(t0 / 20) + 1) * 20;
  await expect.poll(() => shownMs(page)).toBe(next);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => shownMs(page)).toBe(next + 20);
  // Back in the recorded past, the same steps land on the same ticks.
  await page.evaluate((t) => (window as unknown as Win).etcdSim.loop.seek(t), next - 30);
  await page.getByTestId('step').click();
  await expect.poll(() => shownMs(page)).toBe(next - 20);
});

test('step to the next tick of a member restarted off the tick grid, live and in the recorded past', async ({ page }) => {
  await page.getByTestId('step-unit').selectOption('tick');
  // Every member down, then m2 restarts 7.25 ms off the 20 ms grid: it ticks on its own.
  const restartAt = await page.evaluate(() => {
    const loop = (window as unknown as Win).etcdSim.loop;
    for (const member of ['m1', 'm2', 'm3']) loop.input({ type: 'crash', member });
    loop.world.runFor(20 - (loop.world.now % 20) + 7.25);
    loop.timeline.ingest();
    loop.goLive();
    loop.input({ type: 'restart', member: 'm2' });
    return loop.world.now;
  });
  expect(restartAt % 20).toBeCloseTo(7.25, 6);
  await page.getByTestId('step').click();
  await expect.poll(() => shownMs(page)).toBe(Math.round(restartAt + 20));
  await page.getByTestId('step').click();
  await expect.poll(() => shownMs(page)).toBe(Math.round(restartAt + 40));
  // Back in the recorded past, the steps land on m2's ticks, not on the grid of time 0.
  await page.evaluate((t) => (window as unknown as Win).etcdSim.loop.seek(t), restartAt + 5);
  await page.getByTestId('step').click();
  await expect.poll(() => shownMs(page)).toBe(Math.round(restartAt + 20));
  await page.getByTestId('step').click();
  await expect.poll(() => shownMs(page)).toBe(Math.round(restartAt + 40));
});

test('step to the next event still fires one kernel event', async ({ page }) => {
  await page.getByTestId('step-unit').selectOption('tick');
  await page.getByTestId('step-unit').selectOption('event');
  const fired = Number(await page.getByTestId('fired').textContent());
  await page.getByTestId('step').click();
  await expect(page.getByTestId('fired')).toHaveText(String(fired + 1));
});
