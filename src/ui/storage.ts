// Where the page's members keep their files. By default in memory; with
// `?storage=indexeddb` each member keeps its WAL, snapshots and db in an IndexedDB
// database of this browser, so a reload restarts the cluster from them as etcd restarts
// from its data directory. Forks and loaded runs re-execute in memory.
import { World } from '../sim/world/world';
import type { Backend } from '../sim/storage/backend/backend';
import { databaseName, IndexedDBBackend } from '../sim/storage/backend/indexeddb';

export type StorageMode = 'memory' | 'indexeddb';

/** The page's stored cluster: databases "etcd-sim/page/<member>". */
const CLUSTER = 'page';

const opened: Backend[] = [];

export function storageFromURL(params: URLSearchParams): StorageMode {
  return params.get('storage') === 'indexeddb' ? 'indexeddb' : 'memory';
}

/** The page's URL with the storage mode set (other parameters kept). */
export function urlWithStorage(mode: StorageMode): string {
  const url = new URL(location.href);
  if (mode === 'indexeddb') url.searchParams.set('storage', 'indexeddb');
  else url.searchParams.delete('storage');
  return url.toString();
}

/** A world whose members keep their files in IndexedDB; members with files restart from them. */
export async function openStoredWorld(config: unknown): Promise<World> {
  return World.open(config, async (member) => {
    const b = await IndexedDBBackend.open(CLUSTER, member);
    opened.push(b);
    return b;
  });
}

/** Deletes the stored cluster's databases (closing this page's connections first). */
export async function forgetStoredCluster(): Promise<void> {
  for (const b of opened.splice(0)) b.close();
  const prefix = databaseName(CLUSTER, '');
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(prefix));
  for (const n of names) await IndexedDBBackend.destroy(CLUSTER, n.slice(prefix.length));
}
