// Messages over the last moments before the cursor: one lane per host, time to the
// right, each message a line from its send to its arrival (or to the cursor while it flies).
import { useMemo } from 'react';
import { scaleLinear, scalePoint } from 'd3';
import { SPACE_TIME_WINDOW_MS, useUIStore } from '../store';
import { messageColour } from './palette';

const WIDTH = 640;
const LANE = 28;
const LEFT = 44;

export function SpaceTimeDiagram() {
  const members = useUIStore((s) => s.frame.members);
  const clients = useUIStore((s) => s.frame.clients);
  const spans = useUIStore((s) => s.spans);
  const t = useUIStore((s) => s.cursor.t);

  const hosts = useMemo(() => [...members.map((m) => m.name), ...Object.keys(clients).sort()], [members, clients]);
  const height = hosts.length * LANE + 24;
  const y = scalePoint(hosts, [LANE / 2, hosts.length * LANE - LANE / 2]);
  const x = scaleLinear([t - SPACE_TIME_WINDOW_MS, t], [LEFT, WIDTH - 8]).clamp(true);

  return (
    <svg
      className="space-time"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Space-time diagram of ${spans.length} messages in the ${SPACE_TIME_WINDOW_MS} ms before the cursor`}
      data-testid="space-time"
    >
      {hosts.map((h) => (
        <g key={h}>
          <text x={4} y={(y(h) ?? 0) + 4} className="lane-label">
            {h}
          </text>
          <line x1={LEFT} x2={WIDTH - 8} y1={y(h)} y2={y(h)} className="lane" />
        </g>
      ))}
      {spans.map((m) => {
        const y1 = y(m.from);
        const y2 = y(m.to);
        if (y1 === undefined || y2 === undefined) return null;
        const end = Math.min(m.due, t);
        const f = m.due > m.sent ? (end - m.sent) / (m.due - m.sent) : 1;
        const lost = m.fate !== 'in-flight';
        return (
          <line
            key={m.id}
            x1={x(m.sent)}
            y1={y1}
            x2={x(end)}
            y2={y1 + (y2 - y1) * f}
            stroke={lost ? '#D55E00' : messageColour(m.type)}
            strokeDasharray={lost ? '3 3' : undefined}
            strokeWidth={1.5}
          />
        );
      })}
      <text x={LEFT} y={height - 6} className="axis-label">
        −{SPACE_TIME_WINDOW_MS} ms
      </text>
      <text x={WIDTH - 8} y={height - 6} textAnchor="end" className="axis-label">
        cursor
      </text>
    </svg>
  );
}
