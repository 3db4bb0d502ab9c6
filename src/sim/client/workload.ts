// A client workload: concurrent processes issuing a configurable operation mix at a
// rate, each operation with its own timeout, recorded as a history the linearizability
// checker reads (history.ts). Watches and leases exercise the client but are not
// recorded: the history format covers key-value operations only.

import { z } from 'zod';
import type { RandomStream } from '../kernel/random';
import type { Timer } from '../kernel/kernel';
import type { Result } from '../grpc/result';
import type { KeyValue as MvccKeyValue } from '../mvcc/mvccpb';
import type { DeleteRangeResponse, PutResponse, RangeResponse, TxnResponse } from '../mvcc/rpc';
import { getPrefixRangeEnd } from '../mvcc/bytes';
import type { Client } from './client';
import { compare, opGet, opPut } from './kv';
import { outcomeOf, type HistoryEvent, type HistoryRecorder } from './history';
import type { LeaseGrantResponse } from './rpc-types';

declare module '../trace/trace' {
  interface TraceKinds {
    'client.workload': { action: 'start' | 'stop'; processes: number };
  }
}

const Weight = z.number().min(0);

export const WorkloadSchema = z
  .object({
    /** Relative weights of each operation. */
    mix: z
      .object({ get: Weight, put: Weight, delete: Weight, txn: Weight, range: Weight, watch: Weight, lease: Weight })
      .partial()
      .default({ get: 4, put: 4, txn: 1, delete: 1 }),
    // Up to a million keys: the bench measures speed with a store that large.
    keys: z.number().int().min(1).max(1_000_000).default(5),
    keyPrefix: z.string().min(1).default('k/'),
    /** uniform, or zipf (s = 1): key i is chosen with weight 1/(i+1). */
    distribution: z.enum(['uniform', 'zipf']).default('uniform'),
    /** Concurrent processes, each running one operation at a time. */
    concurrency: z.number().int().min(1).max(1000).default(2),
    /** Operations per second across the client's processes (Poisson arrivals). */
    rate: z.number().positive().max(100_000).default(20),
    timeoutMs: z.number().positive().default(1000),
    /** Stop after this many operations (all processes together). */
    operations: z.number().int().positive().optional(),
    leaseTtlSeconds: z.number().int().min(1).default(5),
    /** How long a watch or a kept-alive lease of the mix lasts. */
    holdMs: z.number().positive().default(5000),
    /**
     * Occasional large objects (Kubernetes objects run to hundreds of KiB; etcd accepts
     * requests up to --max-request-bytes, 1.5 MiB): a written value is padded to `bytes`
     * with this `chance`. The history records the value without its padding (its unique
     * tag), so the linearizability checker never hashes the filler.
     */
    largeValues: z.object({ chance: z.number().min(0).max(1), bytes: z.number().int().min(1).max(1_572_864) }).strict().optional(),
  })
  .strict()
  .refine((w) => Object.values(w.mix).some((x) => (x ?? 0) > 0), { message: 'mix: at least one operation needs a positive weight', path: ['mix'] });

export type WorkloadConfig = z.infer<typeof WorkloadSchema>;
type OpName = keyof WorkloadConfig['mix'];
const OPS: readonly OpName[] = ['get', 'put', 'delete', 'txn', 'range', 'watch', 'lease'];

export class WorkloadConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid workload:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WorkloadConfigError';
  }
}

export function parseWorkload(input: unknown): WorkloadConfig {
  const r = WorkloadSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new WorkloadConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(workload)'}: ${i.message}`));
}

export class Workload {
  readonly cfg: WorkloadConfig;
  private readonly rng: RandomStream;
  private running = false;
  private started = 0;
  private seq = 0;
  private readonly timers = new Set<Timer>();
  /** Sum of the zipf weights 1/(i+1) over the keys. */
  private readonly zipfTotal: number;
  /** The last value this workload saw per key, for CAS expectations. */
  private readonly lastSeen = new Map<string, string>();

  constructor(
    private readonly client: Client,
    config: unknown,
    private readonly history: HistoryRecorder,
  ) {
    this.cfg = parseWorkload(config);
    this.rng = client.kernel.random(`${client.name}/workload`);
    let total = 0;
    for (let k = 1; k <= this.cfg.keys; k++) total += 1 / k;
    this.zipfTotal = total;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.client.kernel.trace.emit(this.client.name, 'client.workload', { action: 'start', processes: this.cfg.concurrency });
    for (let i = 0; i < this.cfg.concurrency; i++) this.next(this.history.newProcess());
  }

  /** Stops issuing operations; those in flight still complete and are recorded. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) this.client.kernel.cancel(t);
    this.timers.clear();
    this.client.kernel.trace.emit(this.client.name, 'client.workload', { action: 'stop', processes: this.cfg.concurrency });
  }

  private next(process: number): void {
    if (!this.running || (this.cfg.operations !== undefined && this.started >= this.cfg.operations)) return;
    const mean = (1000 * this.cfg.concurrency) / this.cfg.rate;
    const t = this.client.kernel.schedule(this.rng.exponential(mean), () => {
      this.timers.delete(t);
      if (!this.running || (this.cfg.operations !== undefined && this.started >= this.cfg.operations)) return;
      this.started++;
      this.run(process);
    }, 'workload.next');
    this.timers.add(t);
  }

  private pickOp(): OpName {
    const weights = OPS.map((o) => this.cfg.mix[o] ?? 0);
    let x = this.rng.float() * weights.reduce((a, b) => a + b, 0);
    let last: OpName = 'get';
    for (let i = 0; i < OPS.length; i++) {
      if (weights[i] <= 0) continue;
      last = OPS[i];
      x -= weights[i];
      if (x < 0) break;
    }
    return last;
  }

  private pickKey(): string {
    const n = this.cfg.keys;
    let i: number;
    if (this.cfg.distribution === 'uniform') i = this.rng.int(0, n - 1);
    else {
      let x = this.rng.float() * this.zipfTotal;
      i = 0;
      while (i < n - 1 && (x -= 1 / (i + 1)) >= 0) i++;
    }
    return `${this.cfg.keyPrefix}${i}`;
  }

  private run(process: number): void {
    const op = this.pickOp();
    const now = () => this.client.kernel.now;
    const [ctx] = this.client.ctx.withTimeout(this.cfg.timeoutMs);
    const key = op === 'range' ? this.cfg.keyPrefix : this.pickKey();
    const invoke = (e: Omit<HistoryEvent, 'process' | 'type' | 't' | 'key'>): void =>
      this.history.record({ process, type: 'invoke', key, t: now(), ...e });
    const complete = <T>(f: HistoryEvent['f'], isWrite: boolean, r: Result<T>, ok: (v: T) => Partial<HistoryEvent>): void => {
      if (r.ok) this.history.record({ process, type: 'ok', f, key, t: now(), ...ok(r.value) });
      else {
        const type = outcomeOf(r.error, isWrite);
        this.history.record({ process, type, f, key, t: now(), error: r.error.message });
        // A process whose operation may still be pending never issues another one.
        if (type === 'info') return this.next(this.history.newProcess());
      }
      this.next(process);
    };
    switch (op) {
      case 'get':
        invoke({ f: 'get' });
        return this.client.kv.get(ctx, key, {}, (r) =>
          complete('get', false, r, (v: RangeResponse) => {
            const kv = v.kvs[0];
            if (kv !== undefined) this.lastSeen.set(key, kv.value);
            return { result: { kv: kv === undefined ? null : histKv(kv) }, revision: v.header.revision };
          }),
        );
      case 'range': {
        const rangeEnd = getPrefixRangeEnd(key);
        invoke({ f: 'range', rangeEnd });
        return this.client.kv.get(ctx, key, { rangeEnd }, (r) =>
          complete('range', false, r, (v: RangeResponse) => ({ result: { kvs: v.kvs.map(histKv) }, revision: v.header.revision })),
        );
      }
      case 'put': {
        const value = this.uniqueValue(process);
        invoke({ f: 'put', value });
        const stored = this.padded(value);
        return this.client.kv.put(ctx, key, stored, {}, (r) =>
          complete('put', true, r, (v: PutResponse) => {
            this.lastSeen.set(key, stored);
            return { revision: v.header.revision };
          }),
        );
      }
      case 'delete':
        invoke({ f: 'delete' });
        return this.client.kv.delete(ctx, key, {}, (r) =>
          complete('delete', true, r, (v: DeleteRangeResponse) => ({ result: { deleted: v.deleted }, revision: v.header.revision })),
        );
      case 'txn': {
        const value = this.uniqueValue(process);
        const seen = this.lastSeen.get(key);
        const expected = seen === undefined ? { version: 0 } : { value: unpadded(seen) };
        invoke({ f: 'txn', value, expected });
        const cmp = seen === undefined ? compare.version(key, '=', 0) : compare.value(key, '=', seen);
        const stored = this.padded(value);
        return this.client.kv.txn(ctx).if(cmp).then(opPut(key, stored)).else(opGet(key)).commit((r) =>
          complete('txn', true, r, (v: TxnResponse) => {
            if (v.succeeded) {
              this.lastSeen.set(key, stored);
              return { result: { succeeded: true }, revision: v.header.revision };
            }
            const kv = v.responses[0]?.responseRange?.kvs[0];
            if (kv !== undefined) this.lastSeen.set(key, kv.value);
            return { result: { succeeded: false, kv: kv === undefined ? null : histKv(kv) }, revision: v.header.revision };
          }),
        );
      }
      case 'watch':
        return this.holdWatch(process);
      case 'lease':
        return this.holdLease(process);
    }
  }

  private uniqueValue(process: number): string {
    return `${this.client.name}-${process}-${this.seq++}`;
  }

  /** The value as stored: with largeValues, sometimes padded to a large object. */
  private padded(value: string): string {
    const large = this.cfg.largeValues;
    if (large === undefined || !this.rng.chance(large.chance) || value.length >= large.bytes) return value;
    return value + PAD.repeat(large.bytes - value.length);
  }

  /** A watch on the key prefix for holdMs (not recorded in the history). */
  private holdWatch(process: number): void {
    const [ctx] = this.client.ctx.withTimeout(this.cfg.holdMs);
    this.client.watcher.watch(ctx, this.cfg.keyPrefix, { rangeEnd: getPrefixRangeEnd(this.cfg.keyPrefix) }, { onResponse: () => {}, onClose: () => {} });
    this.next(process);
  }

  /** A lease kept alive for holdMs, then revoked (not recorded in the history). */
  private holdLease(process: number): void {
    const [ctx] = this.client.ctx.withTimeout(this.cfg.timeoutMs);
    this.client.lease.grant(ctx, this.cfg.leaseTtlSeconds, (r: Result<LeaseGrantResponse>) => {
      if (r.ok) {
        const [kctx, cancel] = this.client.ctx.withTimeout(this.cfg.holdMs);
        this.client.lease.keepAlive(kctx, r.value.ID, { onResponse: () => {}, onClose: () => {} });
        kctx.onDone(() => {
          cancel();
          const [rctx] = this.client.ctx.withTimeout(this.cfg.timeoutMs);
          this.client.lease.revoke(rctx, r.value.ID, () => {});
        });
      }
      this.next(process);
    });
  }
}

/** Filler of large values; unique values never contain it. */
const PAD = '~';

/** A stored value's unique tag (the value without its padding). */
function unpadded(value: string): string {
  const i = value.indexOf(PAD);
  return i < 0 ? value : value.slice(0, i);
}

function histKv(kv: MvccKeyValue): { key: string; value: string; modRevision: number; createRevision: number; version: number } {
  return { key: kv.key, value: unpadded(kv.value), modRevision: kv.modRevision, createRevision: kv.createRevision, version: kv.version };
}
