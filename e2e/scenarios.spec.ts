import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { library, loadScenario, runScenarioAsync } from '../src/scenarios';

// Every library scenario opens from its URL, plays to the end in the page (at the fastest
// speed: the lesson has been played once in the page and the cursor runs over its trace),
// and shows every expectation passing; the page's trace hash is the one Node computes.

interface Handle {
  etcdSim: { lesson(): { report: { traceHash: string; passed: boolean } } | undefined };
}

function pageReport(page: Page): Promise<{ traceHash: string; passed: boolean } | undefined> {
  return page.evaluate(() => (window as unknown as Handle).etcdSim.lesson()?.report);
}

async function playToEnd(page: Page): Promise<void> {
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('lesson-status')).toContainText('finished', { timeout: 20_000 });
}

for (const s of library) {
  test(`${s.name}: plays to the end in the page with every expectation passing, same trace hash as Node`, async ({ page }) => {
    await page.goto(`/?scenario=${s.name}&seed=${s.seed}&speed=Infinity`);
    await expect(page.getByTestId('lesson-status')).toContainText(/^step 1 of/);
    await playToEnd(page);
    await expect(page.getByTestId('expectation')).toHaveCount(s.expectations.length);
    await expect(page.locator('[data-testid="expectation"][data-status="pass"]')).toHaveCount(s.expectations.length);
    const report = await pageReport(page);
    expect(report?.passed).toBe(true);
    expect(report?.traceHash).toBe((await runScenarioAsync(s)).traceHash);
  });
}

test('a lesson is told step by step; a screenshot of the new leader after the crash', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.goto('/?scenario=leader-crash&seed=2');
  const status = page.getByTestId('lesson-status');
  const expectation = page.getByTestId('expectation');
  await expect(status).toContainText('step 1 of 7 at 0.000 s');
  await expect(page.getByTestId('lesson-prev')).toBeDisabled();
  await expect(expectation.first()).toHaveAttribute('data-status', 'pending');
  await expect(expectation.first()).toHaveAccessibleName(/^pending: request before succeeds/);
  for (let i = 0; i < 4; i++) await page.getByTestId('lesson-next').click();
  await expect(status).toContainText('step 5 of 7');
  await expect(page.locator('.lesson-steps [aria-current="step"]')).toContainText(/leads\.$/);
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1);
  await expect(expectation.first()).toHaveAttribute('data-status', 'pass');
  await expect(expectation.first()).toHaveAccessibleName(/^passing: /);
  const shot = await page.screenshot({ path: testInfo.outputPath('leader-crash-new-leader.png'), fullPage: true });
  await testInfo.attach('leader-crash: a new leader after the crash', { body: shot, contentType: 'image/png' });
  const axe = await new AxeBuilder({ page }).include('.lesson-panel').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByTestId('lesson-prev').click();
  await expect(status).toContainText('step 4 of 7 at 3.000 s');
  const report = await pageReport(page);
  expect(report?.traceHash).toBe((await runScenarioAsync(loadScenario('leader-crash'), 2)).traceHash);
});

test('figure-8: a screenshot of the new leader holding the older-term entry on a majority', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.goto('/?scenario=figure-8');
  for (let i = 0; i < 4; i++) await page.getByTestId('lesson-next').click();
  await expect(page.locator('.lesson-steps [aria-current="step"]')).toContainText('must not commit x=old by counting');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1);
  const shot = await page.screenshot({ path: testInfo.outputPath('figure-8-new-leader.png'), fullPage: true });
  await testInfo.attach('figure-8: the new leader and the older-term entry', { body: shot, contentType: 'image/png' });
});

test('a scenario file opens as a lesson; a bad one is refused naming the field', async ({ page }) => {
  await page.goto('/?speed=Infinity');
  const doc = { version: 1, name: 'tiny', title: 'Tiny lesson', description: 'A leader is elected.', seed: 3, world: { members: 3 }, steps: [{ when: { type: 'leader' }, narration: 'A leader.' }], durationMs: 3000, expectations: [{ type: 'one-leader', byMs: 3000 }] };
  const input = page.getByTestId('scenario-import');
  await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...doc, version: 2 })) });
  await expect(page.getByTestId('error')).toContainText('bad.json: invalid scenario:');
  await expect(page.getByTestId('error')).toContainText('version: this file uses scenario format 2');
  await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...doc, steps: [{ at: 5, narration: 'x', actions: [{ type: 'crash' }] }] })) });
  await expect(page.getByTestId('error')).toContainText('steps.0.actions.0.member');
  await input.setInputFiles({ name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await expect(page.getByTestId('lesson')).toContainText('Tiny lesson (seed 3)');
  await playToEnd(page);
  await expect(page.locator('[data-testid="expectation"][data-status="pass"]')).toHaveCount(1);
  expect((await pageReport(page))?.traceHash).toBe((await runScenarioAsync(loadScenario(doc))).traceHash);
});

test('a session recorded in the page saves as a scenario that replays it in Node', async ({ page }) => {
  await page.goto('/?scenario=leader-minority-partition&speed=Infinity');
  await playToEnd(page);
  await page.getByTestId('record-name').fill('my-partition');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('record-save').click()]);
  expect(download.suggestedFilename()).toBe('my-partition.json');
  const saved = loadScenario(readFileSync(await download.path(), 'utf8'));
  const replay = await runScenarioAsync(saved);
  expect(replay.passed).toBe(true);
  expect(replay.traceHash).toBe((await pageReport(page))?.traceHash);
});
