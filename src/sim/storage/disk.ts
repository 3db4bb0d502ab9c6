/**
 * The simulated disk of one member: its files, what of them is durable, fsync
 * latency, and what a crash leaves behind.
 *
 * Model
 * - Reads and writes are synchronous and see the page cache (everything
 *   written). A write becomes durable only when an fsync covering it completes.
 * - fsync(file) completes at a virtual instant drawn from the seeded latency
 *   distribution. The device serves fsyncs in order (FIFO): one completes no
 *   earlier than the one issued before it, so waiting for the last fsync means
 *   waiting for all of them.
 * - writeFile replaces a file atomically: until its fsync completes, a crash
 *   restores the previous durable content (or no file). This is how bbolt's
 *   commit and a written-then-synced snapshot file behave.
 * - truncate, rename and remove are directory/metadata operations and durable
 *   at once (etcd fsyncs the file or directory right after each of them).
 * - crash() drops every write that is not durable. With the configured seeded
 *   probability, a file with an unsynced appended tail keeps a prefix of it
 *   instead, cut at a random 512-byte sector boundary: a torn write, which the
 *   WAL detects and repairs on open.
 *
 * Contract with the kernel (DiskHost)
 * - now(): the current virtual time in ms.
 * - schedule(delayMs, fn): run fn at now + delayMs of virtual time.
 * - hold(untilVirtualMs, pending): the disk starts the real backend write
 *   (IndexedDB transaction) when the fsync is issued and passes its promise
 *   here with the fsync's completion instant. The kernel must not run any event
 *   at or after untilVirtualMs until `pending` has settled, so a write is never
 *   reported durable in virtual time before it is durable for real. `pending`
 *   never rejects; a failed commit is reported at the completion instant as
 *   an fsync error (fatal for the member, as in etcd). Directory operations and
 *   crash corrections call hold(now, ...): finish the current event, then wait.
 *   A synchronous backend (memory) returns no promise and hold is not called.
 *
 * The backend receives writes when their fsync is issued, not when it
 * completes, so the real I/O overlaps the virtual latency; crash() then sends
 * corrections for writes whose fsync had not completed. Backend commits are
 * ordered, so the backend always ends equal to the durable state.
 */

import type { Backend, FileOp } from './backend/backend';
import type { CrashLoss, StorageEventInput, StorageEventSink } from './events';
import { ErrExist, ErrNotExist, wrapError } from './errors';
import { exp, log } from '../kernel/detmath';

export interface DiskRandom {
  /** Uniform in [0, 1). */
  float(): number;
}

export interface DiskHost {
  now(): number;
  schedule(delayMs: number, fn: () => void): void;
  hold?(untilVirtualMs: number, pending: Promise<void>): void;
}

/** fsync latency in virtual ms. */
export type LatencyDistribution =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Heavy-tailed like real disks: exp(N(ln medianMs, sigma)), capped at maxMs. */
  | { kind: 'lognormal'; medianMs: number; sigma: number; maxMs: number };

export interface DiskConfig {
  fsyncLatency: LatencyDistribution;
  /** Chance that a crash leaves a torn prefix (whole sectors) of a file's unsynced tail. */
  tornWriteProbability: number;
}

export const DefaultDiskConfig: DiskConfig = {
  fsyncLatency: { kind: 'lognormal', medianMs: 1, sigma: 0.5, maxMs: 100 },
  tornWriteProbability: 0.5,
};

export type SyncDone = (err?: Error) => void;

/** The unit a write reaches the disk in; a crash tears only at sector boundaries. */
export const SectorSize = 512;

interface Version {
  buf: Uint8Array;
  size: number;
  /** Content lineage: a new one starts at every writeFile. */
  version: number;
}

interface DiskFile {
  /** Page cache. Bytes below `size` are never changed in place once written. */
  buf: Uint8Array;
  size: number;
  version: number;
  /** Versions covered by fsyncs not yet completed, oldest first; truncate clips them. */
  inflight: Version[];
  /** What survives a crash; undefined if the file would not exist. */
  durable?: Version;
  /** What the backend has been sent (lineage and size). */
  sent?: { version: number; size: number };
}

export class Disk {
  private readonly files = new Map<string, DiskFile>();
  private nextVersion = 1;
  /** Bumped by crash: completions scheduled before it belong to a dead process. */
  private epoch = 0;
  private deviceBusyUntil = 0;
  private failure?: Error;

  private constructor(
    readonly backend: Backend,
    readonly host: DiskHost,
    private readonly rng: DiskRandom,
    private cfg: DiskConfig,
    private readonly sink?: StorageEventSink,
  ) {
    validateConfig(cfg);
  }

  get config(): DiskConfig {
    return this.cfg;
  }

  /** Changes the disk's behaviour from now on (a disk slowing down, or recovering). */
  reconfigure(config: DiskConfig): void {
    validateConfig(config);
    this.cfg = config;
  }

  /** A disk over a backend that holds nothing yet (a new member): no reads, so no waiting. */
  static fresh(backend: Backend, host: DiskHost, rng: DiskRandom, config: DiskConfig = DefaultDiskConfig, sink?: StorageEventSink): Disk {
    return new Disk(backend, host, rng, config, sink);
  }

  /** Opens a member's disk with the durable files its backend holds (restart or page reload). */
  static async open(
    backend: Backend,
    host: DiskHost,
    rng: DiskRandom,
    config: DiskConfig = DefaultDiskConfig,
    sink?: StorageEventSink,
  ): Promise<Disk> {
    const disk = new Disk(backend, host, rng, config, sink);
    for (const name of await backend.list()) {
      const data = await backend.readFile(name);
      if (data === undefined) continue;
      const version = disk.nextVersion++;
      disk.files.set(name, {
        buf: data,
        size: data.length,
        version,
        inflight: [],
        durable: { buf: data, size: data.length, version },
        sent: { version, size: data.length },
      });
    }
    return disk;
  }

  emit(event: StorageEventInput): void {
    this.sink?.({ ...event, at: this.host.now() } as Parameters<StorageEventSink>[0]);
  }

  get tracing(): boolean {
    return this.sink !== undefined;
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  size(name: string): number {
    return this.file(name).size;
  }

  /** A copy of the file's current (page cache) content. */
  readFile(name: string): Uint8Array {
    const f = this.file(name);
    return f.buf.slice(0, f.size);
  }

  /** Names of the files directly inside `dir`, sorted. */
  list(dir: string): string[] {
    const prefix = dir + '/';
    const names: string[] = [];
    for (const name of this.files.keys()) {
      if (name.startsWith(prefix) && !name.includes('/', prefix.length)) names.push(name.slice(prefix.length));
    }
    return names.sort();
  }

  /** Durable size of a file (0 if it would not survive a crash). For tests and views. */
  durableSize(name: string): number {
    return this.files.get(name)?.durable?.size ?? 0;
  }

  /** Creates an empty file; fails with ErrExist if it exists. */
  create(name: string): void {
    if (this.files.has(name)) throw wrapError(ErrExist, name);
    this.writeFile(name, new Uint8Array(0));
  }

  /** Creates or atomically replaces a file (durable once fsynced). */
  writeFile(name: string, data: Uint8Array): void {
    const buf = data.slice();
    const f = this.files.get(name);
    if (f === undefined) {
      this.files.set(name, { buf, size: buf.length, version: this.nextVersion++, inflight: [] });
      return;
    }
    // Same object: fsyncs in flight for the old content still complete on it.
    f.buf = buf;
    f.size = buf.length;
    f.version = this.nextVersion++;
  }

  append(name: string, data: Uint8Array): void {
    const f = this.file(name);
    const need = f.size + data.length;
    if (need > f.buf.length) {
      const grown = new Uint8Array(Math.max(need, f.buf.length * 2, 4096));
      grown.set(f.buf.subarray(0, f.size));
      f.buf = grown;
    }
    f.buf.set(data, f.size);
    f.size = need;
  }

  truncate(name: string, size: number, cause: string): void {
    const f = this.file(name);
    if (size >= f.size) return;
    f.buf = f.buf.slice(0, size); // copy: in-flight fsyncs keep the old bytes
    f.size = size;
    for (const v of f.inflight) if (v.version === f.version) v.size = Math.min(v.size, size);
    if (f.durable?.version === f.version && f.durable.size > size) f.durable = { ...f.durable, size };
    if (f.sent?.version === f.version && f.sent.size > size) {
      f.sent.size = size;
      this.commit([{ op: 'truncate', name, size }], this.host.now(), cause);
    }
  }

  rename(from: string, to: string, cause: string): void {
    const f = this.file(from);
    this.files.delete(from);
    this.files.set(to, f);
    this.commit([{ op: 'rename', from, to }], this.host.now(), cause);
    this.emit({ type: 'disk.file.renamed', from, to, cause });
  }

  remove(name: string, cause: string): void {
    this.file(name);
    this.files.delete(name);
    this.commit([{ op: 'remove', name }], this.host.now(), cause);
    this.emit({ type: 'disk.file.removed', file: name, cause });
  }

  /**
   * Makes everything written to `name` so far durable after a seeded latency,
   * then calls done (not called if the member crashes first).
   */
  fsync(name: string, cause: string, done?: SyncDone): void {
    const f = this.file(name);
    const ops: FileOp[] = [];
    if (f.sent?.version !== f.version) ops.push({ op: 'put', name, data: f.buf.subarray(0, f.size) });
    else if (f.size > f.sent.size) {
      ops.push({ op: 'append', name, offset: f.sent.size, data: f.buf.subarray(f.sent.size, f.size) });
    }
    f.sent = { version: f.version, size: f.size };

    const now = this.host.now();
    const latencyMs = sampleLatency(this.config.fsyncLatency, this.rng);
    const completesAt = Math.max(now, this.deviceBusyUntil) + latencyMs;
    this.deviceBusyUntil = completesAt;
    const covered: Version = { buf: f.buf, size: f.size, version: f.version };
    f.inflight.push(covered);
    const epoch = this.epoch;
    this.emit({
      type: 'disk.fsync.started',
      file: name,
      bytes: f.size - (f.durable?.version === f.version ? f.durable.size : 0),
      latencyMs,
      completesAt,
      cause,
    });
    this.commit(ops, completesAt, cause);

    this.host.schedule(completesAt - now, () => {
      if (epoch !== this.epoch) return; // the process that asked has crashed
      // Completions come in issue order (FIFO), so the newest covered version wins.
      f.inflight.shift();
      f.durable = covered;
      if (this.failure) {
        this.emit({ type: 'disk.fsync.failed', file: name, error: this.failure.message, cause });
        done?.(this.failure);
        return;
      }
      this.emit({ type: 'disk.fsync.completed', file: name, durableBytes: f.durable?.size ?? 0, cause });
      done?.();
    });
  }

  /**
   * The member's process dies: the page cache is replaced by what was durable,
   * with a seeded chance of a torn prefix of each unsynced appended tail. Pending
   * fsync callbacks are never called.
   */
  crash(rng: DiskRandom = this.rng): CrashLoss[] {
    this.epoch++;
    this.deviceBusyUntil = 0;
    const losses: CrashLoss[] = [];
    const ops: FileOp[] = [];
    for (const name of [...this.files.keys()].sort()) {
      const f = this.files.get(name) as DiskFile;
      const d = f.durable;
      if (d === undefined) {
        losses.push({ file: name, lostBytes: f.size, tornBytes: 0 });
        this.files.delete(name);
        if (f.sent !== undefined) ops.push({ op: 'remove', name });
        continue;
      }
      const sameLineage = d.version === f.version;
      const unsynced = sameLineage ? f.size - d.size : f.size;
      const torn = sameLineage ? this.tornBytes(d.size, f.size, rng) : 0;
      if (unsynced > 0) losses.push({ file: name, lostBytes: unsynced - torn, tornBytes: torn });

      // Same lineage: the page cache's prefix is the durable content, so keep its
      // buffer (no copy) cut after the torn bytes. Otherwise the old version returns.
      const buf = sameLineage ? f.buf : d.buf;
      const size = d.size + torn;
      if (f.sent?.version === d.version && f.sent.size >= d.size) {
        if (f.sent.size > d.size) ops.push({ op: 'truncate', name, size: d.size });
        if (torn > 0) ops.push({ op: 'append', name, offset: d.size, data: buf.subarray(d.size, size) });
      } else if (f.sent !== undefined) {
        ops.push({ op: 'put', name, data: buf.subarray(0, size) });
      }
      const version = sameLineage ? f.version : d.version;
      Object.assign(f, { buf, size, version, inflight: [], durable: { buf, size, version }, sent: { version, size } });
    }
    this.commit(ops, this.host.now(), 'crash: make the backend equal to what survived');
    this.emit({ type: 'disk.crash', losses, cause: 'member crashed: unsynced writes lost' });
    return losses;
  }

  /**
   * Sectors reach the disk whole (spec server.md §5.9): a torn write keeps the
   * unsynced sectors up to a seeded boundary strictly inside (durable, size).
   */
  private tornBytes(durable: number, size: number, rng: DiskRandom): number {
    const first = Math.floor(durable / SectorSize) + 1;
    const last = Math.ceil(size / SectorSize) - 1;
    if (last < first || !(rng.float() < this.config.tornWriteProbability)) return 0;
    return (first + Math.floor(rng.float() * (last - first + 1))) * SectorSize - durable;
  }

  private file(name: string): DiskFile {
    const f = this.files.get(name);
    if (f === undefined) throw wrapError(ErrNotExist, name);
    return f;
  }

  private commit(ops: FileOp[], untilVirtualMs: number, cause: string): void {
    if (ops.length === 0) return;
    let pending: Promise<void> | undefined;
    try {
      pending = this.backend.commit(ops);
    } catch (err) {
      this.fail(err, cause);
      return;
    }
    if (pending === undefined) return;
    const settled = pending.catch((err: unknown) => this.fail(err, cause));
    this.host.hold?.(untilVirtualMs, settled);
  }

  private fail(err: unknown, cause: string): void {
    const message = err instanceof Error ? err.message : String(err);
    this.failure ??= new Error(`disk: backend write failed (${cause}): ${message}`);
  }
}

export function sampleLatency(dist: LatencyDistribution, rng: DiskRandom): number {
  switch (dist.kind) {
    case 'constant':
      return dist.ms;
    case 'uniform':
      return round(dist.minMs + rng.float() * (dist.maxMs - dist.minMs));
    case 'lognormal':
      return round(Math.min(dist.maxMs, dist.medianMs * exp(dist.sigma * standardNormal(rng))));
  }
}

/** Marsaglia's polar method: no trigonometry, and detmath's log, so every engine agrees. */
function standardNormal(rng: DiskRandom): number {
  for (;;) {
    const u = 2 * rng.float() - 1;
    const v = 2 * rng.float() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * log(s)) / s);
  }
}

/** Microsecond resolution keeps traces readable and identical across engines. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function validateConfig(config: DiskConfig): void {
  const bad = (what: string) => {
    throw new Error(`disk config: ${what}`);
  };
  const ms = (v: number, name: string) => {
    if (!Number.isFinite(v) || v < 0) bad(`${name} must be a finite number of ms >= 0, got ${v}`);
  };
  const p = config.tornWriteProbability;
  if (!(p >= 0 && p <= 1)) bad(`tornWriteProbability must be in [0, 1], got ${p}`);
  const d = config.fsyncLatency;
  switch (d.kind) {
    case 'constant':
      return ms(d.ms, 'fsyncLatency.ms');
    case 'uniform':
      ms(d.minMs, 'fsyncLatency.minMs');
      ms(d.maxMs, 'fsyncLatency.maxMs');
      if (d.maxMs < d.minMs) bad('fsyncLatency.maxMs must be >= minMs');
      return;
    case 'lognormal':
      ms(d.medianMs, 'fsyncLatency.medianMs');
      ms(d.maxMs, 'fsyncLatency.maxMs');
      if (!Number.isFinite(d.sigma) || d.sigma < 0) bad(`fsyncLatency.sigma must be >= 0, got ${d.sigma}`);
      return;
    default:
      bad(`unknown fsyncLatency kind ${(d as { kind: unknown }).kind}`);
  }
}
