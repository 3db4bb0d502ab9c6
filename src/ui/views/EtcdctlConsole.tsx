// An etcdctl prompt. A command is a recorded input of the world (a client request), so it
// replays; its output comes back as trace events folded into the frame, so it time-travels
// too. A line that does not parse is answered here and records nothing, as a shell would.
import { useState, type FormEvent } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import { InputSchema } from '../../sim/world/inputs';
import { parseConsoleLine } from '../model/console-commands';

/** Whether the world takes client requests as inputs (feature detection). */
const requestsAvailable = InputSchema.safeParse({ type: 'request', client: 'c1', label: 'x', request: { op: 'member-list' } }).success;
/** The world's labels name a request in at most this many characters. */
const LABEL_MAX = 64;

export function EtcdctlConsole({ loop }: { loop: SimLoop }) {
  const lines = useUIStore((s) => s.frame.console);
  const clients = useUIStore((s) => s.frame.clients);
  const forking = useUIStore((s) => s.mode === 'forking');
  const [line, setLine] = useState('');
  const [rejected, setRejected] = useState<string | undefined>();
  const client = Object.keys(clients).sort()[0];

  if (!requestsAvailable) {
    return (
      <p className="empty" data-testid="console-unavailable">
        The etcdctl console opens once the world accepts client requests.
      </p>
    );
  }
  if (client === undefined) {
    return (
      <p className="empty">
        No client yet.{' '}
        <button type="button" disabled={forking} onClick={() => loop.input({ type: 'client-add' })}>
          Add a client
        </button>
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseConsoleLine(line);
    if (!parsed.ok) {
      setRejected(`$ etcdctl ${line}\n${parsed.error}`);
      return;
    }
    setRejected(undefined);
    loop.input({ type: 'request', client, label: line.trim().slice(0, LABEL_MAX), request: parsed.op });
    setLine('');
  };
  return (
    <div className="console">
      <pre className="console-output" data-testid="console-output" tabIndex={0} role="log" aria-label={`etcdctl output (requests sent by ${client})`}>
        {lines.map((l, i) => (
          <div key={`${l.seq}-${i}`} className={l.stream}>
            {l.text}
          </div>
        ))}
        {rejected !== undefined && <div className="stderr">{rejected}</div>}
      </pre>
      <form onSubmit={submit} className="console-prompt">
        <label htmlFor="etcdctl-line">$ etcdctl</label>
        <input id="etcdctl-line" data-testid="console-input" value={line} onChange={(e) => setLine(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit" disabled={forking}>
          Run
        </button>
      </form>
      <p className="hint">via {client} · put, get, del, lease grant, member list, member add</p>
    </div>
  );
}
