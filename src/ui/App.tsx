import { useEffect } from 'react';
import type { SimLoop } from './sim-loop';
import { SPEEDS, useUIStore } from './store';

function formatTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function speedLabel(s: number): string {
  return s === Infinity ? 'max' : `${s}×`;
}

export function App({ loop }: { loop: SimLoop }) {
  const mode = useUIStore((s) => s.mode);
  const speed = useUIStore((s) => s.speed);
  const view = useUIStore((s) => s.view);
  const setSpeed = useUIStore((s) => s.setSpeed);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === ' ') {
        e.preventDefault();
        loop.player.send({ type: 'TOGGLE' });
      } else if (e.key === 'ArrowRight') {
        loop.player.send({ type: 'STEP' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [loop]);

  return (
    <main className="app">
      <header>
        <h1>etcd-sim</h1>
        <p className="subtitle">A deterministic simulation of an etcd cluster (seed {loop.world.config.seed})</p>
      </header>
      <section className="controls" aria-label="Player controls">
        <button
          type="button"
          data-testid="play-pause"
          onClick={() => loop.player.send({ type: 'TOGGLE' })}
          aria-label={mode === 'playing' ? 'Pause' : 'Play'}
        >
          {mode === 'playing' ? 'Pause' : 'Play'}
        </button>
        <button type="button" data-testid="step" onClick={() => loop.player.send({ type: 'STEP' })} aria-label="Step one event">
          Step
        </button>
        <label>
          Speed{' '}
          <select data-testid="speed" value={String(speed)} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={String(s)} value={String(s)}>
                {speedLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <span data-testid="mode" className="mode">
          {mode}
        </span>
      </section>
      <section className="status" aria-label="Simulation status">
        <div>
          Virtual time <output data-testid="virtual-time">{formatTime(view.now)}</output>
        </div>
        <div>
          Events fired <output data-testid="fired">{view.fired}</output>
        </div>
        <div>
          Messages in flight <output data-testid="in-flight">{view.inFlight}</output>
        </div>
        <div>
          Delivered <output>{view.delivered}</output> · lost <output>{view.dropped}</output>
        </div>
      </section>
      <section aria-label="Members">
        <h2>Members</h2>
        <ul className="members" data-testid="members">
          {view.members.map((m) => (
            <li key={m.name} data-testid={`member-${m.name}`} className={`member ${m.status}`}>
              <strong>{m.name}</strong> <span>{m.status}</span> <span>peers reachable: {m.peersSeen}</span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
