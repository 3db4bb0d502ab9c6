// Pending ReadIndex requests awaiting heartbeat acknowledgment (read_only.go, spec §6).
import type { Message } from './raftpb';

export enum ReadOnlyOption {
  /** Confirm leadership with a heartbeat round before answering (linearizable). */
  ReadOnlySafe = 0,
  /** Answer from the leader lease; relies on CheckQuorum and bounded clock drift. */
  ReadOnlyLeaseBased = 1,
}

export interface ReadIndexStatus {
  req: Message;
  index: number;
  /** Voters (and self) that acknowledged this context. */
  acks: Map<number, boolean>;
}

/** Request contexts are bytes; they are keyed by their latin-1 string form. */
function ctxKey(ctx: Uint8Array | undefined): string {
  if (ctx === undefined) return '';
  let s = '';
  for (let i = 0; i < ctx.length; i++) s += String.fromCharCode(ctx[i]);
  return s;
}

export class ReadOnly {
  private readonly pendingReadIndex = new Map<string, ReadIndexStatus>();
  private readIndexQueue: string[] = [];

  constructor(readonly option: ReadOnlyOption) {}

  /** Queues a read request at the current commit index; duplicates of a pending ctx are ignored. */
  addRequest(index: number, m: Message): void {
    const s = ctxKey(m.entries[0].data);
    if (this.pendingReadIndex.has(s)) return;
    this.pendingReadIndex.set(s, { index, req: m, acks: new Map() });
    this.readIndexQueue.push(s);
  }

  /** Records an ack for the context; returns its acks, or undefined for an unknown context. */
  recvAck(id: number, context: Uint8Array | undefined): Map<number, boolean> | undefined {
    const rs = this.pendingReadIndex.get(ctxKey(context));
    if (rs === undefined) return undefined;
    rs.acks.set(id, true);
    return rs.acks;
  }

  /** Dequeues every request up to and including the one with m's context. */
  advance(m: Message): ReadIndexStatus[] {
    const ctx = ctxKey(m.context);
    const rss: ReadIndexStatus[] = [];
    let i = 0;
    let found = false;
    for (const okctx of this.readIndexQueue) {
      i++;
      const rs = this.pendingReadIndex.get(okctx);
      if (rs === undefined) throw new Error('cannot find corresponding read state from pending map');
      rss.push(rs);
      if (okctx === ctx) {
        found = true;
        break;
      }
    }
    if (!found) return [];
    this.readIndexQueue = this.readIndexQueue.slice(i);
    for (const rs of rss) this.pendingReadIndex.delete(ctxKey(rs.req.entries[0].data));
    return rss;
  }

  /** The context of the newest pending request (carried by heartbeats), if any. */
  lastPendingRequestCtx(): Uint8Array | undefined {
    if (this.readIndexQueue.length === 0) return undefined;
    return this.pendingReadIndex.get(this.readIndexQueue[this.readIndexQueue.length - 1])!.req.entries[0].data;
  }

  pendingCount(): number {
    return this.readIndexQueue.length;
  }
}
