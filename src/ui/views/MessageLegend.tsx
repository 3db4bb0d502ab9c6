// Names the message types in flight next to their colours, so colour is never the only cue.
import { useMemo } from 'react';
import { useUIStore } from '../store';
import { recentlyLost } from './layout';
import { messageColour } from './palette';

export function MessageLegend() {
  const flights = useUIStore((s) => s.flights);
  const spans = useUIStore((s) => s.spans);
  const t = useUIStore((s) => s.cursor.t);
  const lost = useMemo(() => recentlyLost(spans, t).length, [spans, t]);
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of flights) m.set(f.type, (m.get(f.type) ?? 0) + 1);
    return [...m].sort(([a], [b]) => a.localeCompare(b));
  }, [flights]);
  return (
    <ul className="legend" aria-label="Messages in flight by type">
      {counts.length === 0 && <li>no messages in flight</li>}
      {lost > 0 && (
        <li data-testid="legend-lost">
          <svg width="12" height="12" aria-hidden="true">
            <path d="M2,2L10,10M2,10L10,2" className="lost-messages" />
          </svg>{' '}
          lost just now × <span className="ticking count">{lost}</span>
        </li>
      )}
      {counts.map(([type, n]) => (
        <li key={type}>
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="5" fill={messageColour(type)} />
          </svg>{' '}
          {type} × <span className="ticking count">{n}</span>
        </li>
      ))}
    </ul>
  );
}
