// Trace events of the lessor: every decision it takes, with the cause in words.

import type { LeaseErrorName } from './errors';
import type { LeaseID } from './lease';
import type { LeaseCheckpoint } from './lessor';

/** A virtual-ms expiry, or 'forever' on a non-primary lessor. */
export type Expiry = number | 'forever';

export type LeaseOp = 'grant' | 'revoke' | 'renew' | 'attach' | 'detach';

export type LeaseEvent =
  | { kind: 'lease-granted'; id: LeaseID; ttl: number; requestedTTL: number; expiry: Expiry; cause: string }
  | {
      kind: 'lease-rejected';
      op: LeaseOp;
      id: LeaseID;
      error: LeaseErrorName;
      cause: string;
    }
  | { kind: 'lease-revoked'; id: LeaseID; keys: string[]; cause: string }
  | { kind: 'lease-renewed'; id: LeaseID; ttl: number; expiry: number; cause: string }
  | { kind: 'lease-renew-waiting'; id: LeaseID; cause: string }
  | { kind: 'lease-expired'; id: LeaseID; expiry: number; retryAt: number; cause: string }
  | { kind: 'lease-checkpoint-proposed'; checkpoints: LeaseCheckpoint[]; cause: string }
  | { kind: 'lease-checkpointed'; id: LeaseID; remainingTTL: number; persisted: boolean; cause: string }
  | { kind: 'lease-attached'; id: LeaseID; keys: string[]; cause: string }
  | { kind: 'lease-detached'; id: LeaseID; keys: string[]; cause: string }
  | { kind: 'lessor-promoted'; extendMs: number; leases: number; staggered: number; cause: string }
  | { kind: 'lessor-demoted'; leases: number; cause: string }
  | { kind: 'lessor-recovered'; leases: number; cause: string };
