// Faults a person can inject. Every button sends a recorded input through the world's
// public API (loop.input), so the run replays and forks exactly.
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import type { InputRequest } from '../../sim/world/inputs';

/** fsync latency of a slow disk, ms: well past etcd's 100 ms "slow fdatasync" warning. */
const SLOW_FSYNC_MS = 250;
const FAST_FSYNC_MS = 1;

const NETWORKS: { label: string; settings: Extract<InputRequest, { type: 'network' }>['settings'] }[] = [
  { label: 'calm (15–30 ms)', settings: { latency: { kind: 'uniform', min: 15, max: 30 } } },
  { label: 'slow (80–200 ms)', settings: { latency: { kind: 'uniform', min: 80, max: 200 } } },
  { label: 'lossy (10% drop)', settings: { latency: { kind: 'uniform', min: 15, max: 30 }, drop: 0.1 } },
  { label: 'chaotic (drop, dup, reorder)', settings: { latency: { kind: 'longtail', min: 5, median: 25, max: 400 }, drop: 0.05, duplicate: 0.05, reorder: 0.2 } },
];

export function FaultPanel({ loop }: { loop: SimLoop }) {
  const members = useUIStore((s) => s.frame.members);
  const groups = useUIStore((s) => s.frame.faults.groups);
  const blocked = useUIStore((s) => s.frame.faults.blocked);
  const forking = useUIStore((s) => s.mode === 'forking');
  const slowDisks = useUIStore((s) => s.frame.faults.slowDisks);
  const send = (r: InputRequest) => loop.input(r);
  const partitioned = groups.length > 0 || blocked.length > 0;
  return (
    <div className="faults">
      <table className="member-faults" aria-label="Member faults">
        <tbody>
          {members.map((m) => (
            <tr key={m.name} data-testid={`member-${m.name}`} data-status={m.status}>
              <th scope="row">{m.name}</th>
              <td>{m.status}</td>
              <td>
                {m.status === 'running' ? (
                  <button type="button" disabled={forking} data-testid={`crash-${m.name}`} onClick={() => send({ type: 'crash', member: m.name })}>
                    Crash
                  </button>
                ) : (
                  <button type="button" disabled={forking} data-testid={`restart-${m.name}`} onClick={() => send({ type: 'restart', member: m.name })}>
                    Restart
                  </button>
                )}
              </td>
              <td>
                <button type="button" disabled={forking || m.status !== 'running'} data-testid={`stop-${m.name}`} aria-label={`Stop ${m.name} cleanly`} onClick={() => send({ type: 'stop', member: m.name })}>
                  Stop
                </button>
              </td>
              <td>
                <button
                  type="button"
                  disabled={forking || m.status !== 'running' || m.role === 'leader' || !members.some((x) => x.role === 'leader')}
                  data-testid={`transfer-${m.name}`}
                  aria-label={`Transfer leadership to ${m.name}`}
                  onClick={() => send({ type: 'transfer-leader', to: m.name })}
                >
                  Make leader
                </button>
              </td>
              <td>
                <label>
                  <input
                    type="checkbox"
                    disabled={forking}
                    data-testid={`slow-disk-${m.name}`}
                    checked={slowDisks.includes(m.name)}
                    onChange={(e) => send({ type: 'disk', member: m.name, fsyncMs: e.target.checked ? SLOW_FSYNC_MS : FAST_FSYNC_MS })}
                  />{' '}
                  slow disk
                </label>
              </td>
              <td>
                <button
                  type="button"
                  disabled={forking}
                  data-testid={`isolate-${m.name}`}
                  aria-label={`Isolate ${m.name} from the other members`}
                  onClick={() => send({ type: 'partition', groups: [[m.name], members.filter((x) => x.name !== m.name).map((x) => x.name)] })}
                >
                  Isolate
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="partition-state" data-testid="partition-state">
        {partitioned
          ? `Partitioned: ${groups.map((g) => `{${g.join(', ')}}`).join(' | ')}${blocked.length > 0 ? ` blocked ${blocked.join(', ')}` : ''}`
          : 'Network whole: every member reaches every other.'}
      </p>
      <div className="row">
        <button type="button" disabled={forking || members.length < 3} data-testid="split-minority" onClick={() => send(splitMinority(members.map((m) => m.name)))}>
          Split off a minority
        </button>
        <button type="button" disabled={forking || !partitioned} data-testid="heal" onClick={() => send({ type: 'heal' })}>
          Heal network
        </button>
      </div>
      <label>
        Network{' '}
        <select data-testid="network" defaultValue="" disabled={forking} onChange={(e) => e.target.value !== '' && send({ type: 'network', settings: NETWORKS[Number(e.target.value)].settings })}>
          <option value="" disabled>
            choose conditions…
          </option>
          {NETWORKS.map((n, i) => (
            <option key={n.label} value={i}>
              {n.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The first floor((n-1)/2) members on one side: the rest keep a quorum. */
function splitMinority(names: string[]): InputRequest {
  const k = Math.max(1, Math.floor((names.length - 1) / 2));
  return { type: 'partition', groups: [names.slice(0, k), names.slice(k)] };
}
