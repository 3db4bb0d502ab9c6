import { expect, test } from '@playwright/test';

// Screenshots are artefacts for people (under test-results/); the assertions check the
// page drew what the screenshot is meant to show.
test('screenshots: the default view and a partition', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 1300 });
  await page.goto('/?speed=2');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  await page.getByTestId('speed').selectOption('0.1');
  await expect(page.getByTestId('flights')).not.toHaveAttribute('data-count', '0');
  await page.screenshot({ path: testInfo.outputPath('default-view.png'), fullPage: true });
  await page.getByTestId('split-minority').click();
  await expect(page.getByTestId('partition-state')).toContainText('Partitioned: {m1, m2} | {m3, m4, m5}');
  await expect(page.getByTestId('cut-link')).toHaveCount(6);
  await page.getByTestId('speed').selectOption('2');
  await page.waitForTimeout(1500);
  await page.getByTestId('speed').selectOption('0.1');
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('partition.png'), fullPage: true });
});
