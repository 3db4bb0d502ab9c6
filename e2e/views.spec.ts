// The key-value, log and client views show the simulation at the cursor (time travel).
import { expect, test } from '@playwright/test';
import { pause } from './sim-handle';

test('key-value view: keys with revisions at the cursor; scrubbing back shows an older store', async ({ page }) => {
  await page.goto('/?speed=10');
  const revision = page.getByTestId('kv-revision');
  await expect.poll(async () => Number(await revision.textContent()), { timeout: 30_000 }).toBeGreaterThan(5);
  await pause(page);
  const now = Number(await revision.textContent());
  const keys = page.getByTestId('kv-keys').locator('tbody tr');
  expect(await keys.count()).toBeGreaterThan(0);
  // Each key's mod revision is at most the store's revision.
  for (const cells of await keys.evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')))) {
    expect(Number(cells[1])).toBeLessThanOrEqual(now);
  }
  await page.getByTestId('scrubber').fill('1500');
  await expect.poll(async () => Number(await revision.textContent())).toBeLessThan(now);
  await page.getByTestId('go-live').click();
  await expect(revision).toHaveText(String(now));
});

test('log view: entry terms, markers and the leader\'s Progress of each follower', async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.getByTestId('progress').locator('tbody tr')).toHaveCount(4, { timeout: 30_000 });
  await pause(page);
  const states = await page.getByTestId('progress').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
  for (const s of states) expect(s).toMatch(/^State(Probe|Replicate|Snapshot)$/);
  await expect(page.getByTestId('log-grid').locator('td.entry.applied').first()).toBeVisible();
});

test('client swimlanes: each request with its attempts and endpoint; subchannel states', async ({ page }) => {
  await page.goto('/?speed=10');
  const lanes = page.getByTestId('client-lanes').locator('li.lane-item');
  await expect.poll(() => lanes.count(), { timeout: 30_000 }).toBeGreaterThan(1);
  await pause(page);
  await expect(lanes.first().locator('.steps li.attempt').first()).toContainText(/attempt 0 → m\d:2379/);
  await expect(page.getByTestId('endpoints-c1').locator('tr[data-state="READY"]').first()).toBeVisible();
  await expect(page.getByTestId('endpoints-c1')).toContainText('▶ next pick');
  // A crashed member's subchannel leaves READY and a request to it shows the error.
  await page.getByTestId('crash-m1').click();
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('endpoint-c1-m1:2379')).not.toHaveAttribute('data-state', 'READY', { timeout: 20_000 });
});
