// Each client's view of the cluster (spec client.md §3-§4): its endpoints with their
// subchannel state and backoff countdown, the round-robin pointer, and one swimlane per
// recent request with each attempt, its endpoint and error, and the retry and backoff
// decisions between attempts with their arithmetic.
import { memo } from 'react';
import { scaleLinear } from 'd3';
import { useUIStore } from '../store';
import { nextPick, type ClientFrame, type RequestLane, type RequestStep } from '../model/client-frame';
import { OKABE_ITO } from './palette';
import './panels.css';
import { TableHead } from './TableHead';

const WIDTH = 520;
const LANE_H = 22;
const LEFT = 4;
/** The shortest span a lane's axis covers, so an instant request is not a point. */
const MIN_SPAN_MS = 1;

/** Subchannel states: a colour and a word, never the colour alone. */
const STATE_COLOUR: Record<string, string> = {
  READY: OKABE_ITO.green,
  CONNECTING: OKABE_ITO.yellow,
  IDLE: OKABE_ITO.grey,
  TRANSIENT_FAILURE: OKABE_ITO.vermillion,
};

export function subchannelColour(state: string): string {
  return STATE_COLOUR[state] ?? OKABE_ITO.grey;
}

function Endpoints({ name, c }: { name: string; c: ClientFrame }) {
  const t = useUIStore((s) => s.cursor.t);
  const next = nextPick(c);
  const addrs = Object.keys(c.endpoints).sort();
  if (addrs.length === 0) return <p className="empty">No subchannels yet.</p>;
  return (
    <table className="endpoints" data-testid={`endpoints-${name}`} aria-label={`${name}'s endpoints and subchannel states`}>
      <TableHead columns={['endpoint', 'subchannel', 'backoff', 'round robin']} />
      <tbody>
        {addrs.map((a) => {
          const e = c.endpoints[a];
          const left = e.backoffUntil === undefined ? undefined : Math.max(0, e.backoffUntil - t);
          const slot = c.order.indexOf(a);
          return (
            <tr key={a} data-testid={`endpoint-${name}-${a}`} data-state={e.state} title={e.reason}>
              <th scope="row">{a}</th>
              <td>
                <span className="swatch" style={{ background: subchannelColour(e.state) }} aria-hidden="true" /> {e.state}
              </td>
              <td>{left === undefined ? '' : <span className="ticking wide">{left > 0 ? `${(left / 1000).toFixed(2)} s left of ${((e.backoffMs ?? 0) / 1000).toFixed(2)} s` : 'over'}</span>}</td>
              <td>{a === next ? <strong>▶ next pick</strong> : slot >= 0 ? `in rotation` : 'not READY'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function stepText(s: RequestStep): string {
  switch (s.kind) {
    case 'attempt':
      return `attempt ${s.attempt} → ${s.addr || '(no endpoint)'}: ${s.outcome === 'ok' ? 'ok' : s.error}`;
    case 'verdict':
      return `${s.verdict}: ${s.reason}`;
    case 'backoff':
      return s.reason;
  }
}

/**
 * One request on its own time axis, from its start to its end (or to the cursor while it
 * runs), so a finished request's lane never redraws; the caption gives the duration.
 */
const Lane = memo(
  function Lane({ r, now }: { r: RequestLane; now: number | undefined }) {
    const end = r.end ?? now ?? r.start;
    const x = scaleLinear([r.start, Math.max(end, r.start + MIN_SPAN_MS)], [LEFT, WIDTH - 60]);
    const y = LANE_H / 2;
  return (
    <li className="lane-item" data-testid={`request-${r.call}`} data-outcome={r.outcome ?? 'pending'}>
      <svg viewBox={`0 0 ${WIDTH} ${LANE_H}`} className="swimlane" aria-hidden="true">
        <line x1={x(r.start)} x2={x(end)} y1={y} y2={y} className={`lane-line ${r.outcome ?? 'pending'}`} />
        {r.steps.map((s, i) => {
          if (s.kind === 'backoff') {
            return s.waitMs > 0 ? <rect key={i} x={x(s.t)} y={y - 5} width={Math.max(1, x(s.t + s.waitMs) - x(s.t))} height={10} className="backoff-bar" /> : null;
          }
          if (s.kind !== 'attempt') return null;
          const ok = s.outcome === 'ok';
          return (
            <g key={i} transform={`translate(${x(s.t)},${y})`}>
              {ok ? <circle r={5} fill={OKABE_ITO.green} /> : <path d="M-5,-5L5,5M-5,5L5,-5" stroke={OKABE_ITO.vermillion} strokeWidth={2.5} />}
              <text x={7} y={-3} className="lane-text">
                {s.addr.replace(/:\d+$/, '')}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="lane-caption">
        <strong>
          #{r.call} {r.method}
        </strong>{' '}
        {r.outcome === undefined ? '(in progress)' : r.outcome === 'ok' ? 'ok' : `failed: ${r.error}`} · <span className="ticking">{(end - r.start).toFixed(1)} ms</span>
        <ol className="steps">
          {r.steps.map((s, i) => (
            <li key={i} className={s.kind}>
              {stepText(s)}
            </li>
          ))}
        </ol>
      </div>
    </li>
  );
  },
  // Frames are fresh copies: a lane redraws only when its request moved on.
  (a, b) => a.now === b.now && a.r.call === b.r.call && a.r.end === b.r.end && a.r.steps.length === b.r.steps.length,
);

function Lanes({ c }: { c: ClientFrame }) {
  const now = useUIStore((s) => s.cursor.t);
  if (c.requests.length === 0) return <p className="empty">No requests yet.</p>;
  return (
    <ol className="swimlanes" aria-label="Recent requests, oldest first: attempts, retry verdicts and backoffs">
      {c.requests.map((r) => (
        <Lane key={r.call} r={r} now={r.end === undefined ? now : undefined} />
      ))}
    </ol>
  );
}

export function ClientSwimlanes() {
  const clients = useUIStore((s) => s.frame.clients);
  const names = Object.keys(clients).sort();
  if (names.length === 0) return <p className="empty">No clients in this run.</p>;
  return (
    <div className="client-lanes" data-testid="client-lanes">
      {names.map((n) => (
        <section key={n} aria-label={`client ${n}`}>
          <h3>{n}</h3>
          <Endpoints name={n} c={clients[n]} />
          <Lanes c={clients[n]} />
        </section>
      ))}
    </div>
  );
}
