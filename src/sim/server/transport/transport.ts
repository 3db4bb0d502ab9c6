// The peer transport, after etcd's rafthttp: one stream per peer over the simulated
// network (a TCP connection: in order, exactly once, or broken; network.ts), a peer status
// per remote (active since when, spec server.md §2.5 "connected since"), raft messages
// delivered to the local node, and snapshots on their own path (an HTTP POST in etcd)
// answered so the leader can ReportSnapshot (raft.md §10.4).
//
// Which path a message takes, as rafthttp's peer.pick: the stream while it is active;
// otherwise the pipeline, an HTTP POST per message on its own connection (so pipelined
// messages keep no order among themselves or with the stream); snapshots always by POST.
// The stream is taken as active once anything is heard from the peer (its stream reader
// redials every 100 ms in etcd).
//
// Failure feedback as rafthttp gives it: a broken stream (a write stalled past
// ConnWriteTimeout, or a reset) and a refused message (nobody listening, a reset link)
// mark the peer inactive and report it unreachable; a stream that hears nothing for
// ConnReadTimeout (5 s) goes inactive; a pipeline POST that fails reports the peer
// unreachable (and a snapshot POST reports the snapshot failed).

import type { Kernel, Timer } from '../../kernel/kernel';
import type { Network, Packet } from '../../net/network';
import { hostOf } from '../../net/network';
import type { Message } from '../../raft/raftpb';
import { MessageType } from '../../raft/raftpb';
import { msgTypeName } from '../../raft/util';
import { ConnReadTimeoutMs } from '../config';
import type { ClusterSnapshot } from '../membership/cluster';
import { formatMemberId, urlAddress } from '../membership/member';

export type PeerPacket =
  | { kind: 'raft'; m: Message }
  | { kind: 'snap'; m: Message; db: Uint8Array }
  | { kind: 'snap-resp'; index: number; ok: boolean }
  | { kind: 'link-heartbeat' }
  /** A joining member asks for the membership (etcd GET /members). */
  | { kind: 'members-req' }
  | { kind: 'members-resp'; cluster: ClusterSnapshot }
  /** HTTP 403 "cannot process message from removed member". */
  | { kind: 'removed' }
  /** A request to a peer's HTTP handlers (etcd leasehttp: /leases, /leases/internal). */
  | { kind: 'peer-req'; reqId: number; op: string; body: unknown }
  | { kind: 'peer-resp'; reqId: number; body: unknown };

export interface TransportHandler {
  /** A raft message from a peer (not a removed one). */
  process(m: Message): void;
  /** A snapshot message with the sender's db; `done(ok)` answers the sender. */
  processSnapshot(m: Message, db: Uint8Array, done: (ok: boolean) => void): void;
  reportUnreachable(id: number): void;
  reportSnapshot(id: number, ok: boolean): void;
  isRemoved(id: number): boolean;
  membership(): ClusterSnapshot;
  /** A peer answered that this member was removed from the cluster. */
  onRemoved(): void;
  /** A peer's HTTP request; `reply` answers it. */
  onPeerRequest(op: string, body: unknown, reply: (body: unknown) => void): void;
}

interface PeerStatus {
  addr: string;
  /** Virtual ms the stream became active; undefined = inactive. */
  activeSince: number | undefined;
  lastHeard: number;
  lastSent: number;
}

/** How long a write to a peer may stall before rafthttp gives up on the connection (ConnWriteTimeout). */
const ConnWriteTimeoutMs = 5_000;

/** How long a snapshot POST may take before the sender gives up (rafthttp snapResponseReadTimeout). */
const snapResponseTimeoutMs = 5_000;

export class Transport {
  private readonly peers = new Map<number, PeerStatus>();
  private readonly byAddr = new Map<string, number>();
  private readonly pendingSnaps = new Map<number, { index: number; timer: Timer }>();
  private readonly pendingRequests = new Map<number, (body: unknown) => void>();
  private nextReqId = 1;
  private ticker: Timer | undefined;
  private running = false;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    private readonly selfId: number,
    private readonly selfAddr: string,
    private readonly source: string,
    private readonly handler: TransportHandler,
  ) {}

  start(): void {
    this.running = true;
    this.net.listen(this.selfAddr, (p) => this.receive(p as Packet<PeerPacket>), {
      onBreak: (remote) => {
        const id = this.byAddr.get(hostOf(remote));
        if (id !== undefined) this.refused(id);
      },
      stallLimitMs: ConnWriteTimeoutMs,
    });
    for (const id of this.peers.keys()) this.dial(id);
    this.scheduleTicker();
  }

  /** rafthttp dials a peer's streams as soon as it knows the peer: say hello at once. */
  private dial(id: number): void {
    const p = this.peers.get(id);
    if (p !== undefined) this.sendPacket(id, p, 'linkHeartbeat', { kind: 'link-heartbeat' }, 8);
  }

  stop(): void {
    this.running = false;
    this.net.unlisten(this.selfAddr);
    if (this.ticker !== undefined) this.kernel.cancel(this.ticker);
    this.ticker = undefined;
    for (const s of this.pendingSnaps.values()) this.kernel.cancel(s.timer);
    this.pendingSnaps.clear();
    this.pendingRequests.clear();
  }

  /**
   * An HTTP request to a peer: `onReply` gets its answer, or undefined if none came
   * within `timeoutMs` (unknown peer, partition, refused).
   */
  request(to: number, op: string, body: unknown, timeoutMs: number, onReply: (body: unknown) => void): void {
    const p = this.peers.get(to);
    if (p === undefined) {
      onReply(undefined);
      return;
    }
    const reqId = this.nextReqId++;
    let done = false;
    const finish = (b: unknown) => {
      if (done) return;
      done = true;
      this.pendingRequests.delete(reqId);
      this.kernel.cancel(timer);
      onReply(b);
    };
    const timer = this.kernel.schedule(timeoutMs, () => finish(undefined), `${this.source} peer request timeout`);
    this.pendingRequests.set(reqId, finish);
    this.net.send<PeerPacket>(this.selfAddr, p.addr, `POST ${op}`, { kind: 'peer-req', reqId, op, body }, 64, () => finish(undefined), 'one-shot');
  }

  addPeer(id: number, peerURLs: readonly string[]): void {
    if (id === this.selfId || this.peers.has(id) || peerURLs.length === 0) return;
    const addr = urlAddress(peerURLs[0]);
    this.peers.set(id, { addr, activeSince: undefined, lastHeard: 0, lastSent: -Infinity });
    this.byAddr.set(hostOf(addr), id);
    if (this.running) this.dial(id);
  }

  removePeer(id: number): void {
    const p = this.peers.get(id);
    if (p === undefined) return;
    this.peers.delete(id);
    this.byAddr.delete(hostOf(p.addr));
  }

  updatePeer(id: number, peerURLs: readonly string[]): void {
    this.removePeer(id);
    this.addPeer(id, peerURLs);
  }

  /** Replaces the peer set (after a snapshot brought a new membership). */
  resetPeers(members: readonly { id: number; peerURLs: readonly string[] }[]): void {
    for (const id of [...this.peers.keys()]) if (!members.some((m) => m.id === id)) this.removePeer(id);
    for (const m of members) this.addPeer(m.id, m.peerURLs);
  }

  hasPeer(id: number): boolean {
    return this.peers.has(id);
  }

  /** Virtual ms since when the stream to `id` has been up; undefined when it is not (etcd ActiveSince). */
  activeSince(id: number): number | undefined {
    const p = this.peers.get(id);
    if (p === undefined) return undefined;
    this.checkReadTimeout(id, p);
    return p.activeSince;
  }

  /** Sends raft messages in order; each peer's messages share one FIFO stream. */
  send(msgs: readonly Message[]): void {
    for (const m of msgs) {
      if (m.to === 0) continue;
      const p = this.peers.get(m.to);
      if (p === undefined) continue; // etcd: "ignored message send request; unknown remote peer target"
      this.sendPacket(m.to, p, msgTypeName(m.type), { kind: 'raft', m }, messageSize(m));
    }
  }

  /** Sends a merged snapshot on its own path; the answer (or its absence) is reported to raft. */
  sendSnapshot(m: Message, db: Uint8Array): void {
    const p = this.peers.get(m.to);
    if (p === undefined) {
      this.handler.reportSnapshot(m.to, false);
      return;
    }
    const prev = this.pendingSnaps.get(m.to);
    if (prev !== undefined) this.kernel.cancel(prev.timer);
    const index = m.snapshot?.metadata.index ?? 0;
    const timer = this.kernel.schedule(snapResponseTimeoutMs, () => this.snapshotDone(m.to, index, false), 'snapshot timeout');
    this.pendingSnaps.set(m.to, { index, timer });
    this.sendPacket(m.to, p, 'MsgSnap', { kind: 'snap', m, db }, db.length + messageSize(m));
  }

  /** The stream while it is active, else a pipeline POST; a snapshot always by POST. */
  private sendPacket(to: number, p: PeerStatus, kind: string, payload: PeerPacket, size: number): void {
    p.lastSent = this.kernel.now;
    const path = payload.kind !== 'snap' && this.activeSince(to) !== undefined ? 'stream' : 'one-shot';
    this.net.send<PeerPacket>(this.selfAddr, p.addr, kind, payload, size, () => this.refused(to), path);
  }

  private refused(to: number): void {
    if (!this.running) return;
    const p = this.peers.get(to);
    if (p !== undefined) this.setActive(to, p, false);
    this.handler.reportUnreachable(to);
    const snap = this.pendingSnaps.get(to);
    if (snap !== undefined) this.snapshotDone(to, snap.index, false);
  }

  private receive(packet: Packet<PeerPacket>): void {
    const fromId = this.byAddr.get(hostOf(packet.from));
    const payload = packet.payload;
    if (fromId !== undefined) {
      const p = this.peers.get(fromId) as PeerStatus;
      p.lastHeard = this.kernel.now;
      if (p.activeSince === undefined) this.setActive(fromId, p, true);
    }
    switch (payload.kind) {
      case 'raft':
        if (this.handler.isRemoved(payload.m.from)) {
          // rafthttp answers 403 "cannot process message from removed member".
          this.net.send<PeerPacket>(this.selfAddr, packet.from, 'removed', { kind: 'removed' }, 16, undefined, 'one-shot');
          return;
        }
        this.handler.process(payload.m);
        return;
      case 'removed':
        this.handler.onRemoved();
        return;
      case 'peer-req': {
        const from = packet.from;
        this.handler.onPeerRequest(payload.op, payload.body, (body) => {
          if (this.running) this.net.send<PeerPacket>(this.selfAddr, from, 'HTTP response', { kind: 'peer-resp', reqId: payload.reqId, body }, 64, undefined, 'one-shot');
        });
        return;
      }
      case 'peer-resp':
        this.pendingRequests.get(payload.reqId)?.(payload.body);
        return;
      case 'snap': {
        if (this.handler.isRemoved(payload.m.from)) return;
        const from = packet.from;
        const index = payload.m.snapshot?.metadata.index ?? 0;
        this.handler.processSnapshot(payload.m, payload.db, (ok) => {
          if (!this.running) return;
          this.net.send<PeerPacket>(this.selfAddr, from, 'MsgSnapResp', { kind: 'snap-resp', index, ok }, 16, undefined, 'one-shot');
        });
        return;
      }
      case 'snap-resp':
        if (fromId !== undefined) this.snapshotDone(fromId, payload.index, payload.ok);
        return;
      case 'members-req':
        this.net.send<PeerPacket>(this.selfAddr, packet.from, 'members', { kind: 'members-resp', cluster: this.handler.membership() }, 256, undefined, 'one-shot');
        return;
      case 'link-heartbeat':
      case 'members-resp':
        return;
    }
  }

  private snapshotDone(to: number, index: number, ok: boolean): void {
    const pending = this.pendingSnaps.get(to);
    if (pending === undefined || pending.index !== index) return;
    this.kernel.cancel(pending.timer);
    this.pendingSnaps.delete(to);
    this.handler.reportSnapshot(to, ok);
  }

  private setActive(id: number, p: PeerStatus, active: boolean): void {
    if ((p.activeSince !== undefined) === active) return;
    p.activeSince = active ? this.kernel.now : undefined;
    this.kernel.trace.emit(
      this.source,
      'server.peer',
      { peer: formatMemberId(id), active },
      { reason: active ? 'peer stream connected' : 'peer stream lost (broken, refused, or nothing heard for 5 s)' },
    );
  }

  private checkReadTimeout(id: number, p: PeerStatus): void {
    if (p.activeSince !== undefined && this.kernel.now - p.lastHeard > ConnReadTimeoutMs) this.setActive(id, p, false);
  }

  /** Keeps idle streams alive (rafthttp's link heartbeat) and notices silent ones. */
  private scheduleTicker(): void {
    const period = ConnReadTimeoutMs / 3;
    this.ticker = this.kernel.schedule(
      period,
      () => {
        for (const [id, p] of this.peers) {
          this.checkReadTimeout(id, p);
          if (this.kernel.now - p.lastSent >= period) {
            this.sendPacket(id, p, 'linkHeartbeat', { kind: 'link-heartbeat' }, 8);
          }
        }
        this.scheduleTicker();
      },
      `${this.source} peer link heartbeat`,
    );
  }
}

/** Approximate wire size of a raft message: a fixed header plus entry payloads. */
function messageSize(m: Message): number {
  let size = 64;
  for (const e of m.entries) size += 24 + (e.data?.length ?? 0);
  if (m.type === MessageType.MsgSnap) size += m.snapshot?.data?.length ?? 0;
  return size;
}
