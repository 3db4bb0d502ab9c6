import { expect, test } from '@playwright/test';

test('the page opens on a running default cluster', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'etcd-sim' })).toBeVisible();
  await expect(page.getByTestId('cluster-ring').locator('[data-testid^="ring-m"]')).toHaveCount(5);
  await expect(page.getByTestId('mode')).toHaveText('playing');
  const t0 = await page.getByTestId('virtual-time').textContent();
  await expect(page.getByTestId('virtual-time')).not.toHaveText(t0 ?? '');
});

test('pause stops virtual time; step fires exactly one event', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('mode')).toHaveText('paused');
  const time = await page.getByTestId('virtual-time').textContent();
  const fired = Number(await page.getByTestId('fired').textContent());
  await page.waitForTimeout(300);
  await expect(page.getByTestId('virtual-time')).toHaveText(time ?? '');
  await page.getByTestId('step').click();
  await expect(page.getByTestId('fired')).toHaveText(String(fired + 1));
  await expect(page.getByTestId('mode')).toHaveText('paused');
});

test('keyboard: space toggles play and pause', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('mode')).toHaveText('playing');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('mode')).toHaveText('paused');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('mode')).toHaveText('playing');
});

test('speed control changes how fast virtual time runs', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('speed').selectOption('10');
  await page.waitForTimeout(500);
  const seconds = parseFloat((await page.getByTestId('virtual-time').textContent()) ?? '0');
  expect(seconds).toBeGreaterThan(1);
});

test('a bad configuration in the URL shows a clear error', async ({ page }) => {
  await page.goto('/?members=1000');
  await expect(page.getByRole('alert')).toContainText('members: must be at most 51 (got 1000)');
});
