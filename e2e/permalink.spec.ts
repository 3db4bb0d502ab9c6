import { expect, test } from '@playwright/test';
import { pause, snapshot } from './sim-handle';

async function runWithFaults(page: import('@playwright/test').Page) {
  await page.goto('/?speed=10&seed=42');
  await page.waitForTimeout(200);
  await page.getByTestId('crash-m3').click();
  await page.waitForTimeout(200);
  await page.getByTestId('isolate-m1').click();
  await page.waitForTimeout(200);
  await pause(page);
}

test('a permalink reproduces the same screen', async ({ page, context }) => {
  await runWithFaults(page);
  const a = await snapshot(page);
  await page.getByTestId('permalink').click();
  const url = await page.getByTestId('permalink-url').inputValue();
  expect(page.url()).toBe(url);

  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('mode')).toHaveText('paused');
  await expect.poll(async () => (await snapshot(other)).screen).toBe(a.screen);
  const b = await snapshot(other);
  expect(b.hash).toBe(a.hash);
  expect(b.inputs).toEqual(a.inputs);
});

test('export and import round-trip a run', async ({ page, context }, testInfo) => {
  await runWithFaults(page);
  const a = await snapshot(page);
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = testInfo.outputPath('run.json');
  await (await download).saveAs(file);

  const other = await context.newPage();
  await other.goto('/');
  await other.getByTestId('import').setInputFiles(file);
  await expect(other.getByTestId('mode')).toHaveText('paused');
  await expect.poll(async () => (await snapshot(other)).screen).toBe(a.screen);
  expect((await snapshot(other)).hash).toBe(a.hash);
});

test('a newer or foreign run file shows a clear error', async ({ page }) => {
  await page.goto('/');
  const newer = JSON.stringify({ format: 'etcd-sim-run', version: 99, config: {}, inputs: [], cursor: 0 });
  await page.getByTestId('import').setInputFiles({ name: 'newer.json', mimeType: 'application/json', buffer: Buffer.from(newer) });
  await expect(page.getByTestId('error')).toContainText('Cannot import newer.json: run file version 99 is newer than this page understands');
  await page.getByTestId('import').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await expect(page.getByTestId('error')).toContainText('not an etcd-sim run');
});

test('a broken permalink shows a clear error', async ({ page }) => {
  await page.goto('/?run=bm90IGpzb24');
  await expect(page.getByRole('alert')).toContainText('run file is not valid JSON');
});
