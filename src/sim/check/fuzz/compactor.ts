// Periodic compaction, as etcd's robustness traffic does (every 100-200 ms there; here a
// per-seed period): it makes watchers behind the compaction revision see ErrCompacted and
// exercises the watchable store's compaction paths. Events are captured into the store
// history before each compaction is requested, so the watch checker still sees them all.

import type { World } from '../../world/world';
import type { StoreHistoryRecorder } from './store-history';

/** Revisions kept behind the lowest member's current revision. */
const KEEP_REVISIONS = 3;
const REQUEST_TIMEOUT_MS = 1000;

export class Compactor {
  compactions = 0;
  private stopped = false;
  private lastRequested = 0;

  constructor(
    private readonly world: World,
    private readonly history: StoreHistoryRecorder,
    private readonly everyMs: number,
  ) {
    if (everyMs > 0) world.kernel.schedule(everyMs, () => this.tick(), 'fuzz.compact');
  }

  stop(): void {
    this.stopped = true;
  }

  private tick(): void {
    if (this.stopped) return;
    this.world.kernel.schedule(this.everyMs, () => this.tick(), 'fuzz.compact');
    const client = this.world.clients.find((c) => c.client !== undefined)?.client;
    const rev = this.history.minRevision() - KEEP_REVISIONS;
    if (client === undefined || rev <= this.lastRequested || !this.history.captureTo(rev)) return;
    this.lastRequested = rev;
    this.compactions++;
    const [ctx] = client.ctx.withTimeout(REQUEST_TIMEOUT_MS);
    client.kv.compact(ctx, rev, {}, () => {});
  }
}
