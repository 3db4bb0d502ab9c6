// The standard workload in headless Chromium, driven by Playwright: the bench page
// (bench/idb/index.html, served by Vite's dev server) runs it once with the memory
// backend (chromium.memory.*, the browser's own speed) and once over real IndexedDB
// (chromium.indexeddb.*), and hands back the same figures as the Node bench. Chromium
// is the one playwright.config.ts chooses (Debian's /usr/bin/chromium here).
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import playwrightConfig from '../playwright.config';
import type { Figure } from './figures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = 'bench/idb/index.html';

export interface PageRun {
  backend: 'memory' | 'indexeddb';
  virtualSeconds: number;
}

export async function chromiumStandard(runs: readonly PageRun[]): Promise<Figure[]> {
  // Scan the page's imports up front, so Vite does not reload it mid-run to add a dependency.
  const server = await createServer({ root: ROOT, logLevel: 'error', server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { entries: [PAGE] } });
  await server.listen();
  const launchOptions = { headless: true, ...playwrightConfig.use?.launchOptions };
  const browser = await chromium.launch(launchOptions).catch(async (err: unknown) => {
    await server.close();
    const tried = launchOptions.executablePath ?? "Playwright's own Chromium";
    throw new Error(
      `chromium bench: cannot launch ${tried}: ${(err as Error).message.split('\n')[0]}\n` +
        'Install one (apt-get install chromium, or npx playwright install chromium) or point PLAYWRIGHT_CHROMIUM_EXECUTABLE at it; the other benches run without it.',
    );
  });
  try {
    const base = server.resolvedUrls?.local[0];
    if (base === undefined) throw new Error('chromium bench: the Vite server has no local URL');
    const figures: Figure[] = [];
    for (const { backend, virtualSeconds } of runs) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`chromium bench page: ${e.message}`));
      // The run holds the page's main thread (its awaits mostly settle as microtasks), so
      // the load event may only come at the end: wait for the navigation to commit.
      await page.goto(`${base}${PAGE}?backend=${backend}&seconds=${virtualSeconds}`, { waitUntil: 'commit', timeout: 120_000 });
      await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 0, polling: 1000 });
      const result = await page.evaluate(() => window.benchResult);
      await page.close();
      if (result === undefined || 'error' in result) throw new Error(`chromium bench (${backend}): ${result?.error ?? 'no result'}`);
      figures.push(...result.figures);
    }
    return figures;
  } finally {
    await browser.close();
    await server.close();
  }
}
