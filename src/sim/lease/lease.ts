// One lease (etcd server/lease/lease.go): its TTL, the remaining TTL from the last
// checkpoint, its expiry on this member's clock, and the keys attached to it.

import { compareKeys } from '../mvcc/bytes';

/** A lease ID: etcd's int64, here a safe integer. 0 is NoLease. */
export type LeaseID = number;

export const NoLease: LeaseID = 0;

/** A lease ID as etcd prints it: 16 hex digits. */
export function formatLeaseID(id: LeaseID): string {
  return id < 0 ? `-${(-id).toString(16).padStart(16, '0')}` : id.toString(16).padStart(16, '0');
}

/** An expiry that never comes: leases on a non-primary lessor (etcd's zero time). */
export const FOREVER = Infinity;

/** A read-only view of a lease, as Lookup and Leases hand it out. */
export interface LeaseInfo {
  id: LeaseID;
  /** Granted TTL in seconds, after the minimum TTL bump. */
  ttl: number;
  /** Remaining TTL in seconds from the last checkpoint; 0 when none. */
  remainingTTL: number;
  /** Virtual ms at which the lease expires; FOREVER on a non-primary lessor. */
  expiry: number;
  /** expiry - now in ms (FOREVER when not primary). TimeToLive reports trunc(remainingMs / 1000) s. */
  remainingMs: number;
  /** Attached keys in byte order. */
  keys: string[];
}

export class Lease {
  expiry = FOREVER;
  /** The remaining TTL as last written to the `lease` bucket (survives a restart). */
  persistedRemainingTTL: number;
  private readonly items = new Set<string>();

  constructor(
    readonly id: LeaseID,
    public ttl: number,
    public remainingTTL = 0,
  ) {
    this.persistedRemainingTTL = remainingTTL;
  }

  /** The TTL a refresh counts from: the checkpointed remaining TTL if set, else the TTL. */
  getRemainingTTL(): number {
    return this.remainingTTL > 0 ? this.remainingTTL : this.ttl;
  }

  /** expiry := now + extend + remaining TTL (etcd lease.refresh). */
  refresh(now: number, extendMs: number): void {
    this.expiry = now + extendMs + this.getRemainingTTL() * 1000;
  }

  forever(): void {
    this.expiry = FOREVER;
  }

  remaining(now: number): number {
    return this.expiry === FOREVER ? FOREVER : this.expiry - now;
  }

  expired(now: number): boolean {
    return this.remaining(now) <= 0;
  }

  /** Records what etcd's persistTo writes to the `lease` bucket. */
  persist(): void {
    this.persistedRemainingTTL = this.remainingTTL;
  }

  attach(key: string): void {
    this.items.add(key);
  }

  detach(key: string): void {
    this.items.delete(key);
  }

  keys(): string[] {
    return [...this.items].sort(compareKeys);
  }

  info(now: number): LeaseInfo {
    return {
      id: this.id,
      ttl: this.ttl,
      remainingTTL: this.remainingTTL,
      expiry: this.expiry,
      remainingMs: this.remaining(now),
      keys: this.keys(),
    };
  }
}
