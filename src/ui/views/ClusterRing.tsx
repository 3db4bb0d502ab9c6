// The cluster as a ring of members with the messages in flight at the cursor. React
// renders the SVG; D3 supplies the positions (layout.ts) and colours.
import { useMemo } from 'react';
import { path } from 'd3';
import { useUIStore } from '../store';
import { roleLetter, type MemberFrame } from '../model/frame';
import { messagePoint, reachable, ringPositions, type Point } from './layout';
import { memberFill, memberLabel, messageColour } from './palette';

const SIZE = 420;
const R = 150;
const NODE_R = 30;
const MESSAGE_R = 5;

function MemberNode({ m, at }: { m: MemberFrame; at: Point }) {
  const letter = m.status === 'crashed' ? '✕' : roleLetter(m.role);
  return (
    <g transform={`translate(${at.x},${at.y})`} data-testid={`ring-${m.name}`} data-role={m.role} data-status={m.status} role="img" aria-label={memberLabel(m)}>
      <circle r={NODE_R} fill={memberFill(m)} stroke="#1b1f24" strokeWidth={m.role === 'leader' ? 4 : 1.5} strokeDasharray={m.status === 'crashed' ? '5 4' : undefined} />
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

export function ClusterRing() {
  const members = useUIStore((s) => s.frame.members);
  const clients = useUIStore((s) => s.frame.clients);
  const faults = useUIStore((s) => s.frame.faults);
  const flights = useUIStore((s) => s.flights);
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

  // One path per message type: hundreds of messages stay a handful of DOM nodes.
  const flightPaths = useMemo(() => {
    const byType = new Map<string, ReturnType<typeof path>>();
    for (const f of flights) {
      const from = positions.get(f.from);
      const to = positions.get(f.to);
      if (from === undefined || to === undefined) continue;
      const p = messagePoint(from, to, f.sent, f.due, t);
      let d = byType.get(f.type);
      if (d === undefined) byType.set(f.type, (d = path()));
      d.moveTo(p.x + MESSAGE_R, p.y);
      d.arc(p.x, p.y, MESSAGE_R, 0, 2 * Math.PI);
    }
    return [...byType].map(([type, d]) => [type, d.toString()] as const);
  }, [flights, positions, t]);

  return (
    <svg className="cluster-ring" viewBox={`0 0 ${SIZE} ${SIZE}`} role="group" aria-label="Cluster members and messages in flight" data-testid="cluster-ring">
      <g className="links" aria-hidden="true">
        {links.map(({ a, b, cut }) => {
          const pa = positions.get(a) as Point;
          const pb = positions.get(b) as Point;
          return <line key={`${a}-${b}`} x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} className={cut ? 'link cut' : 'link'} data-testid={cut ? 'cut-link' : undefined} />;
        })}
      </g>
      <g className="flights" aria-hidden="true" data-testid="flights" data-count={flights.length}>
        {flightPaths.map(([type, d]) => (
          <path key={type} d={d} fill={messageColour(type)} stroke="white" strokeWidth={1} />
        ))}
      </g>
      {members.map((m) => (
        <MemberNode key={m.name} m={m} at={positions.get(m.name) as Point} />
      ))}
      {clientNames.map((c) => {
        const p = positions.get(c) as Point;
        return (
          <g key={c} transform={`translate(${p.x},${p.y})`} role="img" aria-label={`client ${c}`}>
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
