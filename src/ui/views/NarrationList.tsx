// What happened, in words, up to the cursor: newest at the bottom.
import { useUIStore } from '../store';

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

export function NarrationList() {
  const lines = useUIStore((s) => s.narration);
  const all = useUIStore((s) => s.narrateAll);
  const set = useUIStore((s) => s.set);
  return (
    <div className="narration">
      <label>
        <input type="checkbox" checked={all} onChange={(e) => set({ narrateAll: e.target.checked })} /> every event (messages too)
      </label>
      <ol className="narration-list" data-testid="narration" tabIndex={0} aria-label="Events up to the cursor, newest last">
        {lines.map((l) => (
          <li key={l.seq} data-kind={l.kind}>
            <span className="when">{ms(l.t)}</span> <strong className="who">{l.source}</strong> <span className="kind">{l.kind}</span>{' '}
            <span className="what">{l.text}</span>
            {l.reason !== undefined && <span className="why"> — {l.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
