// What happened, in words, up to the cursor: newest at the bottom. Clicking a line's time
// moves the cursor there.
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

export function NarrationList({ loop }: { loop: SimLoop }) {
  const lines = useUIStore((s) => s.narration);
  const all = useUIStore((s) => s.narrateAll);
  const forking = useUIStore((s) => s.mode === 'forking');
  const set = useUIStore((s) => s.set);
  return (
    <div className="narration">
      <label>
        <input type="checkbox" checked={all} onChange={(e) => set({ narrateAll: e.target.checked })} /> every event (messages too)
      </label>
      <ol className="narration-list" data-testid="narration" tabIndex={0} aria-label="Events up to the cursor, newest last">
        {/* Keyed by place, not event: a refresh changes the lines' text and rebuilds or moves
            no element, so lines scrolled out of the list's box stay skipped (content-visibility).
            At the fastest speed every line changes at each refresh. */}
        {lines.map((l, place) => (
          <li key={place} data-kind={l.kind}>
            <button type="button" className="when" disabled={forking} onClick={() => {
                loop.player.send({ type: 'PAUSE' });
                loop.seek(l.t);
              }} aria-label={`Move the cursor to ${ms(l.t)}`}>
              {ms(l.t)}
            </button>{' '}
            <strong className="who">{l.source}</strong> <span className="kind">{l.kind}</span> <span className="what">{l.text}</span>
            {l.reason !== undefined && <span className="why"> — {l.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
