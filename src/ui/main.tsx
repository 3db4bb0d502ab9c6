import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { World } from '../sim/world/world';
import { App } from './App';
import { SimLoop } from './sim-loop';
import './style.css';

// Config can come from the URL: ?seed=7&members=3
const params = new URLSearchParams(location.search);
const config: Record<string, number> = {};
for (const key of ['seed', 'members']) {
  const v = params.get(key);
  if (v !== null) config[key] = Number(v);
}

const root = createRoot(document.getElementById('root') as HTMLElement);
try {
  const loop = new SimLoop(new World(config));
  // A small handle for tests and the console: the same world API the page uses.
  Object.assign(window, {
    etcdSim: {
      loop,
      World,
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
} catch (e) {
  root.render(
    <main className="app">
      <h1>etcd-sim</h1>
      <p role="alert">Cannot start the simulation: {(e as Error).message}</p>
    </main>,
  );
}
