// Opens a member's simulated disk on the kernel (storage/disk.ts "Contract with the
// kernel"): virtual time, fsync completions as kernel events, real IndexedDB writes held
// by the kernel, a seeded stream for latencies and torn writes, and every storage
// decision as a trace event.

import type { Kernel } from '../kernel/kernel';
import type { Backend } from '../storage/backend/backend';
import type { DiskConfig } from '../storage/disk';
import { DefaultDiskConfig, Disk } from '../storage/disk';
import type { StorageEvent } from '../storage/events';
import type { TraceKinds } from '../trace/trace';
import './events';

export function openMemberDisk(kernel: Kernel, name: string, backend: Backend, config: DiskConfig = DefaultDiskConfig): Promise<Disk> {
  const { host, rng, sink } = diskParts(kernel, name);
  return Disk.open(backend, host, rng, config, sink);
}

/** A new member's disk over an empty backend, synchronously. */
export function freshMemberDisk(kernel: Kernel, name: string, backend: Backend, config: DiskConfig = DefaultDiskConfig): Disk {
  const { host, rng, sink } = diskParts(kernel, name);
  return Disk.fresh(backend, host, rng, config, sink);
}

function diskParts(kernel: Kernel, name: string) {
  const stream = kernel.random(`${name}/disk`);
  const host = {
    now: () => kernel.now,
    schedule: (delayMs: number, fn: () => void) => void kernel.schedule(delayMs, fn, `${name} disk`),
    hold: (until: number, pending: Promise<void>) => kernel.hold(until, pending),
  };
  const sink = kernel.trace.enabled('info')
    ? (e: StorageEvent) => {
        const { at: _at, cause, ...rest } = e;
        const level = e.type === 'wal.record.appended' || e.type.startsWith('disk.fsync') ? 'debug' : 'info';
        if (kernel.trace.enabled(level)) {
          kernel.trace.emit(name, 'server.storage', rest as TraceKinds['server.storage'], { reason: cause }, level);
        }
      }
    : undefined;
  return { host, rng: { float: () => stream.float() }, sink };
}
