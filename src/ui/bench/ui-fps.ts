// npm run bench:ui [-- --seconds S] [--speed S] [--trace FILE]
// Frames per second of the page under the load the issue states: 7 members, 2 clients,
// about 300 messages in flight, every view open (they are all always shown), at 1x speed.
// Builds the page into a directory of its own, serves it with Vite's preview server,
// drives headless Chromium and prints one JSON line:
//   {"name":"ui.frames_per_second","value":N,"unit":"fps", "in_flight":{...}, "load_average":[...], ...}
// `in_flight` is the measured count of messages in flight (mean, min, max over the frames);
// `long_tasks` counts tasks over 50 ms; `load_average` is the machine's (1, 5, 15 min) at
// the start, since other work on the machine takes frames away. --trace writes a Chrome
// trace of the measurement (open it in chrome://tracing or DevTools' Performance panel)
// and prints where the main thread's time went, per frame and in the longest tasks.
// --speed plays at another speed than the 1x (`--speed Infinity`: the fastest).
import { chromium } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const MEASURE_MS = Number(option('seconds') ?? 5) * 1000;
const TRACE = option('trace');
const SPEED = Number(option('speed') ?? 1);
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
  const inFlight = [];
  const long = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const start = performance.now();
  const tick = () => {
    frames++;
    inFlight.push(Number(document.querySelector('[data-testid="in-flight"]')?.textContent ?? 0));
    if (performance.now() - start < ${MEASURE_MS}) requestAnimationFrame(tick);
    else {
      observer.disconnect();
      done({ frames, ms: performance.now() - start, inFlight, long });
    }
  };
  requestAnimationFrame(tick);
})`;

interface Measured {
  frames: number;
  ms: number;
  inFlight: number[];
  long: number[];
}

const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  RunMicrotasks: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  Commit: 'commit',
  MinorGC: 'gc',
  MajorGC: 'gc',
};

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; beginData?: { dirtyObjects?: number } };
}

/** Adds a task's events' ms to `into` by kind, each only where no enclosing event has a kind (nested calls and paints count once). */
function addKinds(events: readonly TraceEvent[], into: Record<string, number>): void {
  const open: { end: number; kind: string | undefined }[] = [];
  for (const e of events) {
    while (open.length > 0 && (open.at(-1) as { end: number }).end <= e.ts) open.pop();
    const kind = KINDS[e.name];
    const counted = open.some((o) => o.kind !== undefined);
    if (kind !== undefined && !counted) into[kind] = (into[kind] ?? 0) + (e.dur as number) / 1000;
    open.push({ end: e.ts + (e.dur as number), kind });
  }
}

const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * Main-thread time by kind per frame, and the longest tasks taken apart (wall and thread
 * ms, the kinds, and how many objects their layout had to redo), from a Chrome trace.
 */
function breakdown(trace: Buffer, frames: number): { perFrame: Record<string, number>; longest: Record<string, number>[] } {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events
    .filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur as number) - (a.dur as number));
  const total: Record<string, number> = {};
  addKinds(mine, total);
  const perFrame = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, round(v / frames)]));
  const tasks = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => (b.dur as number) - (a.dur as number));
  const longest = tasks.slice(0, 5).map((task) => {
    const inside = mine.filter((e) => e.ts > task.ts && e.ts + (e.dur as number) <= task.ts + (task.dur as number));
    const kinds: Record<string, number> = {};
    addKinds(inside, kinds);
    const dirty = inside.reduce((n, e) => n + (e.name === 'Layout' ? (e.args?.beginData?.dirtyObjects ?? 0) : 0), 0);
    return { ms: round((task.dur as number) / 1000), thread_ms: round((task.tdur ?? 0) / 1000), ...Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, round(v)])), layout_objects: dirty };
  });
  return { perFrame, longest };
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  const outDir = join(tmpdir(), 'etcd-sim-ui-bench');
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
  const browser = await chromium.launch({ executablePath, args: ['--disable-quic', '--disable-gpu'] });
  try {
    const base = server.resolvedUrls?.local[0];
    if (base === undefined) throw new Error('bench:ui: the preview server has no local URL');
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${base}?speed=${SPEED}&config=${encodeURIComponent(JSON.stringify(heavy))}`);
    if ((await page.getByRole('alert').count()) > 0) throw new Error(`the page refused the config: ${await page.getByRole('alert').first().textContent()}`);
    // Let the messages in flight build up to their steady number.
    await page.waitForTimeout(2000);
    // 'toplevel' has the tasks, the disabled-by-default category the animation frames.
    if (TRACE !== undefined) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    const m = (await page.evaluate(MEASURE)) as Measured;
    const fps = Math.round((m.frames / m.ms) * 10_000) / 10;
    const mean = Math.round(m.inFlight.reduce((a, b) => a + b, 0) / Math.max(1, m.inFlight.length));
    const extra: Record<string, unknown> = {
      in_flight: { mean, min: Math.min(...m.inFlight), max: Math.max(...m.inFlight) },
      members: heavy.members,
      clients: heavy.clients.length,
      frames: m.frames,
      speed: String(SPEED),
      measure_ms: Math.round(m.ms),
      long_tasks: m.long.length,
      longest_task_ms: Math.round(Math.max(0, ...m.long)),
      load_average: load,
    };
    if (TRACE !== undefined) {
      const trace = await browser.stopTracing();
      writeFileSync(TRACE, trace);
      const { perFrame, longest } = breakdown(trace, m.frames);
      extra.main_thread_ms_per_frame = perFrame;
      extra.longest_tasks = longest;
    }
    console.log(JSON.stringify({ name: 'ui.frames_per_second', value: fps, unit: 'fps', ...extra }));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
