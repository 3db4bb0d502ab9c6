import { z } from 'zod';

/**
 * The simulator's own client history format, which the client workload
 * records and the sim-kv model checks.
 *
 * A history file is JSON lines (`.jsonl`): one event per line, in the order
 * the events happened. Like a Jepsen history, each client operation is an
 * `invoke` event followed, from the same process, by one completion:
 *
 * - `ok`: the response arrived; `result` and `revision` say what it was.
 * - `fail`: a definite failure: the request certainly did not take effect
 *   (for example it never left the client, or etcd rejected it before
 *   proposing it). The operation is left out of the check.
 * - `info`: the outcome is unknown (a timeout, a lost connection after the
 *   request was sent): it may have taken effect at any time after its
 *   invocation, or never. An operation with no completion counts as `info`.
 *
 * A process runs one operation at a time. `t` is virtual time in ms; events at
 * one instant count as concurrent. A completion repeats `f` and `key`; the
 * other parameters are read from the invocation.
 *
 * Operations (`f`), following etcd's KV API:
 *
 * - `put` key value. ok: `revision` is the response header revision, which
 *   is the key's new mod revision.
 * - `get` key: a linearizable Range of one key. ok: `result.kv` is the key's
 *   KeyValue, or null when the key does not exist.
 * - `range` key rangeEnd: a linearizable Range over [key, rangeEnd); rangeEnd
 *   "\u0000" means every key >= key. ok: `result.kvs` in key order.
 * - `delete` key [rangeEnd]: DeleteRange. ok: `result.deleted` is the count.
 * - `txn` key expected value: a compare-and-swap Txn: if the key's
 *   `expected` field (value, version, modRevision or createRevision) equals
 *   the given one, put value, else (optionally) get the key. ok:
 *   `result.succeeded`, and `result.kv` for the else branch's get if done.
 *   A txn whose compare failed is `ok` with succeeded false, not `fail`.
 *
 * Keys compare as JavaScript strings (UTF-16 code units), which is etcd's
 * byte order for ASCII keys.
 *
 * `revision` (the response header revision) and a KeyValue's `modRevision`,
 * `createRevision` and `version` are optional; when recorded they are checked.
 * Serializable reads are not linearizable and must not be recorded here.
 *
 * Example:
 *   {"process":0,"type":"invoke","f":"put","key":"a","value":"1","t":10}
 *   {"process":0,"type":"ok","f":"put","key":"a","revision":2,"t":14}
 *   {"process":1,"type":"invoke","f":"txn","key":"a","expected":{"value":"1"},"value":"2","t":15}
 *   {"process":1,"type":"info","f":"txn","key":"a","error":"context deadline exceeded","t":1015}
 *   {"process":2,"type":"invoke","f":"get","key":"a","t":20}
 *   {"process":2,"type":"ok","f":"get","key":"a","result":{"kv":{"key":"a","value":"2","modRevision":3,"version":2}},"revision":3,"t":22}
 */

const revision = z.number().int().nonnegative();

export const keyValueSchema = z.strictObject({
  key: z.string(),
  value: z.string(),
  modRevision: revision.optional(),
  createRevision: revision.optional(),
  version: z.number().int().positive().optional(),
});

/** A txn's compare: one field of the key, tested for equality (etcd's Compare with result EQUAL). */
export const compareSchema = z.union([
  z.strictObject({ value: z.string() }),
  z.strictObject({ version: z.number().int().nonnegative() }),
  z.strictObject({ modRevision: revision }),
  z.strictObject({ createRevision: revision }),
]);

export const resultSchema = z.strictObject({
  /** get; and txn's else branch, when it reads the key. */
  kv: keyValueSchema.nullable().optional(),
  /** range. */
  kvs: z.array(keyValueSchema).optional(),
  /** delete. */
  deleted: z.number().int().nonnegative().optional(),
  /** txn. */
  succeeded: z.boolean().optional(),
});

export const historyEventSchema = z.strictObject({
  process: z.number().int().nonnegative(),
  type: z.enum(['invoke', 'ok', 'fail', 'info']),
  f: z.enum(['put', 'get', 'delete', 'txn', 'range']),
  key: z.string(),
  /** put, txn: the value to write. */
  value: z.string().optional(),
  /** range, delete: the end of [key, rangeEnd); "\u0000" for every key >= key. */
  rangeEnd: z.string().optional(),
  /** txn: the compare. */
  expected: compareSchema.optional(),
  /** ok: what the response said. */
  result: resultSchema.optional(),
  /** ok: the response header revision. */
  revision: revision.optional(),
  /** fail, info: the error, for people reading the history. */
  error: z.string().optional(),
  /** Virtual time, ms. */
  t: z.number().nonnegative(),
});

export type KeyValue = z.infer<typeof keyValueSchema>;
export type Compare = z.infer<typeof compareSchema>;
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/** One line of a history file (validated: a bad event is a bug in the recorder). */
export function historyLine(event: HistoryEvent): string {
  return JSON.stringify(historyEventSchema.parse(event));
}

/** A whole history file. */
export function writeHistory(events: readonly HistoryEvent[]): string {
  return events.map((e) => `${historyLine(e)}\n`).join('');
}
