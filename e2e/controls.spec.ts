import { expect, test } from '@playwright/test';
import { pause, snapshot } from './sim-handle';

test.beforeEach(async ({ page }) => {
  await page.goto('/?speed=1');
  await page.waitForTimeout(300);
  await pause(page);
});

test('crash and restart a member', async ({ page }) => {
  await page.getByTestId('crash-m2').click();
  await expect(page.getByTestId('member-m2')).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId('ring-m2')).toHaveAttribute('data-status', 'crashed');
  expect((await snapshot(page)).inputs.map((r) => r.input)).toEqual([{ type: 'crash', member: 'm2' }]);
  await page.getByTestId('restart-m2').click();
  await expect(page.getByTestId('ring-m2')).toHaveAttribute('data-status', 'running');
  expect((await snapshot(page)).inputs.at(-1)?.input).toEqual({ type: 'restart', member: 'm2' });
});

test('isolate a member, split off a minority, heal', async ({ page }) => {
  await page.getByTestId('isolate-m3').click();
  await expect(page.getByTestId('partition-state')).toContainText('{m3} | {m1, m2, m4, m5}');
  await expect(page.getByTestId('cut-link')).toHaveCount(4);
  await page.getByTestId('split-minority').click();
  await expect(page.getByTestId('cut-link')).toHaveCount(6);
  await page.getByTestId('heal').click();
  await expect(page.getByTestId('partition-state')).toContainText('Network whole');
  await expect(page.getByTestId('cut-link')).toHaveCount(0);
  expect((await snapshot(page)).inputs.map((r) => r.input.type)).toEqual(['partition', 'partition', 'heal']);
  // Partitioned sends are recorded as such in the trace.
  await page.getByTestId('isolate-m1').click();
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play-pause').click();
  await page.waitForTimeout(400);
  const partitioned = await page.evaluate(() => {
    const w = (window as unknown as { etcdSim: { loop: { world: { net: { stats: { partitioned: number } } } } } }).etcdSim.loop.world;
    return w.net.stats.partitioned;
  });
  expect(partitioned).toBeGreaterThan(0);
});

test('network conditions', async ({ page }) => {
  await page.getByTestId('network').selectOption({ label: 'lossy (10% drop)' });
  await expect.poll(async () => (await snapshot(page)).network.drop).toBe(0.1);
});

test('keyboard: arrows step, brackets change speed', async ({ page }) => {
  const fired = Number(await page.getByTestId('fired').textContent());
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('fired')).toHaveText(String(fired + 1));
  const index = Number(await page.getByTestId('trace-index').textContent());
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('trace-index')).toHaveText(String(index - 1));
  await page.keyboard.press(']');
  await expect(page.getByTestId('speed')).toHaveValue('2');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(page.getByTestId('speed')).toHaveValue('0.5');
});

test('narration shows trace events, every event on request', async ({ page }) => {
  await page.getByTestId('crash-m4').click();
  await expect(page.getByTestId('narration').locator('li[data-kind="world.input"]', { hasText: 'crash' })).toHaveCount(1);
  await expect(page.getByTestId('narration').locator('li[data-kind="net.send"]')).toHaveCount(0);
  await page.getByLabel('every event (messages too)').check();
  await expect(page.getByTestId('narration').locator('li[data-kind="net.send"]').first()).toBeVisible();
});

test('stop a member, slow its disk, transfer leadership', async ({ page }) => {
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play-pause').click();
  const leader = page.locator('[data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: 20_000 });
  const leaderName = ((await leader.getAttribute('data-testid')) ?? '').replace('ring-', '');
  const target = ['m1', 'm2', 'm3'].find((m) => m !== leaderName) as string;
  await page.getByTestId(`transfer-${target}`).click();
  await expect(page.getByTestId(`ring-${target}`)).toHaveAttribute('data-role', 'leader', { timeout: 20_000 });
  await page.getByTestId('slow-disk-m4').check();
  await expect(page.getByTestId('slow-disk-m4')).toBeChecked();
  await page.getByTestId('stop-m5').click();
  await expect(page.getByTestId('ring-m5')).toHaveAttribute('data-status', 'crashed');
  const types = await page.evaluate(() =>
    (window as unknown as { etcdSim: { loop: { world: { inputs: { input: { type: string } }[] } } } }).etcdSim.loop.world.inputs.map((r) => r.input.type),
  );
  expect(types).toEqual(['transfer-leader', 'disk', 'stop']);
});
