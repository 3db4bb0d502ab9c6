// The linearizable read loop (etcd v3_server.go linearizableReadLoop, spec server.md §2.6).
// Reads join the current batch; one round confirms a read index with raft's ReadIndex
// (retried every 500 ms with a new ID, resent at the first commit of a new term), waits
// until the applied index reaches it and releases the whole batch. A leader change
// fails the round with ErrLeaderChanged, ReqTimeout with ErrTimeout.

import type { Kernel, Timer } from '../kernel/kernel';
import type { ReadState } from '../raft/node';
import { readIndexRetryTimeMs } from './config';
import { serverError } from './errors';

export type ReadDone = (err: Error | undefined) => void;

export interface ReadIndexHost {
  nextRequestId(): number;
  /** Asks raft for a read index; raft answers with a ReadState carrying ctx. */
  readIndex(ctx: Uint8Array): void;
  /** Runs fn once the applied index reaches `index`. */
  waitApplied(index: number, fn: () => void): void;
}

interface Round {
  seq: number;
  batch: ReadDone[];
  ids: Set<number>;
  retry?: Timer;
  timeout: Timer;
  /** Set once the index is confirmed and the round waits for apply. */
  confirmed: boolean;
}

export class ReadIndexLoop {
  private pending: ReadDone[] = [];
  private round: Round | undefined;
  private rounds = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly source: string,
    private readonly host: ReadIndexHost,
    private readonly reqTimeoutMs: number,
  ) {}

  /** Joins the next batch; `done` runs when the read may be served (or with its error). */
  read(done: ReadDone): void {
    this.pending.push(done);
    if (this.round === undefined) this.kernel.schedule(0, () => this.startRound(), `${this.source} read index`);
  }

  /** A leader change aborts the round in flight (etcd leaderChangedNotifier). */
  onLeaderChanged(): void {
    const r = this.round;
    if (r !== undefined && !r.confirmed) this.finish(r, serverError('ErrLeaderChanged'));
  }

  /** The first commit of a new term: raft can now answer, so ask again at once. */
  onFirstCommitInTerm(): void {
    const r = this.round;
    if (r !== undefined && !r.confirmed) this.send(r, 'first commit in the current term: ask again');
  }

  onReadState(rs: ReadState): void {
    const r = this.round;
    if (r === undefined || r.confirmed || rs.requestCtx === undefined) return;
    const id = decodeId(rs.requestCtx);
    if (!r.ids.has(id)) return; // an answer to an older round
    r.confirmed = true;
    if (r.retry !== undefined) this.kernel.cancel(r.retry);
    this.trace(r, id, 'confirmed', `leader confirmed read index ${rs.index}`, rs.index);
    this.host.waitApplied(rs.index, () => this.finish(r, undefined));
  }

  /** The server stops: every waiting read fails. */
  stop(): void {
    const r = this.round;
    if (r !== undefined) {
      this.kernel.cancel(r.timeout);
      if (r.retry !== undefined) this.kernel.cancel(r.retry);
    }
    this.round = undefined;
    const batch = [...(r?.batch ?? []), ...this.pending];
    this.pending = [];
    for (const done of batch) done(serverError('ErrStopped'));
  }

  private startRound(): void {
    if (this.round !== undefined || this.pending.length === 0) return;
    const r: Round = {
      seq: ++this.rounds,
      batch: this.pending,
      ids: new Set(),
      confirmed: false,
      timeout: this.kernel.schedule(this.reqTimeoutMs, () => this.finish(r, serverError('ErrTimeout')), 'read index timeout'),
    };
    this.pending = [];
    this.round = r;
    this.send(r, `${r.batch.length} linearizable read(s) need a confirmed index`);
  }

  private send(r: Round, why: string): void {
    const id = this.host.nextRequestId();
    r.ids.add(id);
    this.trace(r, id, 'sent', why);
    this.host.readIndex(encodeId(id));
    if (r.retry !== undefined) this.kernel.cancel(r.retry);
    r.retry = this.kernel.schedule(
      readIndexRetryTimeMs,
      () => {
        r.retry = undefined;
        if (this.round === r && !r.confirmed) this.send(r, 'no answer in 500 ms: retry with a new ID');
      },
      'read index retry',
    );
  }

  private finish(r: Round, err: Error | undefined): void {
    if (this.round !== r) return;
    this.round = undefined;
    this.kernel.cancel(r.timeout);
    if (r.retry !== undefined) this.kernel.cancel(r.retry);
    if (err !== undefined) this.trace(r, 0, 'error', err.message, undefined, err.message);
    for (const done of r.batch) done(err);
    if (this.pending.length > 0) this.startRound();
  }

  private trace(r: Round, id: number, outcome: 'sent' | 'confirmed' | 'retry' | 'error', reason: string, index?: number, error?: string): void {
    if (!this.kernel.trace.enabled('info')) return;
    const fields = { round: r.seq, reqId: id.toString(16), outcome, batch: r.batch.length } as {
      round: number;
      reqId: string;
      outcome: typeof outcome;
      batch: number;
      index?: number;
      error?: string;
    };
    if (index !== undefined) fields.index = index;
    if (error !== undefined) fields.error = error;
    this.kernel.trace.emit(this.source, 'server.readindex', fields, { reason });
  }
}

/** The ReadIndex context: the request ID as 8 bytes big-endian. */
function encodeId(id: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(id));
  return b;
}

function decodeId(b: Uint8Array): number {
  if (b.length !== 8) return -1;
  return Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0));
}
