// A cluster in the page writes through IndexedDB; the page reloads and the cluster
// restarts from IndexedDB (etcd's restart path) with every acknowledged write.
import { expect, test } from '@playwright/test';
import { typeInConsole as run } from './sim-handle';

test('the cluster recovers every acknowledged write from IndexedDB after a reload', async ({ page }) => {
  await page.goto('/?storage=indexeddb&speed=10');
  // Start from no stored cluster.
  await page.getByTestId('storage-forget').click();
  await expect(page.getByTestId('storage-status')).toContainText('A new cluster, stored in IndexedDB.');
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  const out = page.getByTestId('console-output');
  const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  for (const k of keys) {
    await run(page, `put ${k} value-of-${k}`);
    // etcdctl prints OK once the cluster acknowledged the write.
    await expect(out).toContainText(`$ etcdctl put ${k} value-of-${k}\nOK`, { timeout: 20_000 });
  }

  await page.reload();
  await expect(page.getByTestId('storage-status')).toContainText(/Restarted from IndexedDB: m1, m2, m3/);
  await expect(page.locator('[data-role="leader"]')).toHaveCount(1, { timeout: 20_000 });
  for (const k of keys) {
    await run(page, `get ${k} --print-value-only`);
    await expect(out).toContainText(`$ etcdctl get ${k} --print-value-only\nvalue-of-${k}`, { timeout: 20_000 });
  }
  await page.getByTestId('storage-forget').click();
  await expect(page.getByTestId('storage-status')).toContainText('A new cluster');
});
