// The lessor (etcd server/lease/lessor.go; spec server.md §8). It owns the leases of one
// member. Only the primary lessor, the leader's after Promote, tracks expiries; the others
// keep every lease at "forever" and learn of expiry only when the LeaseRevoke entry the
// primary's server proposed is applied (§8.4). Time is the host's virtual clock; the
// host calls runLoopOnce() every LESSOR_LOOP_INTERVAL_MS as etcd's runLoop ticks.

import { z } from 'zod';
import { LeaseError } from './errors';
import type { LeaseErrorName } from './errors';
import type { LeaseEvent, LeaseOp } from './events';
import { Lease, NoLease, formatLeaseID } from './lease';
import type { LeaseID, LeaseInfo } from './lease';
import { LeaseExpiredNotifier, LeaseQueue } from './lease-queue';

/** Largest TTL a lease may be granted, in seconds. */
export const MaxLeaseTTL = 9_000_000_000;
/** Leases revoked per second at most; each loop hands out at most half (§1). */
export const LEASE_REVOKE_RATE = 1000;
/** etcd's leaseCheckpointRate: a loop proposes up to rate / 2 batches, stopping at a batch that is not full. */
export const LEASE_CHECKPOINT_RATE = 1000;
export const MAX_LEASE_CHECKPOINT_BATCH_SIZE = 1000;
export const DEFAULT_LEASE_CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;
/** How long an expired lease handed out for revocation waits before it is handed out again. */
export const DEFAULT_EXPIRED_LEASE_RETRY_INTERVAL_MS = 3000;
/** Period of etcd's lessor runLoop: the host calls runLoopOnce() this often. */
export const LESSOR_LOOP_INTERVAL_MS = 500;

/**
 * minLeaseTTL as the server computes it (§1, NewServer): ceil of (3 × electionTicks) div 2
 * ticks in seconds, integer division first. 10 ticks of 100 ms give 2 s.
 */
export function minLeaseTTL(electionTicks: number, tickMs: number): number {
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * tickMs) / 1000);
}

/** A write transaction that may only delete: the MVCC store's side of a revoke. */
export interface TxnDelete {
  /** Deletes [key, end), or the single key when `end` is undefined. */
  deleteRange(key: string, end?: string): void;
  end(): void;
}

/** Opens a TxnDelete on the member's MVCC store. */
export type RangeDeleter = () => TxnDelete;

export interface LeaseCheckpoint {
  id: LeaseID;
  /** Seconds left; 0 clears the checkpoint. */
  remainingTTL: number;
}

/** Proposes a LeaseCheckpointRequest through Raft; its apply calls checkpoint() on every member. */
export type Checkpointer = (checkpoints: LeaseCheckpoint[]) => void;

export interface LessorConfig {
  /** Virtual milliseconds. */
  now: () => number;
  /** Seconds; a lower requested TTL is raised to it. See minLeaseTTL(). */
  minLeaseTTL: number;
  rangeDeleter: RangeDeleter;
  /** Given only when lease checkpointing is enabled (feature LeaseCheckpoint, default off; §8.6). */
  checkpointer?: Checkpointer;
  checkpointIntervalMs?: number;
  /** etcd's default is 3 s, but the server passes ReqTimeout (7 s by default). */
  expiredLeasesRetryIntervalMs?: number;
  /**
   * Whether an applied checkpoint is written to the `lease` bucket: LeaseCheckpointPersist
   * or cluster version >= 3.6. Defaults to true, as in a 3.6 cluster.
   */
  checkpointPersist?: () => boolean;
  onEvent?: (event: LeaseEvent) => void;
}

export type RenewResult =
  | { kind: 'renewed'; ttl: number }
  /** The lease has expired and awaits its revoke: wait with whenRevokedOrDemoted(). */
  | { kind: 'expired' };

const LessorSnapshotSchema = z.object({
  leases: z.array(z.object({ id: z.int(), ttl: z.int(), remainingTTL: z.int() })),
});

/** What the `lease` bucket holds: {ID, TTL, RemainingTTL} per lease, sorted by ID. */
export type LessorSnapshot = z.infer<typeof LessorSnapshotSchema>;

export class Lessor {
  private leaseMap = new Map<LeaseID, Lease>();
  private itemMap = new Map<string, LeaseID>();
  private expiredNotifier = new LeaseExpiredNotifier();
  private checkpointHeap = new LeaseQueue();
  /** etcd: demotec != nil. */
  private primary = false;
  /** Renewals of expired leases waiting for the revoke or a demotion (etcd: revokec, demotec). */
  private waiters = new Map<LeaseID, Array<(err: LeaseError) => void>>();

  private readonly now: () => number;
  private readonly minTTL: number;
  private readonly rangeDeleter: RangeDeleter;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly checkpointIntervalMs: number;
  private readonly retryIntervalMs: number;
  private readonly checkpointPersist: () => boolean;
  private readonly onEvent: (event: LeaseEvent) => void;

  constructor(cfg: LessorConfig) {
    if (!Number.isSafeInteger(cfg.minLeaseTTL) || cfg.minLeaseTTL < 0) {
      throw new RangeError(`lessor: minLeaseTTL must be a non-negative integer, got ${cfg.minLeaseTTL}`);
    }
    this.now = cfg.now;
    this.minTTL = cfg.minLeaseTTL;
    this.rangeDeleter = cfg.rangeDeleter;
    this.checkpointer = cfg.checkpointer;
    this.checkpointIntervalMs = positive(cfg.checkpointIntervalMs, DEFAULT_LEASE_CHECKPOINT_INTERVAL_MS);
    this.retryIntervalMs = positive(cfg.expiredLeasesRetryIntervalMs, DEFAULT_EXPIRED_LEASE_RETRY_INTERVAL_MS);
    this.checkpointPersist = cfg.checkpointPersist ?? (() => true);
    this.onEvent = cfg.onEvent ?? (() => {});
  }

  isPrimary(): boolean {
    return this.primary;
  }

  /** Apply of LeaseGrant (§8.1). Throws LeaseError. */
  grant(id: LeaseID, ttl: number): LeaseInfo {
    checkInteger('lease ID', id);
    checkInteger('TTL', ttl);
    if (id === NoLease) throw this.reject('grant', id, 'ErrLeaseNotFound', 'lease ID 0 means no lease');
    if (ttl > MaxLeaseTTL) {
      throw this.reject('grant', id, 'ErrLeaseTTLTooLarge', `TTL ${ttl}s is above MaxLeaseTTL ${MaxLeaseTTL}s`);
    }
    if (this.leaseMap.has(id)) throw this.reject('grant', id, 'ErrLeaseExists', 'a lease with this ID exists');

    const l = new Lease(id, Math.max(ttl, this.minTTL));
    const now = this.now();
    if (this.primary) l.refresh(now, 0);
    this.leaseMap.set(id, l);
    l.persist();
    if (this.primary) {
      this.expiredNotifier.registerOrUpdate(id, l.expiry);
      this.scheduleCheckpointIfNeeded(l, now);
    }
    const bumped = ttl < this.minTTL ? `requested TTL ${ttl}s raised to the minimum ${this.minTTL}s; ` : '';
    this.onEvent({
      kind: 'lease-granted',
      id,
      ttl: l.ttl,
      requestedTTL: ttl,
      expiry: this.primary ? l.expiry : 'forever',
      cause: bumped + (this.primary ? `primary lessor: expires at ${l.expiry}` : 'not primary: expiry is forever'),
    });
    return l.info(now);
  }

  /**
   * Apply of LeaseRevoke (§8.2): deletes the attached keys in byte order in one delete
   * transaction (so every member produces the same revision), then forgets the lease.
   */
  revoke(id: LeaseID): void {
    checkInteger('lease ID', id);
    const l = this.leaseMap.get(id);
    if (l === undefined) throw this.reject('revoke', id, 'ErrLeaseNotFound', 'no such lease');

    const keys = l.keys();
    const txn = this.rangeDeleter();
    for (const key of keys) txn.deleteRange(key);
    txn.end();
    this.leaseMap.delete(id);
    // The store detaches deleted keys itself; drop whatever it left so no key points here.
    for (const key of keys) if (this.itemMap.get(key) === id) this.itemMap.delete(key);

    this.onEvent({
      kind: 'lease-revoked',
      id,
      keys,
      cause: keys.length > 0 ? `deleted ${keys.length} attached key(s) in one transaction` : 'no attached keys',
    });
    this.settleWaiters(id, 'ErrLeaseNotFound');
  }

  /** Apply of a LeaseCheckpoint (§8.6): only records the remaining TTL; Promote uses it. */
  checkpoint(id: LeaseID, remainingTTL: number): void {
    checkInteger('lease ID', id);
    checkInteger('remaining TTL', remainingTTL);
    const l = this.leaseMap.get(id);
    if (l === undefined) return;
    l.remainingTTL = remainingTTL;
    const persisted = this.checkpointPersist();
    if (persisted) l.persist();
    if (this.primary) this.scheduleCheckpointIfNeeded(l, this.now());
    this.onEvent({
      kind: 'lease-checkpointed',
      id,
      remainingTTL,
      persisted,
      cause: persisted
        ? 'remaining TTL recorded and persisted (survives restart)'
        : 'remaining TTL recorded in memory only (checkpoint persistence off)',
    });
  }

  /** Binds keys to a lease (MVCC put with a lease). Throws ErrLeaseNotFound. */
  attach(id: LeaseID, keys: string[]): void {
    checkInteger('lease ID', id);
    const l = this.leaseMap.get(id);
    if (l === undefined) throw this.reject('attach', id, 'ErrLeaseNotFound', 'no such lease');
    for (const key of keys) {
      l.attach(key);
      this.itemMap.set(key, id);
    }
    this.onEvent({ kind: 'lease-attached', id, keys: [...keys], cause: 'key written with this lease' });
  }

  /** Unbinds keys (MVCC put without the lease, or delete). Throws ErrLeaseNotFound. */
  detach(id: LeaseID, keys: string[]): void {
    checkInteger('lease ID', id);
    const l = this.leaseMap.get(id);
    if (l === undefined) throw this.reject('detach', id, 'ErrLeaseNotFound', 'no such lease');
    for (const key of keys) {
      l.detach(key);
      this.itemMap.delete(key);
    }
    this.onEvent({ kind: 'lease-detached', id, keys: [...keys], cause: 'key deleted or rewritten' });
  }

  /** The lease a key is attached to, or NoLease. */
  getLease(key: string): LeaseID {
    return this.itemMap.get(key) ?? NoLease;
  }

  /**
   * Makes this lessor primary (§8.5): called when the new leader applies the first entry
   * of its term, with extend = the election timeout. Every lease expires at
   * now + extend + (checkpointed remaining TTL, else TTL); with LEASE_REVOKE_RATE leases
   * or more, expiries are spread so at most 3/4 of the revoke rate fall in any second.
   */
  promote(extendMs: number): void {
    const now = this.now();
    this.primary = true;
    const leases = this.sortedById();
    for (const l of leases) this.rearm(l, now, extendMs);
    const staggered = leases.length < LEASE_REVOKE_RATE ? 0 : this.spreadExpiries(now, extendMs);
    this.onEvent({
      kind: 'lessor-promoted',
      extendMs,
      leases: leases.length,
      staggered,
      cause:
        `became primary: each lease expires at now + ${extendMs} ms + remaining TTL (checkpointed, else full)` +
        (staggered > 0 ? `; ${staggered} expiries pushed back to avoid a revoke pile-up` : ''),
    });
  }

  /** Stops being primary (§8.5): every lease expires "forever"; schedules are dropped. */
  demote(): void {
    for (const l of this.leaseMap.values()) l.forever();
    this.checkpointHeap = new LeaseQueue();
    this.expiredNotifier = new LeaseExpiredNotifier();
    if (!this.primary) return;
    this.primary = false;
    for (const id of [...this.waiters.keys()]) this.settleWaiters(id, 'ErrNotPrimary');
    this.onEvent({
      kind: 'lessor-demoted',
      leases: this.leaseMap.size,
      cause: 'no longer leader: expiries set to forever until promoted again',
    });
  }

  /**
   * KeepAlive on the primary (§8.3): expiry := now + TTL. Throws ErrNotPrimary (the server
   * forwards to the leader) or ErrLeaseNotFound. An expired lease is not renewed: the
   * caller waits for its revoke (ErrLeaseNotFound) or a demotion (ErrNotPrimary).
   */
  renew(id: LeaseID): RenewResult {
    checkInteger('lease ID', id);
    if (!this.primary) throw this.reject('renew', id, 'ErrNotPrimary', 'not the leader: forward the renew');
    const l = this.leaseMap.get(id);
    if (l === undefined) throw this.reject('renew', id, 'ErrLeaseNotFound', 'no such lease');
    const now = this.now();
    if (l.expired(now)) {
      this.onEvent({ kind: 'lease-renew-waiting', id, cause: `expired at ${l.expiry}: waiting for its revoke` });
      return { kind: 'expired' };
    }
    // A set checkpoint is cleared first, so the renewed lease counts from its full TTL;
    // etcd waits for this proposal to apply, which the local clear stands for.
    if (this.checkpointer !== undefined && l.remainingTTL > 0) {
      this.proposeCheckpoints([{ id, remainingTTL: 0 }], 'renew clears the checkpointed remaining TTL');
      l.remainingTTL = 0;
    }
    l.refresh(now, 0);
    this.expiredNotifier.registerOrUpdate(id, l.expiry);
    const cause = `keepalive: expires at ${l.expiry}`;
    this.onEvent({ kind: 'lease-renewed', id, ttl: l.ttl, expiry: l.expiry, cause });
    return { kind: 'renewed', ttl: l.ttl };
  }

  /**
   * Calls `settle` once the lease is revoked (ErrLeaseNotFound) or this lessor is demoted
   * (ErrNotPrimary): what a renew of an expired lease waits for. Settles at once if
   * either already holds.
   */
  whenRevokedOrDemoted(id: LeaseID, settle: (err: LeaseError) => void): void {
    if (!this.primary || !this.leaseMap.has(id)) {
      settle(new LeaseError(this.primary ? 'ErrLeaseNotFound' : 'ErrNotPrimary'));
      return;
    }
    const list = this.waiters.get(id);
    if (list === undefined) this.waiters.set(id, [settle]);
    else list.push(settle);
  }

  lookup(id: LeaseID): LeaseInfo | undefined {
    return this.leaseMap.get(id)?.info(this.now());
  }

  /** All leases, soonest expiry first (ties by ID). */
  leases(): LeaseInfo[] {
    return this.byExpiry(this.now()).map((l) => l.info(this.now()));
  }

  /**
   * One turn of etcd's runLoop: returns the expired leases for the server to revoke (at
   * most LEASE_REVOKE_RATE / 2; the server proposes a LeaseRevoke for each), then
   * proposes due checkpoints. Only the primary does either.
   */
  runLoopOnce(): LeaseID[] {
    const expired = this.primary ? this.findExpiredLeases(LEASE_REVOKE_RATE / 2) : [];
    this.checkpointScheduledLeases();
    return expired;
  }

  /** The `lease` bucket: what survives a restart and travels in a Raft snapshot. */
  snapshot(): LessorSnapshot {
    return {
      leases: this.sortedById().map((l) => ({ id: l.id, ttl: l.ttl, remainingTTL: l.persistedRemainingTTL })),
    };
  }

  /**
   * Recover (§8.7): reloads leases from a snapshot with expiry forever (refreshed on the
   * next promote) and TTLs below the minimum raised. Keys are re-attached by the MVCC
   * store as it restores. Throws on a malformed snapshot.
   */
  restore(snapshot: unknown): void {
    const parsed = LessorSnapshotSchema.safeParse(snapshot);
    if (!parsed.success) throw new TypeError(`lessor: invalid snapshot: ${z.prettifyError(parsed.error)}`);
    const leaseMap = new Map<LeaseID, Lease>();
    for (const { id, ttl, remainingTTL } of parsed.data.leases) {
      if (leaseMap.has(id)) throw new TypeError(`lessor: invalid snapshot: lease ${formatLeaseID(id)} twice`);
      leaseMap.set(id, new Lease(id, Math.max(ttl, this.minTTL), remainingTTL));
    }
    this.leaseMap = leaseMap;
    this.itemMap = new Map();
    this.expiredNotifier = new LeaseExpiredNotifier();
    this.checkpointHeap = new LeaseQueue();
    this.onEvent({
      kind: 'lessor-recovered',
      leases: leaseMap.size,
      cause: 'leases reloaded with expiry forever until the next promote',
    });
  }

  private rearm(l: Lease, now: number, extendMs: number): void {
    l.refresh(now, extendMs);
    this.expiredNotifier.registerOrUpdate(l.id, l.expiry);
    this.scheduleCheckpointIfNeeded(l, now);
  }

  // Promote's pile-up avoidance: walk leases by expiry in one-second windows; past 3/4 of
  // the revoke rate in a window, push each further lease back proportionally. etcd does
  // this in float nanoseconds; here in milliseconds, truncated.
  private spreadExpiries(now: number, extendMs: number): number {
    const leases = this.byExpiry(now);
    const target = Math.floor((3 * LEASE_REVOKE_RATE) / 4);
    let baseWindow = leases[0].remaining(now);
    let nextWindow = baseWindow + 1000;
    let expires = 0;
    let staggered = 0;
    for (const l of leases) {
      const remaining = l.remaining(now);
      if (remaining > nextWindow) {
        baseWindow = remaining;
        nextWindow = baseWindow + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= target) continue;
      // A lease n seconds ahead of the window's base is pushed back n seconds less.
      const delay = Math.trunc(1000 * (expires / target) - (remaining - baseWindow));
      nextWindow = baseWindow + delay;
      this.rearm(l, now, delay + extendMs);
      staggered++;
    }
    return staggered;
  }

  // Pops due entries off the expiry heap. Each expired lease is re-armed for the retry
  // interval, so it is handed out again if its revoke never applies (e.g. lost proposal).
  private findExpiredLeases(limit: number): LeaseID[] {
    const now = this.now();
    const expired: LeaseID[] = [];
    for (let item = this.expiredNotifier.peek(); item !== undefined; item = this.expiredNotifier.peek()) {
      const l = this.leaseMap.get(item.id);
      if (l === undefined) {
        this.expiredNotifier.unregister(); // revoked meanwhile
        continue;
      }
      if (now < item.time) break;
      const retryAt = now + this.retryIntervalMs;
      this.expiredNotifier.registerOrUpdate(l.id, retryAt);
      if (!l.expired(now)) continue;
      expired.push(l.id);
      this.onEvent({
        kind: 'lease-expired',
        id: l.id,
        expiry: l.expiry,
        retryAt,
        cause:
          `expired ${now - l.expiry} ms ago: the server is to propose LeaseRevoke ` +
          `(handed out again at ${retryAt} if not revoked by then)`,
      });
      if (expired.length === limit) break;
    }
    return expired;
  }

  private checkpointScheduledLeases(): void {
    if (this.checkpointer === undefined) return;
    for (let i = 0; i < LEASE_CHECKPOINT_RATE / 2; i++) {
      const cps = this.primary ? this.findDueScheduledCheckpoints(MAX_LEASE_CHECKPOINT_BATCH_SIZE) : [];
      if (cps.length > 0) this.proposeCheckpoints(cps, `checkpoint interval (${this.checkpointIntervalMs} ms) reached`);
      if (cps.length < MAX_LEASE_CHECKPOINT_BATCH_SIZE) return;
    }
  }

  private findDueScheduledCheckpoints(limit: number): LeaseCheckpoint[] {
    const now = this.now();
    const cps: LeaseCheckpoint[] = [];
    for (let lt = this.checkpointHeap.peek(); lt !== undefined && cps.length < limit; lt = this.checkpointHeap.peek()) {
      if (lt.time > now) break;
      this.checkpointHeap.pop();
      const l = this.leaseMap.get(lt.id);
      if (l === undefined || !(now < l.expiry)) continue;
      const remainingTTL = Math.ceil((l.expiry - now) / 1000);
      // Nothing to record while the lease still has its whole TTL left.
      if (remainingTTL >= l.ttl) continue;
      cps.push({ id: lt.id, remainingTTL });
    }
    return cps;
  }

  // Only leases with more than one interval to go get a checkpoint scheduled.
  private scheduleCheckpointIfNeeded(l: Lease, now: number): void {
    if (this.checkpointer === undefined) return;
    if (l.getRemainingTTL() > Math.floor(this.checkpointIntervalMs / 1000)) {
      this.checkpointHeap.push({ id: l.id, time: now + this.checkpointIntervalMs, index: -1 });
    }
  }

  private proposeCheckpoints(checkpoints: LeaseCheckpoint[], cause: string): void {
    this.onEvent({ kind: 'lease-checkpoint-proposed', checkpoints, cause });
    this.checkpointer?.(checkpoints);
  }

  private settleWaiters(id: LeaseID, name: LeaseErrorName): void {
    const list = this.waiters.get(id);
    if (list === undefined) return;
    this.waiters.delete(id);
    for (const settle of list) settle(new LeaseError(name));
  }

  private reject(op: LeaseOp, id: LeaseID, name: LeaseErrorName, cause: string): LeaseError {
    this.onEvent({ kind: 'lease-rejected', op, id, error: name, cause });
    return new LeaseError(name);
  }

  private sortedById(): Lease[] {
    return [...this.leaseMap.values()].sort((a, b) => a.id - b.id);
  }

  // Go's sort here is not stable; ties by ID keep every member's order the same.
  private byExpiry(now: number): Lease[] {
    return this.sortedById().sort((a, b) => a.remaining(now) - b.remaining(now) || a.id - b.id);
  }
}

function checkInteger(what: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`lessor: ${what} must be a safe integer, got ${n}`);
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined || value === 0) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`lessor: interval must be positive, got ${value}`);
  return value;
}
