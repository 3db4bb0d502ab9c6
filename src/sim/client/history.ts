// The recorder of client operations in the simulator's history format
// (src/sim/check/linearizability/history.ts): invoke, then ok / fail / info, with virtual
// times. Process ids are handed out here so several clients share one history, and a
// process whose operation ended `info` is retired (its operation may still be pending).

import type { HistoryEvent } from '../check/linearizability/history';
import { Code } from '../grpc/codes';
import { codeOf } from '../grpc/status';
import { EtcdError, type EtcdErrorName } from './rpctypes';

export type { HistoryEvent };

export interface HistoryRecorder {
  /** A fresh process id. */
  newProcess(): number;
  record(event: HistoryEvent): void;
}

export class MemoryHistory implements HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private nextProcess = 0;

  newProcess(): number {
    return this.nextProcess++;
  }

  record(event: HistoryEvent): void {
    this.events.push(event);
  }

  /** JSON lines, one event each, as the checker reads them. */
  toJSONL(): string {
    return this.events.map((e) => `${JSON.stringify(e)}\n`).join('');
  }
}

/** Errors with which etcd rejects a write before proposing it, or at apply without effect. */
const DEFINITELY_NOT_APPLIED: ReadonlySet<EtcdErrorName> = new Set<EtcdErrorName>([
  'ErrEmptyKey',
  'ErrKeyNotFound',
  'ErrValueProvided',
  'ErrLeaseProvided',
  'ErrTooManyOps',
  'ErrDuplicateKey',
  'ErrNoSpace',
  'ErrTooManyRequests',
  'ErrRequestTooLarge',
  'ErrLeaseNotFound',
  'ErrPermissionDenied',
  'ErrUserEmpty',
  'ErrInvalidAuthToken',
  'ErrAuthOldRevision',
  'ErrNoLeader',
  'ErrGRPCNotSupportedForLearner',
  'ErrNotCapable',
  'ErrCompacted',
  'ErrFutureRev',
]);

/**
 * fail (certainly no effect) or info (unknown). A read never takes effect, so a failed
 * read is `fail`; a write is `fail` only for the rejections above or a client-side
 * size limit, and `info` otherwise (timeouts, lost connections: it may have applied).
 */
export function outcomeOf(err: Error, isWrite: boolean): 'fail' | 'info' {
  if (!isWrite) return 'fail';
  if (err instanceof EtcdError && DEFINITELY_NOT_APPLIED.has(err.etcdName)) return 'fail';
  if (codeOf(err) === Code.ResourceExhausted && err.message.includes('trying to send message larger than max')) return 'fail';
  return 'info';
}
