import { expect, test } from '@playwright/test';
import { pause, snapshot } from './sim-handle';

type Loop = import('../src/ui/sim-loop').SimLoop;

function seek(page: import('@playwright/test').Page, t: number) {
  return page.evaluate((to) => (window as unknown as { etcdSim: { loop: Loop } }).etcdSim.loop.seek(to), t);
}

test('scrubbing shows the past; Live returns; an input in the past forks the run', async ({ page }) => {
  await page.goto('/?speed=10');
  await page.waitForTimeout(300);
  await pause(page);
  await page.getByTestId('crash-m1').click();
  const crashAt = (await snapshot(page)).now;
  await page.getByTestId('play-pause').click();
  await page.waitForTimeout(400);
  await pause(page);
  const end = (await snapshot(page)).now;
  expect(end).toBeGreaterThan(crashAt);

  // Back before the crash: the ring shows m1 running and no message of the future.
  await seek(page, crashAt - 1);
  await expect(page.getByTestId('ring-m1')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('virtual-time')).toHaveText(`${((crashAt - 1) / 1000).toFixed(3)} s`);
  // The scrubber moves the cursor too.
  await page.getByTestId('scrubber').fill(String(end));
  await expect(page.getByTestId('ring-m1')).toHaveAttribute('data-status', 'crashed');
  await seek(page, crashAt / 2);
  await page.getByTestId('go-live').click();
  await expect(page.getByTestId('virtual-time')).toHaveText(`${(end / 1000).toFixed(3)} s`);

  // Fork: isolate m2 before the crash. The crash is not part of the new run.
  const forkAt = crashAt / 2;
  await seek(page, forkAt);
  await page.getByTestId('isolate-m2').click();
  await expect(page.getByTestId('mode')).toHaveText('paused');
  const forked = await snapshot(page);
  expect(forked.inputs.map((r) => r.input.type)).toEqual(['partition']);
  expect(forked.now).toBeCloseTo(forkAt, 6);
  await expect(page.getByTestId('ring-m1')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('partition-state')).toContainText('{m2}');
  // The fork equals a headless replay of the same inputs.
  const replayed = await page.evaluate(({ inputs, until }) => {
    const { World, loop } = (window as unknown as { etcdSim: { World: typeof import('../src/sim/world/world').World; loop: Loop } }).etcdSim;
    return World.replay(loop.world.config, inputs as never, until).hash();
  }, { inputs: forked.inputs, until: forked.now });
  expect(replayed).toBe(forked.hash);
});

test('playing from a past cursor replays the record up to the live edge', async ({ page }) => {
  await page.goto('/?speed=10');
  await page.waitForTimeout(300);
  await pause(page);
  const end = (await snapshot(page)).now;
  await seek(page, end / 2);
  const index = Number(await page.getByTestId('trace-index').textContent());
  await page.getByTestId('step').click();
  await expect(page.getByTestId('trace-index')).toHaveText(String(index + 1));
  expect((await snapshot(page)).now).toBe(end);
  await page.getByTestId('play-pause').click();
  await expect.poll(async () => (await snapshot(page)).now, { timeout: 5000 }).toBeGreaterThan(end);
});
