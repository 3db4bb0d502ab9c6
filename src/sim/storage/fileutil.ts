// Purging old files (etcd's fileutil.PurgeFile, spec server.md §5.8): keep the
// newest `max` files with the suffix; remove older ones oldest first, stopping
// at the first one still held (a WAL segment whose lock was not released).
// The server runs it every purgeFileInterval (30 s) with MaxWALFiles and
// MaxSnapFiles (5 each).

import type { Disk } from './disk';

export function purgeFiles(
  disk: Disk,
  dir: string,
  suffix: string,
  max: number,
  isHeld: (name: string) => boolean = () => false,
): string[] {
  const names = disk.list(dir).filter((n) => n.endsWith(suffix));
  const removed: string[] = [];
  for (const name of names.slice(0, Math.max(0, names.length - max))) {
    if (isHeld(name)) break;
    disk.remove(`${dir}/${name}`, `purge: keep the newest ${max} *${suffix} files`);
    removed.push(name);
  }
  return removed;
}
