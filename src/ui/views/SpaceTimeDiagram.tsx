// Messages over the last moments before the cursor: one lane per host, time to the
// right, each message a line from its send to its arrival (or to the cursor while it flies).
// Zooming changes the window the diagram shows, from a few seconds down to a few tens of
// milliseconds; the loop fetches that window's messages and keeps the newest few hundred,
// so a wide window never draws more strokes than a narrow one.
import { useMemo } from 'react';
import { scaleLinear, scalePoint } from 'd3';
import { SPACE_TIME_MAX_MESSAGES, SPACE_TIME_ZOOMS, useUIStore } from '../store';
import { CanvasLayer } from './CanvasLayer';
import { messageColour } from './palette';

const WIDTH = 640;
const LANE = 28;
const LEFT = 44;
const LOST = '(lost)';

export function SpaceTimeDiagram() {
  const members = useUIStore((s) => s.frame.members);
  const clients = useUIStore((s) => s.frame.clients);
  const spans = useUIStore((s) => s.spans);
  const t = useUIStore((s) => s.cursor.t);
  const windowMs = useUIStore((s) => s.spaceTimeWindowMs);
  const set = useUIStore((s) => s.set);
  // SPACE_TIME_ZOOMS runs widest first.
  const zoom = SPACE_TIME_ZOOMS.indexOf(windowMs);
  const zoomTo = (i: number) => set({ spaceTimeWindowMs: SPACE_TIME_ZOOMS[i] });
  const from = t - windowMs;
  // At the cap, older messages of the window were left out: say from when they are drawn.
  const drawnFrom = spans.length >= SPACE_TIME_MAX_MESSAGES && spans[0].sent > from ? spans[0].sent : undefined;

  const hosts = useMemo(() => [...members.map((m) => m.name), ...Object.keys(clients).sort()], [members, clients]);
  const height = hosts.length * LANE + 24;
  const y = useMemo(() => scalePoint(hosts, [LANE / 2, hosts.length * LANE - LANE / 2]), [hosts]);
  const x = useMemo(() => scaleLinear([from, t], [LEFT, WIDTH - 8]), [from, t]);

  // Drawn on a canvas, one path per message type (and one for lost messages): hundreds of
  // strokes move every frame.
  const drawStrokes = (ctx: CanvasRenderingContext2D) => {
    const byKey = new Map<string, number[]>();
    for (const m of spans) {
      const y1 = y(m.from);
      const y2 = y(m.to);
      if (y1 === undefined || y2 === undefined) continue;
      if (m.due < from) continue;
      // The part of the flight inside the window, at the heights it had then.
      const start = Math.max(m.sent, from);
      const end = Math.min(m.due, t);
      const at = (u: number) => y1 + (y2 - y1) * (m.due > m.sent ? (u - m.sent) / (m.due - m.sent) : 1);
      const key = m.fate === 'in-flight' ? m.type : LOST;
      let line = byKey.get(key);
      if (line === undefined) byKey.set(key, (line = []));
      line.push(x(start), at(start), x(end), at(end));
    }
    ctx.lineWidth = 1.5;
    for (const [key, line] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const lost = key === LOST;
      ctx.strokeStyle = lost ? '#D55E00' : messageColour(key);
      ctx.setLineDash(lost ? [3, 3] : []);
      // A stroke per segment: Skia draws a lone line fast, a path of hundreds slowly.
      for (let i = 0; i < line.length; i += 4) {
        ctx.beginPath();
        ctx.moveTo(line[i], line[i + 1]);
        ctx.lineTo(line[i + 2], line[i + 3]);
        ctx.stroke();
      }
    }
  };

  return (
    <>
      <div className="row zoom" role="group" aria-label="Zoom the space-time diagram">
        <button
          type="button"
          data-testid="space-time-zoom-in"
          aria-label={`Zoom in: show ${SPACE_TIME_ZOOMS[zoom + 1] ?? windowMs} ms before the cursor`}
          disabled={zoom === SPACE_TIME_ZOOMS.length - 1}
          onClick={() => zoomTo(zoom + 1)}
        >
          Zoom in
        </button>
        <button
          type="button"
          data-testid="space-time-zoom-out"
          aria-label={`Zoom out: show ${SPACE_TIME_ZOOMS[zoom - 1] ?? windowMs} ms before the cursor`}
          disabled={zoom === 0}
          onClick={() => zoomTo(zoom - 1)}
        >
          Zoom out
        </button>
        <output data-testid="space-time-window" aria-live="polite">
          {windowMs} ms before the cursor
          {drawnFrom === undefined ? '' : ` (the newest ${spans.length} messages, from ${Math.round(t - drawnFrom)} ms before)`}
        </output>
      </div>
      <svg
        className="space-time"
        viewBox={`0 0 ${WIDTH} ${height}`}
        style={{ aspectRatio: `${WIDTH} / ${height}` }}
        role="img"
        aria-label={`Space-time diagram of the messages in the ${windowMs} ms before the cursor`}
        data-testid="space-time"
        data-window-ms={windowMs}
      >
        {hosts.map((h) => (
          <g key={h}>
            <text x={4} y={(y(h) ?? 0) + 4} className="lane-label">
              {h}
            </text>
            <line x1={LEFT} x2={WIDTH - 8} y1={y(h)} y2={y(h)} className="lane" />
          </g>
        ))}
        {drawnFrom !== undefined && <rect x={LEFT} y={0} width={x(drawnFrom) - LEFT} height={hosts.length * LANE} fill="#eef0f3" data-testid="space-time-not-drawn" />}
        <CanvasLayer width={WIDTH} height={height} draw={drawStrokes} aria-hidden="true" data-testid="space-time-strokes" />
        <text x={LEFT} y={height - 6} className="axis-label">
          −{windowMs} ms
        </text>
        <text x={WIDTH - 8} y={height - 6} textAnchor="end" className="axis-label">
          cursor
        </text>
      </svg>
    </>
  );
}
