import { useEffect, type ReactNode } from 'react';
import type { SimLoop } from './sim-loop';
import { nextSpeed, useUIStore } from './store';
import { ClientControls } from './views/ClientControls';
import { ClientSwimlanes } from './views/ClientSwimlanes';
import { ClientTable } from './views/ClientTable';
import { ClusterControls } from './views/ClusterControls';
import { ClusterRing } from './views/ClusterRing';
import { Controls, StatusBar } from './views/Controls';
import { EtcdctlConsole } from './views/EtcdctlConsole';
import { FaultPanel } from './views/FaultPanel';
import { HistoryCheck } from './views/HistoryCheck';
import { KeyValue } from './views/KeyValue';
import { LessonPanel } from './views/LessonPanel';
import { LogGrid } from './views/LogGrid';
import { MessageLegend } from './views/MessageLegend';
import { NarrationList } from './views/NarrationList';
import { RunPanel } from './views/RunPanel';
import { SpaceTimeDiagram } from './views/SpaceTimeDiagram';
import { StorageControls } from './views/StorageControls';

function Panel({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className={`panel ${id}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** Keys that would type into or operate a focused control are left to it. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (target instanceof HTMLButtonElement) return key === ' ' || key === 'Enter';
  return target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
}

function useShortcuts(loop: SimLoop): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ownsKey(e.target, e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
      const store = useUIStore.getState();
      const actions: Record<string, () => void> = {
        ' ': () => loop.player.send({ type: 'TOGGLE' }),
        ArrowRight: () => loop.player.send({ type: 'STEP' }),
        ArrowLeft: () => loop.stepBack(),
        '[': () => store.set({ speed: nextSpeed(store.speed, -1) }),
        ']': () => store.set({ speed: nextSpeed(store.speed, 1) }),
        End: () => loop.goLive(),
      };
      const action = actions[e.key];
      if (action === undefined) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [loop]);
}

function ErrorBanner() {
  const error = useUIStore((s) => s.error);
  const set = useUIStore((s) => s.set);
  if (error === undefined) return null;
  return (
    <div className="error" role="alert" data-testid="error">
      <span>{error}</span>
      <button type="button" onClick={() => set({ error: undefined })} aria-label="Dismiss the error">
        ✕
      </button>
    </div>
  );
}

export function App({ loop }: { loop: SimLoop }) {
  useShortcuts(loop);
  return (
    <main className="app">
      <header>
        <h1>etcd-sim</h1>
        <p className="subtitle">
          A deterministic simulation of an etcd cluster (seed {loop.world.config.seed}). Keys: space play/pause, ← → step, [ ] speed, End live.
        </p>
      </header>
      <Controls loop={loop} />
      <ErrorBanner />
      <StatusBar />
      <Panel title="Lesson" id="lesson"><LessonPanel loop={loop} /></Panel>
      <div className="grid">
        <Panel title="Cluster" id="cluster">
          <ClusterRing tickMs={loop.world.config.tickMs} />
          <MessageLegend />
        </Panel>
        <div className="stack">
          <Panel title="Raft log" id="log">
            <LogGrid />
          </Panel>
          <Panel title="Messages over time" id="space-time">
            <SpaceTimeDiagram />
          </Panel>
        </div>
        <Panel title="Faults" id="faults">
          <FaultPanel loop={loop} />
        </Panel>
        <Panel title="Links, membership and auth" id="cluster-controls">
          <ClusterControls loop={loop} />
        </Panel>
        <Panel title="What happened" id="narration">
          <NarrationList loop={loop} />
        </Panel>
        <Panel title="etcdctl" id="console">
          <EtcdctlConsole loop={loop} />
        </Panel>
        <Panel title="Key-value store" id="key-value">
          <KeyValue />
        </Panel>
        <Panel title="Clients" id="clients">
          <ClientTable />
          <ClientControls loop={loop} />
          <ClientSwimlanes />
        </Panel>
        <Panel title="Share this run" id="run">
          <RunPanel loop={loop} />
        </Panel>
        <Panel title="Check and storage" id="check">
          <HistoryCheck loop={loop} />
          <StorageControls loop={loop} />
        </Panel>
      </div>
    </main>
  );
}
