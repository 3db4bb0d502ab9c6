// "Check this run's history": a normal run is linearizable; a non-linearizable history
// shows its smallest window, and the jump moves the cursor there.
import { expect, test } from '@playwright/test';
import type { HistoryEvent } from '../src/sim/check/linearizability/history';

type Handle = { etcdSim: { checkHistory(events?: HistoryEvent[]): Promise<void> } };

test("a normal run's history is linearizable", async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  await page.waitForTimeout(3000);
  await page.getByTestId('check-history').click();
  const verdict = page.getByTestId('check-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'linearizable', { timeout: 30_000 });
  const ops = Number(/(\d+) operations checked/.exec((await verdict.textContent()) ?? '')?.[1]);
  expect(ops).toBeGreaterThan(0);
  await expect(page.getByTestId('check-window')).toHaveCount(0);
});

test('a stale read shows the smallest non-linearizable window and the jump moves the cursor to it', async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  await page.waitForTimeout(1500);
  await page.getByTestId('play-pause').click();
  // A read that returns nothing after a write of the key was acknowledged (times in the run).
  const stale: HistoryEvent[] = [
    { process: 0, type: 'invoke', f: 'put', key: 'a', value: '1', t: 200 },
    { process: 0, type: 'ok', f: 'put', key: 'a', revision: 2, t: 240 },
    { process: 1, type: 'invoke', f: 'get', key: 'a', t: 300 },
    { process: 1, type: 'ok', f: 'get', key: 'a', result: { kv: { key: 'a', value: '1', modRevision: 2, version: 1 } }, revision: 2, t: 320 },
    { process: 2, type: 'invoke', f: 'get', key: 'a', t: 400 },
    { process: 2, type: 'ok', f: 'get', key: 'a', result: { kv: null }, t: 410 },
  ];
  await page.evaluate((events) => (window as unknown as Handle).etcdSim.checkHistory(events), stale);
  await expect(page.getByTestId('check-verdict')).toHaveAttribute('data-verdict', 'not-linearizable');
  const window = page.getByTestId('check-window');
  await expect(window).toContainText('0.300 s to 0.410 s');
  await expect(window.locator('li.stuck')).toContainText('get("a") → absent');
  await window.getByTestId('check-jump').click();
  await expect(page.getByTestId('virtual-time')).toHaveText('0.300 s');
  await expect(page.getByTestId('mode')).toHaveText('paused');
});
