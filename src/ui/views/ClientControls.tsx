// Per-client controls: start or stop its workload, and edit its endpoints (clientv3's
// SetEndpoints). Each is a recorded input through loop.input.
import { useState } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import type { ClientFrame } from '../model/client-frame';
import type { InputRequest } from '../../sim/world/inputs';

type Workload = Extract<InputRequest, { type: 'workload-start' }>['workload'];

const WORKLOADS: { label: string; workload: Workload }[] = [
  { label: 'reads and writes', workload: { rate: 2, concurrency: 1 } },
  { label: 'with watches and leases', workload: { rate: 2, concurrency: 2, mix: { get: 2, put: 3, delete: 1, watch: 2, lease: 2 } } },
  { label: 'busy (20 ops/s)', workload: { rate: 20, concurrency: 4 } },
];

function ClientRow({ loop, name, c, disabled }: { loop: SimLoop; name: string; c: ClientFrame; disabled: boolean }) {
  const [mix, setMix] = useState(0);
  const [endpoints, setEndpoints] = useState<string | undefined>(undefined);
  const shown = endpoints ?? c.urls.join(', ');
  const list = shown
    .split(/[\s,]+/)
    .filter((x) => x !== '')
    .map((x) => (/^https?:\/\//.test(x) ? x : `http://${x}`));
  return (
    <div className="client-controls row" data-testid={`client-controls-${name}`}>
      <strong>{name}</strong>
      <label>
        workload{' '}
        <select value={mix} onChange={(e) => setMix(Number(e.target.value))} data-testid={`workload-mix-${name}`} disabled={c.workload}>
          {WORKLOADS.map((w, i) => (
            <option key={w.label} value={i}>
              {w.label}
            </option>
          ))}
        </select>
      </label>
      {c.workload ? (
        <button type="button" disabled={disabled} data-testid={`workload-stop-${name}`} onClick={() => loop.input({ type: 'workload-stop', client: name })}>
          Stop workload
        </button>
      ) : (
        <button type="button" disabled={disabled} data-testid={`workload-start-${name}`} onClick={() => loop.input({ type: 'workload-start', client: name, workload: WORKLOADS[mix].workload })}>
          Start workload
        </button>
      )}
      <label className="endpoints-edit">
        endpoints <input value={shown} onChange={(e) => setEndpoints(e.target.value)} data-testid={`endpoints-input-${name}`} size={30} />
      </label>
      <button
        type="button"
        disabled={disabled || list.length === 0}
        data-testid={`endpoints-apply-${name}`}
        onClick={() => {
          loop.input({ type: 'client-endpoints', client: name, endpoints: list });
          setEndpoints(undefined);
        }}
      >
        Set endpoints
      </button>
    </div>
  );
}

export function ClientControls({ loop }: { loop: SimLoop }) {
  const clients = useUIStore((s) => s.frame.clients);
  const forking = useUIStore((s) => s.mode === 'forking');
  return (
    <div className="client-controls-list">
      {Object.keys(clients)
        .sort()
        .map((n) => (
          <ClientRow key={n} loop={loop} name={n} c={clients[n]} disabled={forking} />
        ))}
    </div>
  );
}
