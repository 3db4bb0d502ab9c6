// The store's history for the watch checker (the counterpart of etcd's robustness tests
// replaying the WAL): every event since revision 1, read from the members' MVCC stores.
// Compaction would erase it, so the compactor captures everything up to a revision
// before asking for that compaction, and the end of the run captures the rest.

import type { World } from '../../world/world';
import type { KVStore } from '../../mvcc/kvstore';
import type { RecordedEvent } from '../watch/history';
import { recordEvent } from './watch-recorder';

export class StoreHistoryRecorder {
  readonly events: RecordedEvent[] = [];
  /** Every revision up to this one is captured. */
  private capturedTo = 1;

  constructor(private readonly world: World) {}

  get capturedRevision(): number {
    return this.capturedTo;
  }

  /**
   * Captures events up to `rev` from the most advanced running member that still holds
   * them; returns false when none does (the revision is not reached yet, or compacted).
   */
  captureTo(rev: number): boolean {
    if (rev <= this.capturedTo) return true;
    const from = this.capturedTo + 1;
    const kv = this.storeHolding(from, rev);
    if (kv === undefined) return false;
    for (const e of kv.rangeEvents(from, rev, () => true)) this.events.push(recordEvent(e));
    this.capturedTo = rev;
    return true;
  }

  /** Lowest current revision among running members (a revision every running member has). */
  minRevision(): number {
    const revs = this.runningStores().map((kv) => kv.currentRevision);
    return revs.length === 0 ? 0 : Math.min(...revs);
  }

  /** Highest current revision among running members. */
  maxRevision(): number {
    return Math.max(0, ...this.runningStores().map((kv) => kv.currentRevision));
  }

  private runningStores(): KVStore[] {
    return this.world.members.filter((m) => m.isRunning).map((m) => m.stateMachine.kv);
  }

  private storeHolding(from: number, to: number): KVStore | undefined {
    let best: KVStore | undefined;
    for (const kv of this.runningStores()) {
      if (kv.currentRevision < to || kv.compactRevision >= from) continue;
      if (best === undefined || kv.currentRevision > best.currentRevision) best = kv;
    }
    return best;
  }
}
