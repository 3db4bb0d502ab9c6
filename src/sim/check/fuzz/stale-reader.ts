// Injected bug "stale-read": each client also runs a reader that sends serializable gets
// (answered by whichever member the balancer picks, from its local state) and records them
// in the client's history as if they were linearizable. A lagging or partitioned member
// then answers with an old value, which the linearizability check must catch.

import type { World, WorldClient } from '../../world/world';

const READ_EVERY_MS = 50;
const TIMEOUT_MS = 1000;

export class StaleReader {
  private stopped = false;

  constructor(
    private readonly world: World,
    private readonly keys: readonly string[],
  ) {
    for (const wc of world.clients) this.world.kernel.schedule(READ_EVERY_MS, () => this.read(wc, wc.history.newProcess(), 0), 'fuzz.stale-read');
  }

  stop(): void {
    this.stopped = true;
  }

  private read(wc: WorldClient, process: number, n: number): void {
    if (this.stopped) return;
    const c = wc.client;
    if (c === undefined) {
      this.world.kernel.schedule(READ_EVERY_MS, () => this.read(wc, process, n), 'fuzz.stale-read');
      return;
    }
    const key = this.keys[n % this.keys.length];
    const [ctx] = c.ctx.withTimeout(TIMEOUT_MS);
    wc.history.record({ process, type: 'invoke', f: 'get', key, t: c.kernel.now });
    c.kv.get(ctx, key, { serializable: true }, (r) => {
      if (r.ok) {
        const kv = r.value.kvs[0];
        const result = { kv: kv === undefined ? null : { key: kv.key, value: kv.value, modRevision: kv.modRevision, createRevision: kv.createRevision, version: kv.version } };
        wc.history.record({ process, type: 'ok', f: 'get', key, t: c.kernel.now, result, revision: r.value.header.revision });
      } else wc.history.record({ process, type: 'fail', f: 'get', key, t: c.kernel.now, error: r.error.message });
      this.world.kernel.schedule(READ_EVERY_MS, () => this.read(wc, process, n + 1), 'fuzz.stale-read');
    });
  }
}
