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

test('cluster ring: election timer arcs on followers, fsync badges on a slow disk, client lines by subchannel state', async ({ page }) => {
  await page.goto('/?speed=10');
  const leader = page.locator('[data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: 30_000 });
  await pause(page);
  const leaderName = ((await leader.getAttribute('data-testid')) ?? '').replace('ring-', '');
  await expect(page.locator('[data-testid^="timer-"]')).toHaveCount(4);
  await expect(page.getByTestId(`timer-${leaderName}`)).toHaveCount(0);
  // Each arc's whole is the timeout its member drew in [1, 2) × the 1 s election timeout.
  const timeouts = await page.locator('[data-testid^="timer-"]').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-timeout-ms'))));
  for (const ms of timeouts) expect(ms >= 1000 && ms < 2000).toBe(true);
  expect(new Set(timeouts).size).toBeGreaterThan(1);
  await expect(page.locator('.endpoint-line[data-state="READY"]')).toHaveCount(5);
  const follower = ['m1', 'm2', 'm3'].find((m) => m !== leaderName) as string;
  await page.getByTestId(`slow-disk-${follower}`).check();
  await page.getByTestId('speed').selectOption('0.25');
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId(`ring-${follower}`)).toHaveAttribute('data-fsync', 'true', { timeout: 30_000 });
  await expect(page.getByTestId(`ring-${follower}`)).toHaveAttribute('aria-label', /fsync running for \d+ ms/);
  // A crashed leader's followers hear nothing: their timers run down. At 0.25× the
  // countdown lasts 4-8 s of wall time.
  await page.getByTestId(`crash-${leaderName}`).click();
  await expect
    .poll(async () => Math.min(...(await page.locator('[data-testid^="timer-"]').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-left')))))), {
      timeout: 20_000,
      intervals: [50],
    })
    .toBeLessThan(0.3);
});

test('narration: clicking a line moves the cursor to its time', async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 30_000 });
  await pause(page);
  const first = page.getByTestId('narration').locator('button.when').first();
  const label = (await first.textContent()) ?? '';
  await first.click();
  const t = Number(label.replace(' ms', ''));
  // The clock shows whole milliseconds: a line at 1913.5 ms may read 1.914 s.
  await expect
    .poll(async () => Math.abs(Number((await page.getByTestId('virtual-time').textContent())?.replace(' s', '')) * 1000 - t))
    .toBeLessThan(0.501);
});

test('space-time diagram zooms out to seconds and in to milliseconds before the cursor', async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(async () => Number((await page.getByTestId('virtual-time').textContent())?.replace(' s', '')), { timeout: 30_000 }).toBeGreaterThan(6);
  await pause(page);
  const diagram = page.getByTestId('space-time');
  const shown = page.getByTestId('space-time-window');
  // The strokes are drawn on a canvas: compare its pixels.
  const strokes = () => page.getByTestId('space-time-strokes').locator('canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  await expect(shown).toHaveText('600 ms before the cursor');
  const start = await strokes();
  // Out, by keyboard: a wider window, each message drawn narrower.
  await page.getByTestId('space-time-zoom-out').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(shown).toContainText('2400 ms before the cursor');
  await expect(diagram).toHaveAttribute('data-window-ms', '2400');
  await expect(diagram).toHaveAttribute('aria-label', /in the 2400 ms before the cursor/);
  await expect(diagram).toContainText('−2400 ms');
  expect(await strokes()).not.toEqual(start);
  await page.getByTestId('space-time-zoom-out').click();
  await expect(diagram).toHaveAttribute('data-window-ms', '4800');
  await expect(page.getByTestId('space-time-zoom-out')).toBeDisabled();
  // Back in to where it started: the same picture.
  for (let i = 0; i < 3; i++) await page.getByTestId('space-time-zoom-in').click();
  await expect(shown).toHaveText('600 ms before the cursor');
  expect(await strokes()).toEqual(start);
  // In: fewer messages fit, each drawn wider.
  await page.getByTestId('space-time-zoom-in').click();
  await page.getByTestId('space-time-zoom-in').click();
  await expect(shown).toHaveText('150 ms before the cursor');
  expect(await strokes()).not.toEqual(start);
  await page.getByTestId('space-time-zoom-in').click();
  await expect(diagram).toHaveAttribute('data-window-ms', '75');
  await expect(page.getByTestId('space-time-zoom-in')).toBeDisabled();
});

test('lost messages are marked on the ring and counted in the legend', async ({ page }) => {
  await page.goto('/?speed=0.25');
  await page.getByTestId('network').selectOption({ label: 'lossy (10% drop)' });
  await expect(page.getByTestId('legend-lost')).toBeVisible({ timeout: 30_000 });
  await pause(page);
  const marked = Number(await page.getByTestId('lost-messages').getAttribute('data-count'));
  const counted = Number(((await page.getByTestId('legend-lost').textContent()) ?? '').replace(/.*× /, ''));
  expect(marked).toBeGreaterThan(0);
  expect(marked).toBeLessThanOrEqual(counted);
});
