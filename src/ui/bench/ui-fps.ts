// bench:ui — frames per second of the page under load: 7 members and 2 clients with busy
// workloads, latency long enough that ~300 messages are in flight, every view open.
// Builds the page, serves it with `vite preview`, drives headless Chromium, and prints one
// JSON line: {"name":"ui.frames_per_second","value":N,"unit":"fps"}.
//
//   npx tsx src/ui/bench/ui-fps.ts
import { chromium } from '@playwright/test';
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const PORT = 4318;
const MEASURE_MS = 5000;
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

// A 20 ms tick makes the leader heartbeat its 6 followers 50 times a second, each answered:
// ~600 messages/s at 200-300 ms each keep ~150 in flight; the clients' requests and their
// replication bring it to ~300. The election timeout (4 s) stays well above the round trip
// so the cluster keeps its leader.
const busy = { workload: { rate: 10, concurrency: 2 } };
const heavy = {
  seed: 1,
  members: 7,
  tickMs: 20,
  electionTicks: 200,
  network: { latency: { kind: 'uniform', min: 200, max: 300 } },
  clients: [busy, busy],
};

// Passed as source text: tsx would otherwise wrap named helpers in a `__name` the page lacks.
const MEASURE = `new Promise((done) => {
  let frames = 0;
  let peak = 0;
  const end = performance.now() + ${MEASURE_MS};
  const tick = () => {
    frames++;
    peak = Math.max(peak, Number(document.querySelector('[data-testid="in-flight"]')?.textContent ?? 0));
    if (performance.now() < end) requestAnimationFrame(tick);
    else done({ frames, inFlight: peak });
  };
  requestAnimationFrame(tick);
})`;

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

async function main(): Promise<void> {
  execSync('npx vite build --logLevel error', { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
  const browser = await chromium.launch({ executablePath, args: ['--disable-quic', '--disable-gpu'] });
  try {
    const base = `http://127.0.0.1:${PORT}/`;
    await waitForServer(base);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${base}?speed=1&config=${encodeURIComponent(JSON.stringify(heavy))}`);
    if ((await page.getByRole('alert').count()) > 0) throw new Error(`the page refused the config: ${await page.getByRole('alert').textContent()}`);
    await page.waitForTimeout(2000);
    const { frames, inFlight } = (await page.evaluate(MEASURE)) as { frames: number; inFlight: number };
    process.stderr.write(`ui-fps: ${frames} frames in ${MEASURE_MS} ms, up to ${inFlight} messages in flight\n`);
    console.log(JSON.stringify({ name: 'ui.frames_per_second', value: Math.round((frames / MEASURE_MS) * 10_000) / 10, unit: 'fps' }));
  } finally {
    await browser.close();
    if (server.pid !== undefined) process.kill(-server.pid);
  }
}

await main();
