import { expect, test } from '@playwright/test';

test('etcdctl console: put then get through the cluster; a bad command shows the error', async ({ page }) => {
  await page.goto('/?speed=10');
  // Wait for a leader and a connected client.
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('client-c1')).toContainText('ready', { timeout: 20_000 });
  const input = page.getByTestId('console-input');
  await input.fill('put foo bar');
  await input.press('Enter');
  await expect(page.getByTestId('console-output')).toContainText('$ etcdctl put foo bar');
  await expect(page.getByTestId('console-output')).toContainText('OK', { timeout: 20_000 });
  await input.fill('get foo');
  await input.press('Enter');
  await expect(page.getByTestId('console-output')).toContainText('foo=bar', { timeout: 20_000 });
  await input.fill('put foo');
  await input.press('Enter');
  await expect(page.getByTestId('console-output')).toContainText('Error: put command needs 1 argument and input from stdin or 2 arguments');
  // Commands are recorded inputs of the run.
  const inputs = await page.evaluate(() =>
    (window as unknown as { etcdSim: { loop: { world: { inputs: { input: { type: string; label?: string } }[] } } } }).etcdSim.loop.world.inputs.map((r) => r.input.label),
  );
  expect(inputs).toEqual(['put foo bar', 'get foo']);
});
