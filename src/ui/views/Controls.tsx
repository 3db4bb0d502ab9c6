// Player controls: play/pause, step (back and forward), speed, the time cursor.
import type { SimLoop } from '../sim-loop';
import { SPEEDS, STEP_UNITS, useUIStore, type StepUnit } from '../store';

export function formatTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

const STEP_LABELS: Record<StepUnit, string> = { event: 'next event', delivery: 'next message delivery', tick: 'next tick' };

function speedLabel(s: number): string {
  return s === Infinity ? 'max' : `${s}×`;
}

export function Controls({ loop }: { loop: SimLoop }) {
  const mode = useUIStore((s) => s.mode);
  const speed = useUIStore((s) => s.speed);
  const stepUnit = useUIStore((s) => s.stepUnit);
  const set = useUIStore((s) => s.set);
  const forking = mode === 'forking';
  return (
    <section className="controls" aria-label="Player controls">
      <button type="button" data-testid="play-pause" disabled={forking} onClick={() => loop.player.send({ type: 'TOGGLE' })} aria-keyshortcuts="Space">
        {mode === 'playing' ? 'Pause' : 'Play'}
      </button>
      <button type="button" data-testid="step-back" disabled={forking} onClick={() => loop.stepBack()} aria-label="Step back one event" aria-keyshortcuts="ArrowLeft">
        ◀ Step
      </button>
      <button type="button" data-testid="step" disabled={forking} onClick={() => loop.player.send({ type: 'STEP' })} aria-label={`Step to the ${STEP_LABELS[stepUnit]}`} aria-keyshortcuts="ArrowRight">
        Step ▶
      </button>
      <label>
        to the{' '}
        <select data-testid="step-unit" value={stepUnit} onChange={(e) => set({ stepUnit: e.target.value as StepUnit })}>
          {STEP_UNITS.map((u) => (
            <option key={u} value={u}>
              {STEP_LABELS[u]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Speed{' '}
        <select data-testid="speed" value={String(speed)} onChange={(e) => set({ speed: Number(e.target.value) })} aria-keyshortcuts="[ ]">
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <span data-testid="mode" className="mode" aria-live="polite">
        {mode}
      </span>
      <TimeCursor loop={loop} disabled={forking} />
    </section>
  );
}

function TimeCursor({ loop, disabled }: { loop: SimLoop; disabled: boolean }) {
  const t = useUIStore((s) => s.cursor.t);
  const end = useUIStore((s) => s.stats.end);
  const progress = useUIStore((s) => s.progress);
  return (
    <div className="time-cursor">
      <label>
        Time{' '}
        <input
          type="range"
          data-testid="scrubber"
          min={0}
          max={Math.max(end, 1)}
          step="any"
          value={t}
          disabled={disabled}
          onChange={(e) => loop.seek(Number(e.target.value))}
          aria-valuetext={`${formatTime(t)} of ${formatTime(end)}`}
        />
      </label>
      <output data-testid="virtual-time" aria-label="Virtual time at the cursor">
        {formatTime(t)}
      </output>
      <button type="button" data-testid="go-live" disabled={disabled || t >= end} onClick={() => loop.goLive()} aria-keyshortcuts="End">
        Live
      </button>
      {progress !== undefined && (
        <progress data-testid="fork-progress" max={1} value={progress} aria-label="Re-executing the run up to the cursor">
          {Math.round(progress * 100)}%
        </progress>
      )}
    </div>
  );
}

export function StatusBar() {
  const stats = useUIStore((s) => s.stats);
  const inFlight = useUIStore((s) => s.flights.length);
  const index = useUIStore((s) => s.cursor.index);
  return (
    <section className="status" aria-label="Simulation status">
      <div>
        World time <output>{formatTime(stats.end)}</output>
      </div>
      <div>
        Events fired <output data-testid="fired">{stats.fired}</output>
      </div>
      <div>
        Trace events shown <output data-testid="trace-index">{index}</output>
      </div>
      <div>
        Messages in flight <output data-testid="in-flight">{inFlight}</output>
      </div>
      <div>
        Delivered <output>{stats.delivered}</output> · lost <output>{stats.lost}</output>
      </div>
    </section>
  );
}
