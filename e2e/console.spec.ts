import { expect, test } from '@playwright/test';
import { typeInConsole as run } from './sim-handle';

test("etcdctl console: put then get shows the value; a bad command shows etcdctl's error", async ({ page }) => {
  await page.goto('/?speed=10');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  const out = page.getByTestId('console-output');
  await run(page, 'put foo bar');
  await expect(out).toContainText('$ etcdctl put foo bar');
  await expect(out).toContainText('OK', { timeout: 20_000 });
  await run(page, 'get foo');
  await expect(out).toContainText('$ etcdctl get foo\nfoo\nbar', { timeout: 20_000 });
  // The terminal itself shows it (xterm's rows).
  await expect(page.getByTestId('console-terminal').locator('.xterm-rows')).toContainText('bar');
  await run(page, 'bogus');
  await expect(out).toContainText(`Error: unknown command "bogus" for "etcdctl"\nRun 'etcdctl --help' for usage.\nError: unknown command "bogus" for "etcdctl"`);
  await run(page, 'put foo');
  await expect(out).toContainText('Error: put command needs 1 argument and input from stdin or 2 arguments');
  // Each line is a recorded input of the run, so it replays.
  const lines = await page.evaluate(() =>
    (window as unknown as { etcdSim: { loop: { world: { inputs: { input: { type: string; line?: string } }[] } } } }).etcdSim.loop.world.inputs
      .filter((r) => r.input.type === 'etcdctl')
      .map((r) => r.input.line),
  );
  expect(lines).toEqual(['put foo bar', 'get foo', 'bogus', 'put foo']);
});
