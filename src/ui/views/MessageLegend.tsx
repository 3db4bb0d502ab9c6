// Names the message types in flight next to their colours, so colour is never the only cue.
import { useMemo } from 'react';
import { useUIStore } from '../store';
import { messageColour } from './palette';

export function MessageLegend() {
  const flights = useUIStore((s) => s.flights);
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of flights) m.set(f.type, (m.get(f.type) ?? 0) + 1);
    return [...m].sort(([a], [b]) => a.localeCompare(b));
  }, [flights]);
  return (
    <ul className="legend" aria-label="Messages in flight by type">
      {counts.length === 0 && <li>no messages in flight</li>}
      {counts.map(([type, n]) => (
        <li key={type}>
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="5" fill={messageColour(type)} />
          </svg>{' '}
          {type} × {n}
        </li>
      ))}
    </ul>
  );
}
