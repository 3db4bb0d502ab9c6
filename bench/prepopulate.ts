// Fills a world's store before a run, the way an operator would: the world's client
// writes keys <prefix>0 ... <prefix>(n-1) as transactions of 128 puts (etcd's
// --max-txn-ops default), 16 in flight, so each key is proposed, committed through Raft,
// written to every member's WAL and applied to every member's MVCC store. A million keys
// are about 7,800 proposals: well over a minute of wall time here, but honest (no member
// store is loaded behind Raft's back). Returns once every member has applied them all.

import type { World } from '../src/sim/world/world';
import { opPut } from '../src/sim/client/kv';

export interface PrepopulateOptions {
  prefix?: string;
  value?: string;
  /** Puts per transaction; etcd refuses more than --max-txn-ops (128). */
  batch?: number;
  /** Transactions awaiting their answer at once. */
  inFlight?: number;
  /** Virtual ms one transaction may take before it counts as failed. */
  txnTimeoutMs?: number;
  /** Virtual ms allowed for connecting, writing and applying; exceeded = an error. */
  deadlineMs?: number;
}

export interface Prepopulated {
  keys: number;
  proposals: number;
  /** Virtual ms the filling took. */
  virtualMs: number;
}

export function prepopulate(world: World, clientName: string, keys: number, opts: PrepopulateOptions = {}): Prepopulated {
  const { prefix = 'k/', value = 'initial', batch = 128, inFlight = 16, txnTimeoutMs = 10_000, deadlineMs = 3_600_000 } = opts;
  if (!Number.isInteger(keys) || keys < 0) throw new Error(`prepopulate: keys must be a whole number >= 0, got ${keys}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`prepopulate: batch must be a whole number >= 1, got ${batch}`);
  const start = world.now;
  const deadline = start + deadlineMs;
  const wc = world.client(clientName);
  world.runUntilTrue(() => wc.client !== undefined || wc.error !== undefined, deadlineMs);
  const client = wc.client;
  if (client === undefined) throw new Error(`prepopulate: client ${clientName} did not connect${wc.error ? `: ${wc.error.message}` : ''}`);

  const proposals = Math.ceil(keys / batch);
  let issued = 0;
  let answered = 0;
  let failure: Error | undefined;
  const issue = (): void => {
    if (issued >= proposals || failure !== undefined) return;
    const first = issued++ * batch;
    const ops = [];
    for (let i = first; i < Math.min(keys, first + batch); i++) ops.push(opPut(`${prefix}${i}`, value));
    const [ctx] = client.ctx.withTimeout(txnTimeoutMs);
    client.kv.txn(ctx).then(...ops).commit((r) => {
      answered++;
      if (!r.ok) failure = new Error(`prepopulate: writing ${prefix}${first}.. failed: ${r.error.message}`);
      issue();
    });
  };
  for (let i = 0; i < inFlight; i++) issue();
  const left = () => deadline - world.now;
  world.runUntilTrue(() => answered >= proposals || failure !== undefined, left());
  if (failure !== undefined) throw failure;
  if (answered < proposals) throw new Error(`prepopulate: ${answered} of ${proposals} transactions answered within ${deadlineMs} virtual ms`);

  // The client's answer comes from one member; wait until every member has applied.
  const committed = Math.max(...world.members.map((m) => m.committedIndex));
  if (!world.runUntilTrue(() => world.members.every((m) => m.appliedIndex >= committed), left())) {
    throw new Error(`prepopulate: not every member applied index ${committed} within ${deadlineMs} virtual ms`);
  }
  return { keys, proposals, virtualMs: world.now - start };
}
