import { expect, test, type Page } from '@playwright/test';
import { pause, snapshot } from './sim-handle';

test.beforeEach(async ({ page }) => {
  await page.goto('/?speed=1');
  await page.waitForTimeout(300);
  await pause(page);
});

test('crash and restart a member', async ({ page }) => {
  await page.getByTestId('crash-m2').click();
  await expect(page.getByTestId('member-m2')).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId('ring-m2')).toHaveAttribute('data-status', 'crashed');
  expect((await snapshot(page)).inputs.map((r) => r.input)).toEqual([{ type: 'crash', member: 'm2' }]);
  await page.getByTestId('restart-m2').click();
  await expect(page.getByTestId('ring-m2')).toHaveAttribute('data-status', 'running');
  expect((await snapshot(page)).inputs.at(-1)?.input).toEqual({ type: 'restart', member: 'm2' });
});

test('isolate a member, split off a minority, heal', async ({ page }) => {
  await page.getByTestId('isolate-m3').click();
  await expect(page.getByTestId('partition-state')).toContainText('{m3} | {m1, m2, m4, m5}');
  await expect(page.getByTestId('cut-link')).toHaveCount(4);
  await page.getByTestId('split-minority').click();
  await expect(page.getByTestId('cut-link')).toHaveCount(6);
  await page.getByTestId('heal').click();
  await expect(page.getByTestId('partition-state')).toContainText('Network whole');
  await expect(page.getByTestId('cut-link')).toHaveCount(0);
  expect((await snapshot(page)).inputs.map((r) => r.input.type)).toEqual(['partition', 'partition', 'heal']);
  // Sends across the partition stall (TCP retransmits them), recorded as such in the trace.
  await page.getByTestId('isolate-m1').click();
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play-pause').click();
  await expect
    .poll(async () => (await traced(page, 'net.stall')).filter((e) => e.stall === 'partition' && (String(e.from).startsWith('m1:') || String(e.to).startsWith('m1:'))).length, { timeout: 20_000 })
    .toBeGreaterThan(0);
});

test('network conditions', async ({ page }) => {
  await page.getByTestId('network').selectOption({ label: 'lossy (10% drop)' });
  await expect.poll(async () => (await snapshot(page)).network.drop).toBe(0.1);
});

test('keyboard: arrows step, brackets change speed', async ({ page }) => {
  const fired = Number(await page.getByTestId('fired').textContent());
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('fired')).toHaveText(String(fired + 1));
  const index = Number(await page.getByTestId('trace-index').textContent());
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('trace-index')).toHaveText(String(index - 1));
  await page.keyboard.press(']');
  await expect(page.getByTestId('speed')).toHaveValue('2');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(page.getByTestId('speed')).toHaveValue('0.5');
});

test('narration shows trace events, every event on request', async ({ page }) => {
  await page.getByTestId('crash-m4').click();
  await expect(page.getByTestId('narration').locator('li[data-kind="world.input"]', { hasText: 'crash' })).toHaveCount(1);
  await expect(page.getByTestId('narration').locator('li[data-kind="net.send"]')).toHaveCount(0);
  await page.getByLabel('every event (messages too)').check();
  await expect(page.getByTestId('narration').locator('li[data-kind="net.send"]').first()).toBeVisible();
});

test('stop a member, slow its disk, transfer leadership', async ({ page }) => {
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play-pause').click();
  const leader = page.locator('[data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: 20_000 });
  const leaderName = ((await leader.getAttribute('data-testid')) ?? '').replace('ring-', '');
  const target = ['m1', 'm2', 'm3'].find((m) => m !== leaderName) as string;
  await page.getByTestId(`transfer-${target}`).click();
  await expect(page.getByTestId(`ring-${target}`)).toHaveAttribute('data-role', 'leader', { timeout: 20_000 });
  await page.getByTestId('slow-disk-m4').check();
  await expect(page.getByTestId('slow-disk-m4')).toBeChecked();
  await page.getByTestId('stop-m5').click();
  await expect(page.getByTestId('ring-m5')).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('ring-m5')).toHaveAccessibleName(/m5: stopped/);
  const types = await page.evaluate(() =>
    (window as unknown as { etcdSim: { loop: { world: { inputs: { input: { type: string } }[] } } } }).etcdSim.loop.world.inputs.map((r) => r.input.type),
  );
  expect(types).toEqual(['transfer-leader', 'disk', 'stop']);
});

type WorldHandle = {
  now: number;
  inputs: { input: { type: string } & Record<string, unknown> }[];
  members: { name: string; status: string; disk: { config: { fsyncLatency: unknown } } }[];
  net: { linkSettings(a: string, b: string): unknown };
  kernel: { trace: { length: number; at(i: number): ({ kind: string; source: string } & Record<string, unknown>) | undefined } };
};

/** Runs `fn` on the page's world (the same object the page's controls change). */
function onWorld<T>(page: Page, fn: (w: WorldHandle) => T): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.etcdSim.loop.world)`) as Promise<T>;
}

/** The trace events of `kind` the page's world recorded (fields of interest only). */
function traced(page: Page, kind: string): Promise<({ source: string } & Record<string, unknown>)[]> {
  return page.evaluate((k) => {
    const w = (window as unknown as { etcdSim: { loop: { world: WorldHandle } } }).etcdSim.loop.world;
    const out = [];
    for (let i = 0; i < w.kernel.trace.length; i++) {
      const e = w.kernel.trace.at(i);
      if (e?.kind === k) out.push(e);
    }
    return out;
  }, kind);
}

async function playUntilLeader(page: Page): Promise<string> {
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play-pause').click();
  const leader = page.locator('[data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: 20_000 });
  return ((await leader.getAttribute('data-testid')) ?? '').replace('ring-', '');
}

test("a link's latency and drop rate, one way; reset", async ({ page }) => {
  await page.getByTestId('link-a').selectOption('m1');
  await page.getByTestId('link-b').selectOption('m2');
  await page.getByTestId('link-latency').fill('250');
  await page.getByTestId('link-drop').fill('50');
  await page.getByTestId('link-one-way').check();
  await page.getByTestId('link-apply').click();
  await expect(page.getByTestId('link-overrides')).toContainText('m1 → m2: 250 ms, drop 50%');
  expect(await onWorld(page, (w) => [w.net.linkSettings('m1', 'm2'), w.net.linkSettings('m2', 'm1') ?? null])).toEqual([
    { latency: { kind: 'constant', ms: 250 }, drop: 0.5 },
    null,
  ]);
  // Messages on the link now take the set latency.
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play-pause').click();
  await expect
    .poll(async () => (await traced(page, 'net.send')).filter((e) => e.from === 'm1:2380' && e.to === 'm2:2380' && e.fate !== 'dropped').length, { timeout: 20_000 })
    .toBeGreaterThan(3);
  const sends = (await traced(page, 'net.send')).filter((e) => e.from === 'm1:2380' && e.to === 'm2:2380' && Number(e.t) > 0);
  const late = sends.filter((e) => Number(e.due) - Number(e.t) >= 250 - 1e-6);
  expect(late.length).toBeGreaterThan(0);
  await pause(page);
  await page.getByTestId('link-reset').click();
  await expect(page.getByTestId('link-overrides')).toHaveCount(0);
  expect(await onWorld(page, (w) => w.net.linkSettings('m1', 'm2') ?? null)).toBeNull();
});

test("a slow disk makes the member's fsyncs slow", async ({ page }) => {
  await page.getByTestId('slow-disk-m3').check();
  expect(await onWorld(page, (w) => w.members.find((m) => m.name === 'm3')?.disk.config.fsyncLatency)).toEqual({ kind: 'constant', ms: 250 });
  await page.getByTestId('slow-disk-m3').uncheck();
  expect(await onWorld(page, (w) => w.members.find((m) => m.name === 'm3')?.disk.config.fsyncLatency)).toEqual({ kind: 'constant', ms: 1 });
});

test('member add as a learner, start it, promote it, remove a follower', async ({ page }) => {
  test.setTimeout(120_000);
  await playUntilLeader(page);
  // etcd refuses membership changes until every member has been connected for 5 s.
  await expect.poll(() => onWorld(page, (w) => w.now), { timeout: 30_000 }).toBeGreaterThan(6000);
  await page.getByTestId('add-learner').check();
  await page.getByTestId('member-add').click();
  await expect(page.getByTestId('member-join-m6')).toBeVisible();
  await expect.poll(async () => (await traced(page, 'world.response')).filter((e) => e.op === 'member-add').map((e) => e.outcome), { timeout: 20_000 }).toEqual(['ok']);
  await page.getByTestId('member-join-m6').click();
  await expect(page.getByTestId('ring-m6')).toHaveAttribute('data-status', 'running', { timeout: 20_000 });
  await expect(page.getByTestId('ring-m6')).toHaveAttribute('data-learner', 'true', { timeout: 20_000 });
  // The log view's Progress table names it a learner, by name (not by the ID traced before it started).
  await expect(page.getByTestId('progress-m6')).toContainText('(learner)', { timeout: 20_000 });
  await expect(page.getByTestId('progress').locator('tbody tr')).toHaveCount(5);
  // The leader's Progress names m6 a learner; promote it once it has caught up.
  await expect(page.getByTestId('member-promote-m6')).toBeEnabled({ timeout: 20_000 });
  await expect.poll(async () => {
    await page.getByTestId('member-promote-m6').click();
    await page.waitForTimeout(1500);
    return (await traced(page, 'world.response')).filter((e) => e.op === 'member-promote').map((e) => e.outcome);
  }, { timeout: 60_000, intervals: [500] }).toContain('ok');
  await expect(page.getByTestId('member-promote-m6')).toBeDisabled({ timeout: 20_000 });
  await expect(page.getByTestId('ring-m6')).not.toHaveAttribute('data-learner', 'true');
  await expect(page.getByTestId('progress-m6')).not.toContainText('(learner)');
  // Remove a follower (a leader removing itself stops before it can answer).
  const leader = ((await page.locator('[data-role="leader"]').getAttribute('data-testid')) ?? '').replace('ring-', '');
  const victim = ['m5', 'm4'].find((m) => m !== leader) as string;
  await page.getByTestId(`member-remove-${victim}`).click();
  // The request is answered ok, or, when the client's round robin sent it to the member being
  // removed, that member stops first and answers as etcd does: "etcdserver: server stopped".
  await expect
    .poll(async () => (await traced(page, 'world.response')).filter((e) => e.op === 'member-remove').map((e) => e.error ?? e.outcome), { timeout: 20_000 })
    .toEqual([expect.stringMatching(/^(ok|etcdserver: server stopped)$/)]);
  await expect(page.getByTestId(`ring-${victim}`)).toHaveAttribute('data-status', 'removed', { timeout: 20_000 });
  // The leader's tracker dropped the removed member's Progress: so does the log view.
  await expect(page.getByTestId(`progress-${victim}`)).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('progress').locator('tbody tr')).toHaveCount(4);
  const ops = await onWorld(page, (w) => w.inputs.map((r) => (r.input.type === 'request' ? (r.input.request as { op: string }).op : r.input.type)));
  expect(ops.filter((o) => o !== 'member-promote')).toEqual(['member-add', 'member-join', 'member-remove']);
});

test("start and stop a client's workload; edit its endpoints", async ({ page }) => {
  await playUntilLeader(page);
  await page.getByTestId('workload-stop-c1').click();
  await expect(page.getByTestId('workload-start-c1')).toBeVisible();
  const stopped = (await traced(page, 'client.workload')).at(-1);
  expect(stopped?.action).toBe('stop');
  await page.getByTestId('workload-mix-c1').selectOption({ label: 'with watches and leases' });
  await page.getByTestId('workload-start-c1').click();
  await expect(page.getByTestId('workload-stop-c1')).toBeVisible();
  expect((await traced(page, 'client.workload')).at(-1)?.action).toBe('start');
  // That workload holds leases and watches: the key-value view shows them.
  await expect(page.getByTestId('kv-leases')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('kv-watchers')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('endpoints-input-c1').fill('m1:2379, m2:2379');
  await page.getByTestId('endpoints-apply-c1').click();
  await expect.poll(async () => (await traced(page, 'client.endpoints')).at(-1)?.endpoints).toEqual(['http://m1:2379', 'http://m2:2379']);
  // The balancer drops the other subchannels.
  await expect(page.getByTestId('endpoint-c1-m3:2379')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('endpoint-c1-m1:2379')).toBeVisible();
});

test('enable auth: the client without credentials is then refused', async ({ page }) => {
  test.setTimeout(90_000);
  await playUntilLeader(page);
  await page.getByTestId('root-password').fill('s3cret');
  await page.getByTestId('auth-enable').click();
  await expect.poll(async () => (await traced(page, 'world.response')).filter((e) => e.op === 'auth-enable').map((e) => e.outcome), { timeout: 30_000 }).toEqual(['ok']);
  await expect.poll(async () => (await traced(page, 'client.call.end')).some((e) => /user name is empty|permission denied/.test(String(e.message))), { timeout: 30_000 }).toBe(true);
});

test('partition members by side; block and unblock one direction of a link', async ({ page }) => {
  await page.getByTestId('side-m4').selectOption('B');
  await page.getByTestId('side-m5').selectOption('B');
  await page.getByTestId('partition-apply').click();
  await expect(page.getByTestId('partition-state')).toContainText('{m1, m2, m3} | {m4, m5}');
  await expect(page.getByTestId('cut-link')).toHaveCount(6);
  await page.getByTestId('heal').click();
  await page.getByTestId('link-a').selectOption('m2');
  await page.getByTestId('link-b').selectOption('m3');
  await page.getByTestId('link-block').click();
  await expect(page.getByTestId('partition-state')).toContainText('blocked m2>m3');
  await expect(page.getByTestId('cut-link')).toHaveCount(1);
  // Only that direction stalls.
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play-pause').click();
  await expect.poll(async () => (await traced(page, 'net.stall')).filter((e) => e.from === 'm2:2380' && e.to === 'm3:2380').length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect((await traced(page, 'net.stall')).filter((e) => e.from === 'm3:2380' && e.to === 'm2:2380')).toEqual([]);
  await page.getByTestId('link-unblock').click();
  await expect(page.getByTestId('cut-link')).toHaveCount(0);
  expect((await snapshot(page)).inputs.map((r) => r.input.type)).toEqual(['partition', 'heal', 'block', 'unblock']);
});
