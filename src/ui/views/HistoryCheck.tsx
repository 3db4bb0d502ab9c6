// "Check this run's history": the clients' operations checked for linearizability in
// slices between frames; on a violation, the smallest window that cannot be linearized
// and a jump that moves the cursor to it.
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import { checkHistory } from '../model/history-check';
import { mergedHistory } from '../../sim/check/fuzz/checks';
import type { HistoryEvent } from '../../sim/check/linearizability/history';

const ms = (t: number) => (Number.isFinite(t) ? `${(t / 1000).toFixed(3)} s` : '…');

/** Checks the run's history (or `events`, a history given through the page's API). */
export async function checkRunHistory(loop: SimLoop, events?: readonly HistoryEvent[]): Promise<void> {
  const set = useUIStore.getState().set;
  if (useUIStore.getState().check.status === 'running') return;
  set({ check: { status: 'running', steps: 0 } });
  try {
    const report = await checkHistory(events ?? mergedHistory(loop.world), (steps) => set({ check: { status: 'running', steps } }));
    set({ check: { status: 'done', report } });
  } catch (e) {
    set({ check: { status: 'error', message: (e as Error).message } });
  }
}

export function HistoryCheck({ loop }: { loop: SimLoop }) {
  const check = useUIStore((s) => s.check);
  const jump = (t: number) => {
    loop.player.send({ type: 'PAUSE' });
    loop.seek(t);
  };
  return (
    <div className="history-check">
      <button type="button" data-testid="check-history" disabled={check.status === 'running'} onClick={() => void checkRunHistory(loop)}>
        Check this run's history
      </button>
      <div aria-live="polite" data-testid="check-result">
        {check.status === 'running' && <p>Checking… {check.steps.toLocaleString()} search steps</p>}
        {check.status === 'error' && <p role="alert">Cannot check: {check.message}</p>}
        {check.status === 'done' && (
          <p data-testid="check-verdict" data-verdict={check.report.verdict}>
            <strong>{check.report.verdict === 'linearizable' ? '✓ linearizable' : check.report.verdict === 'unknown' ? '? unknown (search ran out of steps)' : '✗ not linearizable'}</strong>:{' '}
            {check.report.operations} operations checked in {check.report.ms} ms ({check.report.steps.toLocaleString()} steps)
          </p>
        )}
      </div>
      {check.status === 'done' && check.report.window !== undefined && (
        <div className="violation" data-testid="check-window">
          <p>
            {check.report.window.proven ? 'The smallest window that cannot be linearized' : 'Where the search got stuck deepest'}: {ms(check.report.window.start)} to{' '}
            {ms(check.report.window.end)}; the store before it: <code>{check.report.window.stateBefore}</code>
          </p>
          <ol>
            {check.report.window.operations.map((op) => (
              <li key={op.index} className={op.stuck ? 'stuck' : undefined}>
                process {op.process}: <code>{op.text}</code> [{ms(op.call)}, {ms(op.return)}]{op.stuck ? ' ← cannot be linearized' : ''}
              </li>
            ))}
          </ol>
          <button type="button" data-testid="check-jump" onClick={() => jump(check.report.window?.start ?? 0)}>
            Show it on the timeline
          </button>
        </div>
      )}
    </div>
  );
}
