import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { World } from '../sim/world/world';
import { App } from './App';
import { SimLoop } from './sim-loop';
import { decodeRun } from './model/run-file';
import { lessonFromURL, useLessonStore } from './model/lesson';
import { SPEEDS, useUIStore } from './store';
import { permalinkFor } from './views/RunPanel';
import { openStoredWorld, storageFromURL } from './storage';
import { checkRunHistory } from './views/HistoryCheck';
import type { HistoryEvent } from '../sim/check/linearizability/history';
import './style.css';

/** The default page: latency long enough that messages are seen crossing at 0.1×. */
const TEACHING_NETWORK = { latency: { kind: 'uniform', min: 15, max: 30 } };
/** …and one client with a light mixed workload (two operations a second). */
const TEACHING_CLIENTS = [{ workload: { rate: 2, concurrency: 1 } }];

/**
 * The world config from the URL: `?run=` (a permalink) wins; else `?config=` (JSON) with
 * `?seed=` and `?members=` shortcuts on top.
 */
function configFromURL(params: URLSearchParams): Record<string, unknown> {
  const config: Record<string, unknown> = params.has('config') ? (JSON.parse(params.get('config') as string) as Record<string, unknown>) : {};
  for (const key of ['seed', 'members']) {
    const v = params.get(key);
    if (v !== null) config[key] = Number(v);
  }
  config.network ??= TEACHING_NETWORK;
  config.clients ??= TEACHING_CLIENTS;
  return config;
}

/** The page's own cluster: in memory, or restarted from this browser's IndexedDB. */
function ownWorld(params: URLSearchParams): World | Promise<World> {
  return storageFromURL(params) === 'indexeddb' ? openStoredWorld(configFromURL(params)) : new World(configFromURL(params));
}

async function start(params: URLSearchParams, root: Root): Promise<void> {
  const run = params.has('run') ? decodeRun(params.get('run') as string) : undefined;
  // `?scenario=NAME&seed=N` opens a guided lesson, played in the page as headless.
  const lesson = run === undefined ? await lessonFromURL(params) : undefined;
  const loop = new SimLoop(lesson?.world ?? (run === undefined ? await ownWorld(params) : new World(run.config)));
  loop.forks = run !== undefined || lesson !== undefined || storageFromURL(params) === 'memory';
  if (run !== undefined) loop.load(run);
  if (lesson !== undefined && loop.show(lesson.world)) useLessonStore.getState().set({ lesson, step: 0 });
  const speed = Number(params.get('speed') ?? NaN);
  if ((SPEEDS as readonly number[]).includes(speed)) useUIStore.getState().set({ speed });
  // A small handle for tests and the console: the same world API the page uses.
  Object.assign(window, {
    etcdSim: {
      loop,
      World,
      permalink: () => permalinkFor(loop),
      lesson: () => useLessonStore.getState().lesson,
      /** "Check this run's history", or of a history given as simulator events. */
      checkHistory: (events?: HistoryEvent[]) => checkRunHistory(loop, events),
      /** Runs a fresh world headless in the page and returns its trace hash. */
      hashOf(cfg: unknown, ms: number): string {
        const w = new World(cfg);
        w.runFor(ms);
        return w.hash();
      },
    },
  });
  loop.start();
  root.render(
    <StrictMode>
      <App loop={loop} />
    </StrictMode>,
  );
}

const root = createRoot(document.getElementById('root') as HTMLElement);
start(new URLSearchParams(location.search), root).catch((e: unknown) =>
  root.render(
    <main className="app">
      <h1>etcd-sim</h1>
      <p role="alert">Cannot start the simulation: {(e as Error).message}</p>
    </main>,
  ),
);
