// Where the members keep their files: memory, or this browser's IndexedDB so that a
// reload restarts the cluster from its WALs and snapshots (storage.ts).
import type { SimLoop } from '../sim-loop';
import { forgetStoredCluster, storageFromURL, urlWithStorage } from '../storage';

export function StorageControls({ loop }: { loop: SimLoop }) {
  const mode = storageFromURL(new URLSearchParams(location.search));
  const restarted = loop.world.members.filter((m) => m.mode === 'restart').map((m) => m.name);
  const forget = async () => {
    await forgetStoredCluster();
    location.reload();
  };
  return (
    <div className="storage">
      <label>
        <input type="checkbox" data-testid="storage-indexeddb" checked={mode === 'indexeddb'} onChange={(e) => location.assign(urlWithStorage(e.target.checked ? 'indexeddb' : 'memory'))} />{' '}
        Keep the cluster in this browser (IndexedDB): a reload restarts it from its files
      </label>
      {mode === 'indexeddb' && (
        <p data-testid="storage-status">
          {restarted.length > 0 ? `Restarted from IndexedDB: ${restarted.join(', ')}.` : 'A new cluster, stored in IndexedDB.'}{' '}
          <button type="button" data-testid="storage-forget" onClick={() => void forget()}>
            Forget the stored cluster
          </button>
        </p>
      )}
    </div>
  );
}
