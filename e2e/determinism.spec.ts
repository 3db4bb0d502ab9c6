import { expect, test } from '@playwright/test';
import { World } from '../src/sim/world/world';

const config = {
  seed: 2024,
  members: 5,
  network: { latency: { kind: 'longtail', min: 1, median: 4, max: 80 }, drop: 0.05, duplicate: 0.02, reorder: 0.1 },
};

test('the same run gives the same trace hash in Chromium and in Node', async ({ page }) => {
  const node = new World(config);
  node.runFor(5000);
  await page.goto('/');
  const browser = await page.evaluate(
    ([cfg, ms]) => (window as unknown as { etcdSim: { hashOf(c: unknown, ms: number): string } }).etcdSim.hashOf(cfg, ms),
    [config, 5000] as const,
  );
  expect(node.kernel.trace.length).toBeGreaterThan(500);
  expect(browser).toBe(node.hash());
});
