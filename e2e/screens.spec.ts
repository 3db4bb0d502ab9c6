import { expect, test } from '@playwright/test';

test('screenshots: the default view and a partition', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto('/');
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('flights')).not.toHaveAttribute('data-count', '0');
  await page.screenshot({ path: testInfo.outputPath('default-view.png'), fullPage: true });
  await page.getByTestId('split-minority').click();
  await expect(page.getByTestId('partition-state')).toContainText('Partitioned: {m1, m2} | {m3, m4, m5}');
  await expect(page.getByTestId('cut-link')).toHaveCount(6);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: testInfo.outputPath('partition.png'), fullPage: true });
});
