// Reads the page's simulation through the handle main.tsx exposes (window.etcdSim).
import type { Page } from '@playwright/test';

export interface Snapshot {
  now: number;
  hash: string;
  inputs: { t: number; input: { type: string } & Record<string, unknown> }[];
  screen: string;
  network: { drop: number };
}

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const { loop } = (window as unknown as { etcdSim: { loop: import('../src/ui/sim-loop').SimLoop } }).etcdSim;
    const w = loop.world;
    return {
      now: w.now,
      hash: w.hash(),
      inputs: JSON.parse(JSON.stringify(w.inputs)),
      screen: loop.screen(),
      network: { drop: w.net.getSettings().drop },
    };
  });
}

/** Pauses and waits until the page shows the paused frame. */
export async function pause(page: Page): Promise<void> {
  await page.getByTestId('play-pause').click();
  await page.getByTestId('mode').filter({ hasText: 'paused' }).waitFor();
}

/** Types a line into the etcdctl console's terminal and presses Enter. */
export async function typeInConsole(page: Page, line: string): Promise<void> {
  await page.getByTestId('console-terminal').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
