import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { pause } from './sim-handle';

test('no serious or critical accessibility violations', async ({ page }) => {
  await page.goto('/');
  await page.waitForTimeout(500);
  await pause(page);
  await page.getByTestId('isolate-m2').click();
  await page.getByTestId('permalink').click();
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});

test('roles are told by letter and label, not colour alone; focus is visible', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('img', { name: 'm1: running' })).toBeVisible();
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).not.toBe('none');
});
