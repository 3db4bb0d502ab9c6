import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { pause, typeInConsole } from './sim-handle';

test('no serious or critical accessibility violations', async ({ page }) => {
  await page.goto('/');
  await page.waitForTimeout(500);
  await pause(page);
  await page.getByTestId('isolate-m2').click();
  await page.getByTestId('permalink').click();
  await typeInConsole(page, 'get foo');
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});

test('roles are told by letter and label, not colour alone; focus is visible', async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.getByRole('img', { name: /^m1: / })).toBeVisible();
  // Once Raft runs in the world, the leader carries an "L" badge and says so in words.
  const raft = await page.evaluate(() => typeof (window as unknown as { etcdSim: { loop: { world: { leader?: unknown } } } }).etcdSim.loop.world.leader === 'function');
  if (raft) {
    const leader = page.locator('[data-role="leader"]');
    await expect(leader).toHaveCount(1, { timeout: 15_000 });
    await expect(leader.locator('.node-badge')).toContainText('L');
    await expect(leader).toHaveAttribute('aria-label', /leader, term \d+/);
  }
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).not.toBe('none');
});
