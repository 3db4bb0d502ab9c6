// The cluster as a ring of members with the messages in flight at the cursor, each
// member's election timer as an arc and its fsyncs as a disk badge, and each client's
// line to each endpoint in its subchannel's state. React renders the SVG; D3 supplies the
// positions (layout.ts), arcs and colours.
import { useMemo } from 'react';
import { arc, path } from 'd3';
import { useUIStore } from '../store';
import type { MemberFrame, TimerView } from '../model/frame';
import { electionCountdown, type Countdown } from '../model/election-timer';
import { CanvasLayer } from './CanvasLayer';
import { subchannelColour } from './ClientSwimlanes';
import { messagePoint, reachable, recentlyLost, ringPositions, type Point } from './layout';
import { memberFill, memberLabel, memberLetter, messageColour } from './palette';

const SIZE = 420;
const R = 150;
const NODE_R = 30;
const MESSAGE_R = 5;
/** Half the side of a message's dot image: its radius and half its white outline. */
const DOT_HALF = MESSAGE_R + 1;

/** A message type's dot (its colour, outlined in white) at `scale` device pixels per unit, drawn once. */
const dots = new Map<string, HTMLCanvasElement>();
function messageDot(type: string, scale: number): HTMLCanvasElement {
  const key = `${type}@${scale}`;
  let dot = dots.get(key);
  if (dot === undefined) {
    dot = document.createElement('canvas');
    dot.width = dot.height = Math.ceil(2 * DOT_HALF * scale);
    const ctx = dot.getContext('2d') as CanvasRenderingContext2D;
    ctx.scale(dot.width / (2 * DOT_HALF), dot.height / (2 * DOT_HALF));
    ctx.arc(DOT_HALF, DOT_HALF, MESSAGE_R, 0, 2 * Math.PI);
    ctx.fillStyle = messageColour(type);
    ctx.fill();
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 1;
    ctx.stroke();
    dots.set(key, dot);
  }
  return dot;
}

/** Where on its link a lost transmission is marked: near the receiver it did not reach. */
const LOST_AT = 0.8;

const timerArc = arc<number>()
  .innerRadius(NODE_R + 3)
  .outerRadius(NODE_R + 7)
  .startAngle(0)
  .endAngle((left) => 2 * Math.PI * left);

/**
 * The election timer of a running follower or candidate at time t (a learner never
 * campaigns): the arc's whole is the timeout the member drew in [1, 2) × the election
 * timeout, and it empties on the tick on which the member campaigns (election-timer.ts).
 */
export function timerCountdown(m: MemberFrame, timer: TimerView | undefined, t: number, tickMs: number): Countdown | undefined {
  if (m.status !== 'running' || m.role === '' || m.role === 'leader' || m.learner) return undefined;
  return electionCountdown(timer, t, tickMs);
}

function describeTimer(timer: Countdown | undefined, fsyncMs: number | undefined): string {
  const parts: string[] = [];
  if (timer !== undefined) {
    const total = `election timeout ${Math.round(timer.totalMs)} ms`;
    parts.push(timer.leftMs > 0 ? `${total}, campaigns in ${Math.round(timer.leftMs)} ms unless it hears a leader` : `${total} passed: campaigns`);
  }
  if (fsyncMs !== undefined) parts.push(`fsync running for ${Math.round(fsyncMs)} ms`);
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
}

function MemberNode({ m, at, timer, t, tickMs }: { m: MemberFrame; at: Point; timer: TimerView | undefined; t: number; tickMs: number }) {
  const letter = memberLetter(m);
  const countdown = timerCountdown(m, timer, t, tickMs);
  const left = countdown === undefined ? undefined : countdown.leftMs / countdown.totalMs;
  const fsyncMs = m.status === 'running' && timer?.fsyncSince !== undefined && timer.fsyncSince <= t ? t - timer.fsyncSince : undefined;
  return (
    <g
      transform={`translate(${at.x},${at.y})`}
      data-testid={`ring-${m.name}`}
      data-role={m.role}
      data-status={m.status}
      data-learner={m.learner ? 'true' : undefined}
      data-fsync={fsyncMs === undefined ? undefined : 'true'}
      role="img"
      aria-label={memberLabel(m) + describeTimer(countdown, fsyncMs)}
    >
      {left !== undefined && (
        <g className="timer" data-testid={`timer-${m.name}`} data-left={left.toFixed(2)} data-timeout-ms={countdown?.totalMs}>
          <circle r={NODE_R + 5} className="timer-track" />
          {left > 0 && <path d={timerArc(left) ?? ''} className="timer-arc" />}
        </g>
      )}
      <circle r={NODE_R} fill={memberFill(m)} stroke="#1b1f24" strokeWidth={m.role === 'leader' ? 4 : 1.5} strokeDasharray={m.status !== 'running' ? '5 4' : undefined} />
      {fsyncMs !== undefined && (
        <g transform={`translate(${NODE_R - 4},${-NODE_R + 2})`} className="fsync">
          <rect x={-9} y={-7} width={18} height={14} rx={2} />
          <text y={4} textAnchor="middle">
            ⟳
          </text>
        </g>
      )}
      <text className="node-name" y={letter === '' ? 5 : -4} textAnchor="middle">
        {m.name}
      </text>
      {letter !== '' && (
        <text className="node-badge" y={14} textAnchor="middle">
          {letter}
          {m.status === 'running' && m.term > 0 ? ` t${m.term}` : ''}
        </text>
      )}
    </g>
  );
}

function clientLabel(name: string, endpoints: Record<string, { state: string }>): string {
  const states = Object.entries(endpoints)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([addr, e]) => `${addr} ${e.state}`);
  return `client ${name}${states.length === 0 ? '' : `: ${states.join(', ')}`}`;
}

/** `tickMs`: the world's --heartbeat-interval, the period of each member's raft ticks. */
export function ClusterRing({ tickMs }: { tickMs: number }) {
  const members = useUIStore((s) => s.frame.members);
  const clients = useUIStore((s) => s.frame.clients);
  const faults = useUIStore((s) => s.frame.faults);
  const timers = useUIStore((s) => s.frame.timers);
  const flights = useUIStore((s) => s.flights);
  const spans = useUIStore((s) => s.spans);
  const t = useUIStore((s) => s.cursor.t);

  const names = useMemo(() => members.map((m) => m.name), [members]);
  const clientNames = useMemo(() => Object.keys(clients).sort(), [clients]);
  const positions = useMemo(() => {
    const p = ringPositions(names, SIZE / 2, SIZE / 2, R);
    // Clients sit in the corners, outside the ring.
    clientNames.forEach((c, i) => p.set(c, { x: i % 2 === 0 ? 30 : SIZE - 30, y: SIZE - 30 - Math.floor(i / 2) * 50 }));
    return p;
  }, [names, clientNames]);

  const links = useMemo(() => {
    const out: { a: string; b: string; cut: boolean }[] = [];
    names.forEach((a, i) =>
      names.slice(i + 1).forEach((b) => {
        const cut = !reachable(faults.groups, faults.blocked, a, b) || !reachable(faults.groups, faults.blocked, b, a) || `${a}>${b}` in faults.down;
        out.push({ a, b, cut });
      }),
    );
    return out;
  }, [names, faults]);

  // Each client's line to each endpoint, in its subchannel's state (dashed unless READY).
  const endpointLines = useMemo(
    () =>
      clientNames.flatMap((c) =>
        Object.entries(clients[c].endpoints).flatMap(([addr, e]) => {
          const from = positions.get(c);
          const to = positions.get(addr.replace(/:\d+$/, ''));
          return from === undefined || to === undefined ? [] : [{ key: `${c}-${addr}`, from, to, state: e.state }];
        }),
      ),
    [clientNames, clients, positions],
  );

  // Drawn on a canvas, each message a copy of its type's dot: hundreds move every frame.
  const drawFlights = (ctx: CanvasRenderingContext2D) => {
    const scale = ctx.getTransform().a;
    for (const f of flights) {
      const from = positions.get(f.from);
      const to = positions.get(f.to);
      if (from === undefined || to === undefined) continue;
      const p = messagePoint(from, to, f.sent, f.due, t);
      ctx.drawImage(messageDot(f.type, scale), p.x - DOT_HALF, p.y - DOT_HALF, 2 * DOT_HALF, 2 * DOT_HALF);
    }
  };

  // Messages lost in the last moments, as one path of crosses near their receivers.
  const lost = useMemo(() => {
    const d = path();
    let count = 0;
    for (const m of recentlyLost(spans, t)) {
      const from = positions.get(m.from);
      const to = positions.get(m.to);
      if (from === undefined || to === undefined) continue;
      const x = from.x + (to.x - from.x) * LOST_AT;
      const y = from.y + (to.y - from.y) * LOST_AT;
      d.moveTo(x - MESSAGE_R, y - MESSAGE_R);
      d.lineTo(x + MESSAGE_R, y + MESSAGE_R);
      d.moveTo(x - MESSAGE_R, y + MESSAGE_R);
      d.lineTo(x + MESSAGE_R, y - MESSAGE_R);
      count++;
    }
    return { d: d.toString(), count };
  }, [spans, positions, t]);

  // The same elements while the links and endpoints stay: React skips them on every frame.
  const lines = useMemo(
    () => (
      <>
        <g className="links" aria-hidden="true">
          {links.map(({ a, b, cut }) => {
            const pa = positions.get(a) as Point;
            const pb = positions.get(b) as Point;
            return <line key={`${a}-${b}`} x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} className={cut ? 'link cut' : 'link'} data-testid={cut ? 'cut-link' : undefined} />;
          })}
        </g>
        <g className="endpoint-lines" aria-hidden="true">
          {endpointLines.map((l) => (
            <line
              key={l.key}
              x1={l.from.x}
              y1={l.from.y}
              x2={l.to.x}
              y2={l.to.y}
              stroke={subchannelColour(l.state)}
              strokeDasharray={l.state === 'READY' ? undefined : '2 4'}
              className="endpoint-line"
              data-state={l.state}
            />
          ))}
        </g>
      </>
    ),
    [links, endpointLines, positions],
  );

  return (
    <svg className="cluster-ring" viewBox={`0 0 ${SIZE} ${SIZE}`} role="group" aria-label="Cluster members and messages in flight" data-testid="cluster-ring">
      {lines}
      <CanvasLayer width={SIZE} height={SIZE} draw={drawFlights} className="flights" aria-hidden="true" data-testid="flights" data-count={flights.length} />
      <path className="lost-messages" d={lost.d} aria-hidden="true" data-testid="lost-messages" data-count={lost.count} />
      {members.map((m) => (
        <MemberNode key={m.name} m={m} at={positions.get(m.name) as Point} timer={timers[m.name]} t={t} tickMs={tickMs} />
      ))}
      {clientNames.map((c) => {
        const p = positions.get(c) as Point;
        return (
          <g key={c} transform={`translate(${p.x},${p.y})`} role="img" aria-label={clientLabel(c, clients[c].endpoints)}>
            <rect x={-22} y={-14} width={44} height={28} rx={4} fill="white" stroke="#1b1f24" />
            <text y={5} textAnchor="middle" className="node-name">
              {c}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
