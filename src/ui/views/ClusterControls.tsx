// Controls that change the cluster's shape and its links: per-link latency and drop rate,
// member add / start / remove / promote, and authentication. Each sends a recorded input
// through the world's public API (loop.input), so the run replays and forks exactly;
// membership and auth go as etcd requests from a client, as etcdctl would send them.
import { useState } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import type { InputRequest } from '../../sim/world/inputs';
import type { RequestOpInput } from '../../sim/world/requests';

/** The first client sends the cluster requests (etcdctl's role). */
function useRequester(): string | undefined {
  return useUIStore((s) => Object.keys(s.frame.clients).sort()[0]);
}

function sendRequest(loop: SimLoop, client: string, request: RequestOpInput): void {
  loop.input({ type: 'request', client, label: `ui-${request.op}-${loop.world.inputs.length + 1}`, request });
}

function LinkForm({ loop, disabled }: { loop: SimLoop; disabled: boolean }) {
  const members = useUIStore((s) => s.frame.members);
  const clients = useUIStore((s) => s.frame.clients);
  const links = useUIStore((s) => s.frame.faults.links);
  const blocked = useUIStore((s) => s.frame.faults.blocked);
  const hosts = [...members.map((m) => m.name), ...Object.keys(clients).sort()];
  const [a, setA] = useState('m1');
  const [b, setB] = useState('m2');
  const [latency, setLatency] = useState('200');
  const [drop, setDrop] = useState('0');
  const [oneWay, setOneWay] = useState(false);
  const latencyMs = Number(latency);
  const dropPct = Number(drop);
  const valid = a !== b && latency !== '' && latencyMs >= 0 && latencyMs <= 600_000 && drop !== '' && dropPct >= 0 && dropPct <= 100;
  const apply = (settings: Extract<InputRequest, { type: 'link' }>['settings']) => loop.input({ type: 'link', a, b, both: !oneWay, settings });
  const overrides = Object.entries(links);
  return (
    <fieldset className="link-form">
      <legend>One link&apos;s latency and drop rate</legend>
      <label>
        from{' '}
        <select value={a} onChange={(e) => setA(e.target.value)} data-testid="link-a">
          {hosts.map((h) => (
            <option key={h}>{h}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        to{' '}
        <select value={b} onChange={(e) => setB(e.target.value)} data-testid="link-b">
          {hosts.map((h) => (
            <option key={h}>{h}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        latency (ms) <input type="number" min={0} max={600000} value={latency} onChange={(e) => setLatency(e.target.value)} data-testid="link-latency" size={6} />
      </label>{' '}
      <label>
        drop (%) <input type="number" min={0} max={100} value={drop} onChange={(e) => setDrop(e.target.value)} data-testid="link-drop" size={4} />
      </label>{' '}
      <label>
        <input type="checkbox" checked={oneWay} onChange={(e) => setOneWay(e.target.checked)} data-testid="link-one-way" /> this direction only
      </label>
      <div className="row">
        <button type="button" disabled={disabled || !valid} data-testid="link-apply" onClick={() => apply({ latency: { kind: 'constant', ms: latencyMs }, drop: dropPct / 100 })}>
          Set link
        </button>
        <button type="button" disabled={disabled || a === b} data-testid="link-reset" onClick={() => apply(undefined)}>
          Reset link
        </button>
        {blocked.includes(`${a}>${b}`) ? (
          <button type="button" disabled={disabled} data-testid="link-unblock" onClick={() => loop.input({ type: 'unblock', from: a, to: b })}>
            Unblock {a} → {b}
          </button>
        ) : (
          <button type="button" disabled={disabled || a === b} data-testid="link-block" onClick={() => loop.input({ type: 'block', from: a, to: b })}>
            Block {a} → {b} only
          </button>
        )}
      </div>
      {a === b && <p className="note">Choose two different hosts.</p>}
      {overrides.length > 0 && (
        <ul className="link-overrides" data-testid="link-overrides">
          {overrides.map(([k, l]) => (
            <li key={k}>
              {k.replace('>', ' → ')}: {l.latencyMs === undefined ? '' : `${l.latencyMs} ms`}
              {l.drop === undefined ? '' : `, drop ${Math.round(l.drop * 100)}%`}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

const SIDES = ['A', 'B', 'C'] as const;

/** Puts each member on a side of a partition (the keyboard's way to drag members apart). */
function PartitionForm({ loop, disabled }: { loop: SimLoop; disabled: boolean }) {
  const members = useUIStore((s) => s.frame.members);
  const [side, setSide] = useState<Record<string, string>>({});
  const sideOf = (m: string) => side[m] ?? 'A';
  const groups = SIDES.map((x) => members.filter((m) => sideOf(m.name) === x).map((m) => m.name)).filter((g) => g.length > 0);
  return (
    <fieldset className="partition-form">
      <legend>Partition the members</legend>
      {members.map((m) => (
        <label key={m.name} className="side">
          {m.name}{' '}
          <select value={sideOf(m.name)} onChange={(e) => setSide({ ...side, [m.name]: e.target.value })} data-testid={`side-${m.name}`}>
            {SIDES.map((x) => (
              <option key={x} value={x}>
                side {x}
              </option>
            ))}
          </select>
        </label>
      ))}
      <div className="row">
        <button type="button" disabled={disabled || groups.length < 2} data-testid="partition-apply" onClick={() => loop.input({ type: 'partition', groups })}>
          Partition: {groups.map((g) => `{${g.join(', ')}}`).join(' | ')}
        </button>
      </div>
    </fieldset>
  );
}

function nextMemberName(taken: readonly string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`m${i}`)) return `m${i}`;
}

function MembershipForm({ loop, disabled }: { loop: SimLoop; disabled: boolean }) {
  const members = useUIStore((s) => s.frame.members);
  const added = useUIStore((s) => s.frame.added);
  const client = useRequester();
  const [learner, setLearner] = useState(true);
  const name = nextMemberName([...members.map((m) => m.name), ...added]);
  const noClient = client === undefined;
  const request = (r: RequestOpInput) => client !== undefined && sendRequest(loop, client, r);
  return (
    <fieldset className="membership-form">
      <legend>Membership</legend>
      {noClient && <p className="note">Membership changes are sent by a client: add one first.</p>}
      <div className="row">
        <label>
          <input type="checkbox" checked={learner} onChange={(e) => setLearner(e.target.checked)} data-testid="add-learner" /> as a learner
        </label>
        <button type="button" disabled={disabled || noClient} data-testid="member-add" onClick={() => request({ op: 'member-add', peerURLs: [`http://${name}:2380`], learner })}>
          member add {name}
        </button>
        {added.map((n) => (
          <button key={n} type="button" disabled={disabled} data-testid={`member-join-${n}`} onClick={() => loop.input({ type: 'member-join', member: n })}>
            Start {n} (join)
          </button>
        ))}
      </div>
      <table className="membership" aria-label="Remove or promote members">
        <tbody>
          {members.map((m) => (
            <tr key={m.name}>
              <th scope="row">
                {m.name}
                {m.learner ? ' (learner)' : ''}
              </th>
              <td>
                <button type="button" disabled={disabled || noClient} data-testid={`member-remove-${m.name}`} aria-label={`member remove ${m.name}`} onClick={() => request({ op: 'member-remove', member: m.name })}>
                  Remove
                </button>
              </td>
              <td>
                <button
                  type="button"
                  disabled={disabled || noClient || !m.learner}
                  data-testid={`member-promote-${m.name}`}
                  aria-label={`member promote ${m.name}`}
                  onClick={() => request({ op: 'member-promote', member: m.name })}
                >
                  Promote
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

function AuthForm({ loop, disabled }: { loop: SimLoop; disabled: boolean }) {
  const client = useRequester();
  const [password, setPassword] = useState('root');
  return (
    <fieldset className="auth-form">
      <legend>Authentication</legend>
      <label>
        root password <input type="text" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="root-password" size={10} />
      </label>{' '}
      <button
        type="button"
        disabled={disabled || client === undefined || password === ''}
        data-testid="auth-enable"
        onClick={() => client !== undefined && sendRequest(loop, client, { op: 'auth-enable', rootPassword: password })}
      >
        Enable auth
      </button>
      <p className="note">Adds user root with this password and turns authentication on; clients without credentials are then refused.</p>
    </fieldset>
  );
}

export function ClusterControls({ loop }: { loop: SimLoop }) {
  const forking = useUIStore((s) => s.mode === 'forking');
  return (
    <div className="cluster-controls">
      <PartitionForm loop={loop} disabled={forking} />
      <LinkForm loop={loop} disabled={forking} />
      <MembershipForm loop={loop} disabled={forking} />
      <AuthForm loop={loop} disabled={forking} />
    </div>
  );
}
