// An etcdctl prompt. A command line is a recorded input of the world, so it replays; its
// output comes back as trace events (folded into the frame), so it time-travels too.
import { useState, type FormEvent } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import { InputSchema, type InputRequest } from '../../sim/world/inputs';

/** Whether this world accepts etcdctl command lines yet (feature detection). */
export const etcdctlAvailable = InputSchema.safeParse({ type: 'etcdctl', line: 'version' }).success;

export function EtcdctlConsole({ loop }: { loop: SimLoop }) {
  const lines = useUIStore((s) => s.frame.console);
  const [line, setLine] = useState('');
  if (!etcdctlAvailable) {
    return (
      <p className="empty" data-testid="console-unavailable">
        The etcdctl console opens once the world runs etcd members and accepts etcdctl commands.
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (line.trim() === '') return;
    loop.input({ type: 'etcdctl', line } as unknown as InputRequest);
    setLine('');
  };
  return (
    <div className="console">
      <pre className="console-output" data-testid="console-output" tabIndex={0} aria-live="polite" aria-label="etcdctl output">
        {lines.map((l, i) => (
          <div key={`${l.seq}-${i}`} className={l.kind.includes('err') ? 'stderr' : undefined}>
            {l.text}
          </div>
        ))}
      </pre>
      <form onSubmit={submit} className="console-prompt">
        <label htmlFor="etcdctl-line">$ etcdctl</label>
        <input id="etcdctl-line" data-testid="console-input" value={line} onChange={(e) => setLine(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit">Run</button>
      </form>
    </div>
  );
}
