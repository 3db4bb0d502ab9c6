// Sharing a run: a permalink (the run in the URL) and export/import as a versioned file.
import { useRef } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import { encodeRun, parseRunText } from '../model/run-file';

export function permalinkFor(loop: SimLoop): string {
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('run', encodeRun(loop.run()));
  return url.toString();
}

export function RunPanel({ loop }: { loop: SimLoop }) {
  const permalink = useUIStore((s) => s.permalink);
  const set = useUIStore((s) => s.set);
  const file = useRef<HTMLInputElement>(null);

  const makePermalink = () => {
    const link = permalinkFor(loop);
    history.replaceState(null, '', link);
    set({ permalink: link });
  };

  const exportRun = () => {
    const blob = new Blob([JSON.stringify(loop.run(), null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `etcd-sim-run-seed${String((loop.world.config as { seed: number }).seed)}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const importRun = async (f: File | undefined) => {
    if (f === undefined) return;
    try {
      loop.load(parseRunText(await f.text()));
    } catch (e) {
      set({ error: `Cannot import ${f.name}: ${(e as Error).message}` });
    }
    if (file.current !== null) file.current.value = '';
  };

  return (
    <div className="run-panel">
      <div className="row">
        <button type="button" data-testid="permalink" onClick={makePermalink}>
          Permalink
        </button>
        <button type="button" data-testid="export" onClick={exportRun}>
          Export run
        </button>
        <label className="file-button">
          Import run <input ref={file} type="file" accept="application/json,.json" data-testid="import" onChange={(e) => void importRun(e.target.files?.[0])} />
        </label>
      </div>
      {permalink !== undefined && (
        <label className="permalink">
          Link to this moment <input readOnly value={permalink} data-testid="permalink-url" onFocus={(e) => e.target.select()} />
        </label>
      )}
    </div>
  );
}
