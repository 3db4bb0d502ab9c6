// The simulated network. Hosts (members "m1", clients "c1") own addresses "host:port".
// Every etcd link is TCP (rafthttp streams and POSTs, the client's HTTP/2 connection), so
// the network models connections, not datagrams. Faults are data (faults.ts) and every
// send, stall, break and refusal is a trace event, so the page can draw what is in flight.
//
// The TCP rule (why: a packet-level model lost and duplicated messages inside a live
// stream, which no TCP connection does; fuzz README known issues 2 and 3):
//   - A stream (the default) is the connection between two addresses, shared by both
//     directions. Each direction delivers in send order, exactly once, or the connection
//     breaks. Duplication and reordering faults act on segments that TCP itself discards
//     or reassembles, so they never change what a stream delivers.
//   - Loss, a partition, a one-way block or a blackholed link stall the direction: its
//     first undelivered message is retransmitted after an RTO (200 ms, doubling up to
//     120 s, Linux's bounds) and everything behind it waits. A retransmission that gets
//     through delivers it and the messages held behind it, in order.
//   - A stall longer than the sender's limit breaks the connection (the sender's write
//     timeout: rafthttp's 5 s, grpc's TCP_USER_TIMEOUT; Linux gives up after ~15 min).
//     Both ends are told at once (ListenOptions.onBreak) and every message in flight on
//     it, either way, is lost. Real TCP tells the far end only at its next write or
//     timeout; telling both keeps the simulated ends from writing into a dead connection
//     unawares, which would lose messages silently. The next send opens a new connection.
//   - A one-shot send (connection 'one-shot') is an HTTP request on a fresh connection
//     (rafthttp's pipeline and snapshot POSTs): no order with anything else; it stalls
//     alone, and when the stall outlasts the limit it fails and the sender's onRefused
//     runs, as a failed POST.
//   - Nothing listening at the destination, or a link down in refused mode, refuses the
//     message: a reset comes back and the sender's onRefused runs one latency later.

import type { Kernel } from '../kernel/kernel';
import type { Recorder } from '../trace/trace';
import type { RandomStream } from '../kernel/random';
import { sampleLatency } from './latency';
import {
  Reachability,
  type LinkSettings,
  type LinkState,
  type NetworkSettings,
} from './faults';

export type Address = string;

/** The host part of "host:port". */
export function hostOf(addr: Address): string {
  const i = addr.indexOf(':');
  return i < 0 ? addr : addr.slice(0, i);
}

/**
 * What happened to a message. `broken`: its connection broke (or its one-shot request
 * failed) while it was in flight; `refused`: nothing listened at the destination or the
 * link was down in refused mode, and the sender was told.
 */
export type Fate = 'in-flight' | 'delivered' | 'broken' | 'refused';

/** Which connection a message travels on (see the TCP rule at the top). */
export type ConnectionKind = 'stream' | 'one-shot';

/** Why a transmission did not get through. */
export type StallCause = 'loss' | 'partition' | 'blackhole';

export interface Packet<P = unknown> {
  readonly id: number;
  readonly from: Address;
  readonly to: Address;
  /** Message type, e.g. "MsgApp" or "grpc.Range". */
  readonly kind: string;
  readonly size: number;
  readonly fate: Fate;
  readonly payload: P;
}

/**
 * A packet on its way, with what its arrival needs. One is allocated per message: its
 * addresses come from its connection, and retransmission state only exists once stalled.
 * No list of packets in flight is kept (linking and unlinking each message cost more than
 * its delivery): a break finds what it lost by its connection's epoch and counts.
 */
class Flight<P = unknown> implements Packet<P> {
  // Declared, not initialized as class fields: plain assignments in the constructor are
  // cheaper than class-field definitions in the V8 versions we run on, and this is
  // allocated once per message.
  declare readonly id: number;
  declare readonly conn: Connection;
  declare readonly kind: string;
  declare readonly size: number;
  declare readonly payload: P;
  declare readonly oneShot: boolean;
  declare readonly onRefused: RefusedHandler | undefined;
  /** Its connection's epoch when it was sent (see Connection.epoch). */
  declare readonly epoch: number;
  /** What became of it when it left the network; 'in-flight' until then (see fate). */
  declare outcome: Fate;
  declare stall: Stall | undefined;

  // No send or due time is kept: a fractional one would be a heap number of its own per
  // message, and the net.send row has both (its time and `due`).
  constructor(id: number, conn: Connection, kind: string, size: number, payload: P, oneShot: boolean, onRefused: RefusedHandler | undefined) {
    this.id = id;
    this.conn = conn;
    this.kind = kind;
    this.size = size;
    this.payload = payload;
    this.oneShot = oneShot;
    this.onRefused = onRefused;
    this.epoch = conn.epoch;
    this.outcome = 'in-flight';
    this.stall = undefined;
  }

  get fate(): Fate {
    // A stream message is lost with its connection when that breaks, wherever it is.
    return this.outcome === 'in-flight' && !this.oneShot && this.epoch !== this.conn.epoch ? 'broken' : this.outcome;
  }

  get from(): Address {
    return this.conn.from;
  }

  get to(): Address {
    return this.conn.to;
  }
}

/** A stalled packet's retransmission: when its first stalled transmission was due, and the next RTO. */
interface Stall {
  readonly since: number;
  rto: number;
}

export type Handler = (packet: Packet) => void;
/** Told when the far end refused a message (a TCP reset came back) or a one-shot request failed. */
export type RefusedHandler = (packet: Packet) => void;
/** Told that the connection to `remote` broke; `reason` is the socket error, e.g. "connection timed out". */
export type BreakHandler = (remote: Address, reason: string) => void;

export interface ListenOptions {
  /** The connection to a remote address broke (both ends are told). */
  onBreak?: BreakHandler;
  /** How long this end's writes may stall before it gives up on the connection (ms). */
  stallLimitMs?: number;
}

/** Linux's retransmission timeout bounds (TCP_RTO_MIN, TCP_RTO_MAX). */
export const RTO_MIN_MS = 200;
export const RTO_MAX_MS = 120_000;
/** How long Linux retransmits before it gives up (tcp_retries2 = 15 with the RTO bounds above). */
export const TCP_GIVE_UP_MS = 924_600;

/** A sender's handle on one stream (Network.route): opaque, it outlives breaks and reconnects. */
export interface Route {
  readonly from: Address;
  readonly to: Address;
}

/** One direction of the connection between two addresses. */
interface Connection {
  readonly from: Address;
  readonly fromHost: string;
  readonly toHost: string;
  readonly to: Address;
  /** The network's version that `link`, `handler` and `clear` were found at (see Network.refresh). */
  version: number;
  link: LinkState;
  /** The destination's handler. */
  handler: Handler | undefined;
  /** Nothing stops a transmission: no partition or block, the link neither down nor lossy, someone listening. */
  clear: boolean;
  /** Due time of the last stream message, so later ones never overtake it. */
  lastDue: number;
  /** The stream message being retransmitted, and those that arrived behind it, in order. */
  blocking: Flight | undefined;
  held: Flight[];
  /** Bumped when the connection breaks: the stream messages sent before are lost. */
  epoch: number;
  /** Stream messages sent in this direction and not yet delivered, refused or lost. */
  flying: number;
  /** The trace's ids of the addresses, and of the message type last sent (net.send rows). */
  readonly fromSym: number;
  readonly toSym: number;
  lastKind: string;
  lastKindSym: number;
}

declare module '../trace/trace' {
  interface TraceKinds {
    'net.send': { id: number; from: string; to: string; type: string; size: number; due: number; fate: Fate; oneShot?: boolean };
    'net.deliver': { id: number };
    'net.drop': { id: number; fate: Fate };
    'net.stall': { id: number; from: string; to: string; stall: StallCause; retryInMs: number };
    'net.break': { a: string; b: string; error: string; stall: StallCause | 'closed'; lost: number };
    'net.fault': { fault: string; detail: string };
  }
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  /** Lost with a broken connection or a failed one-shot request. */
  broken: number;
  refused: number;
  /** Transmissions lost or blocked and sent again. */
  retransmitted: number;
  /** Connections broken by a stall. */
  breaks: number;
}

export class Network {
  private readonly reach = new Reachability();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, broken: 0, refused: 0, retransmitted: 0, breaks: 0 };
  private readonly rng: RandomStream;
  private readonly handlers = new Map<Address, Handler>();
  private readonly listenOptions = new Map<Address, ListenOptions>();
  /** Whether deliveries are traced (debug level); the level is fixed for a trace. */
  private readonly traceDeliveries: boolean;
  private flyingCount = 0;
  private readonly arriveFn = (f: Flight) => this.arrive(f);
  private readonly conns = new Map<Address, Map<Address, Connection>>();
  private lastFrom: Address | undefined;
  private lastFromConns: Map<Address, Connection> | undefined;
  private readonly overrides = new Map<string, LinkSettings>();
  /** Bumped when listeners, link settings or reachability change: connections look theirs up again (refresh). */
  private version = 0;
  private nextId = 1;
  private readonly traceSend: Recorder;
  /** Where each net.send column sits in a row (Recorder.slots). */
  private readonly sendSlots: { id: number; from: number; to: number; type: number; size: number; due: number; fate: number };
  private readonly inFlightSym: number;

  constructor(
    private readonly kernel: Kernel,
    private settings: NetworkSettings,
  ) {
    this.rng = kernel.random('net');
    this.traceDeliveries = kernel.trace.enabled('debug');
    // id and size in 4-byte columns (see traceStreamSend): a smaller row per message.
    this.traceSend = kernel.trace.recorder('net.send', { id: 'int', from: 'string', to: 'string', type: 'string', size: 'int', due: 'number', fate: 'string' });
    const [id, from, to, type, size, due, fate] = this.traceSend.slots;
    this.sendSlots = { id, from, to, type, size, due, fate };
    this.inFlightSym = this.traceSend.sym('in-flight');
  }

  listen(addr: Address, handler: Handler, options?: ListenOptions): void {
    this.handlers.set(addr, handler);
    if (options === undefined) this.listenOptions.delete(addr);
    else this.listenOptions.set(addr, options);
    this.version++;
  }

  unlisten(addr: Address): void {
    this.handlers.delete(addr);
    this.listenOptions.delete(addr);
    this.version++;
  }

  isListening(addr: Address): boolean {
    return this.handlers.has(addr);
  }

  /** Messages sent and not yet delivered or lost. */
  get inFlightCount(): number {
    return this.flyingCount;
  }

  getSettings(): Readonly<NetworkSettings> {
    return this.settings;
  }

  setGlobal(settings: NetworkSettings): void {
    this.settings = settings;
    this.linkChanged('global', JSON.stringify(settings));
  }

  /** Settings for the directed link from host `a` to host `b`; undefined clears them. */
  setLink(a: string, b: string, settings: LinkSettings | undefined): void {
    const key = `${a}>${b}`;
    if (settings === undefined) this.overrides.delete(key);
    else this.overrides.set(key, settings);
    this.linkChanged('link', `${key} ${settings === undefined ? 'cleared' : JSON.stringify(settings)}`);
  }

  linkSettings(a: string, b: string): LinkSettings | undefined {
    return this.overrides.get(`${a}>${b}`);
  }

  partition(groups: readonly (readonly string[])[]): void {
    this.reach.partition(groups);
    this.version++;
    this.fault('partition', groups.map((g) => `{${g.join(',')}}`).join(' '));
  }

  block(from: string, to: string): void {
    this.reach.block(from, to);
    this.version++;
    this.fault('block', `${from}>${to}`);
  }

  unblock(from: string, to: string): void {
    this.reach.unblock(from, to);
    this.version++;
    this.fault('unblock', `${from}>${to}`);
  }

  /** Removes partitions and one-way blocks (link settings stay). */
  heal(): void {
    this.reach.healAll();
    this.version++;
    this.fault('heal', 'all partitions and blocks removed');
  }

  /**
   * Sends a message on the connection from `from` to `to` (a stream unless `connection` is
   * 'one-shot'). Whether it gets through is decided on arrival (the TCP rule above).
   * `onRefused` runs, one latency after arrival, when the destination refuses it, and for
   * a one-shot message when its request fails.
   */
  send<P>(
    from: Address, to: Address, kind: string, payload: P, size: number, onRefused?: RefusedHandler, connection: ConnectionKind = 'stream',
  ): Packet<P> {
    const conn = this.connection(from, to);
    // The hot path is kept small (the one-shot and fallback paths are functions of their
    // own) so the compiler inlines what every message runs.
    if (connection === 'one-shot') return this.sendOneShot(conn, kind, payload, size, onRefused);
    return this.sendStream(conn, kind, payload, size, onRefused);
  }

  /**
   * The stream from `from` to `to`, for a sender that keeps it and sends on it with
   * sendOn (the connection lookup is then done once, not per message).
   */
  route(from: Address, to: Address): Route {
    return this.connection(from, to);
  }

  /** send() on a stream from route(). */
  sendOn<P>(route: Route, kind: string, payload: P, size: number, onRefused?: RefusedHandler): Packet<P> {
    const conn = route as Connection;
    return this.sendStream(conn.version === this.version ? conn : this.refresh(conn), kind, payload, size, onRefused);
  }

  private sendStream<P>(conn: Connection, kind: string, payload: P, size: number, onRefused: RefusedHandler | undefined): Packet<P> {
    let dueAt = this.kernel.now + sampleLatency(conn.link.latency, this.rng);
    if (dueAt < conn.lastDue) dueAt = conn.lastDue;
    else conn.lastDue = dueAt;
    const packet = this.launch(conn, kind, payload, size, onRefused, false, dueAt);
    this.traceStreamSend(packet.id, conn, kind, size, dueAt);
    conn.flying++;
    return packet;
  }

  private sendOneShot<P>(conn: Connection, kind: string, payload: P, size: number, onRefused: RefusedHandler | undefined): Packet<P> {
    const dueAt = this.kernel.now + sampleLatency(conn.link.latency, this.rng);
    const packet = this.launch(conn, kind, payload, size, onRefused, true, dueAt);
    this.kernel.trace.emit('net', 'net.send', { id: packet.id, from: conn.from, to: conn.to, type: kind, size, due: dueAt, fate: 'in-flight', oneShot: true });
    return packet;
  }

  /** A new packet on its way, due at `dueAt`. */
  private launch<P>(conn: Connection, kind: string, payload: P, size: number, onRefused: RefusedHandler | undefined, oneShot: boolean, dueAt: number): Flight<P> {
    const packet = new Flight(this.nextId++, conn, kind, size, payload, oneShot, onRefused);
    this.stats.sent++;
    this.flyingCount++;
    this.kernel.atWith(dueAt, this.arriveFn, packet, kind);
    return packet;
  }

  /** The net.send row of a stream message, written in place in the trace (Recorder.begin). */
  private traceStreamSend(id: number, conn: Connection, kind: string, size: number, dueAt: number): void {
    const rec = this.traceSend;
    if (kind !== conn.lastKind) this.kindChanged(conn, kind);
    // An id or size past 32 bits goes through record(), which widens its column.
    const at = (id | 0) === id && (size | 0) === size ? rec.begin('net') : -1;
    if (at >= 0) {
      const c = this.sendSlots;
      const ints = rec.rowInts();
      ints[at + c.id] = id;
      ints[at + c.from] = conn.fromSym;
      ints[at + c.to] = conn.toSym;
      ints[at + c.type] = conn.lastKindSym;
      ints[at + c.size] = size;
      rec.rowFloats()[(at + c.due) >> 1] = dueAt;
      ints[at + c.fate] = this.inFlightSym;
    } else {
      this.recordStreamSend(id, conn, size, dueAt);
    }
  }

  private kindChanged(conn: Connection, kind: string): void {
    conn.lastKind = kind;
    conn.lastKindSym = this.traceSend.sym(kind);
  }

  /** traceStreamSend when the row cannot be written in place. */
  private recordStreamSend(id: number, conn: Connection, size: number, dueAt: number): void {
    const rec = this.traceSend;
    const row = rec.values;
    row[0] = id;
    row[1] = conn.fromSym;
    row[2] = conn.toSym;
    row[3] = conn.lastKindSym;
    row[4] = size;
    row[5] = dueAt;
    row[6] = this.inFlightSym;
    rec.record('net');
  }

  /** A message leaves the network: delivered, refused, or failed alone (a one-shot request). */
  private land(f: Flight, outcome: Fate): void {
    f.outcome = outcome;
    if (!f.oneShot) f.conn.flying--;
    this.flyingCount--;
  }

  /** A transmission of `packet` reaches its destination's side of the link (or not). */
  private arrive(packet: Flight): void {
    const conn = packet.conn;
    // Most arrivals: a clear connection, nothing retransmitted on it, not broken since the send.
    if (conn.version === this.version && conn.clear && conn.blocking === undefined && packet.epoch === conn.epoch) {
      this.deliver(packet, conn.handler as Handler);
      return;
    }
    if (packet.fate !== 'in-flight') return; // lost with its connection meanwhile
    if (!packet.oneShot && conn.blocking !== undefined && conn.blocking !== packet) {
      // TCP hands nothing over past a gap: wait behind the message being retransmitted.
      conn.held.push(packet);
      return;
    }
    const link = this.refresh(conn).link;
    let cause: StallCause | undefined;
    if (!this.reach.canReach(conn.fromHost, conn.toHost)) cause = 'partition';
    else if (link.down === 'blackhole') cause = 'blackhole';
    else if (link.drop > 0 && this.rng.chance(link.drop)) cause = 'loss';
    if (cause !== undefined) {
      this.stall(packet, cause);
      return;
    }
    this.handOver(packet, link);
    if (conn.blocking === packet) {
      // The gap is filled: what the receiver's TCP held behind it goes on, in order.
      conn.blocking = undefined;
      const held = conn.held;
      conn.held = [];
      for (const f of held) this.handOver(f, link);
    }
  }

  /** Gives a message that got through to its destination, or refuses it. */
  private handOver(packet: Flight, link: LinkState): void {
    const handler = this.refresh(packet.conn).handler;
    if (link.down === 'refused' || handler === undefined) this.refuse(packet);
    else this.deliver(packet, handler);
  }

  private deliver(packet: Flight, handler: Handler): void {
    this.land(packet, 'delivered');
    this.stats.delivered++;
    if (this.traceDeliveries) this.kernel.trace.emit('net', 'net.deliver', { id: packet.id }, undefined, 'debug');
    handler(packet);
  }

  private refuse(packet: Flight): void {
    this.land(packet, 'refused');
    this.stats.refused++;
    this.kernel.trace.emit('net', 'net.drop', { id: packet.id, fate: 'refused' });
    const onRefused = packet.onRefused;
    if (onRefused !== undefined) {
      // The reset travels back over the reverse link.
      const back = this.connection(packet.to, packet.from).link;
      this.kernel.schedule(sampleLatency(back.latency, this.rng), () => onRefused(packet), 'refused');
    }
  }

  /** A transmission did not get through: retransmit after the RTO, or give up (the TCP rule). */
  private stall(packet: Flight, cause: StallCause): void {
    const now = this.kernel.now;
    const conn = packet.conn;
    let stall = packet.stall;
    if (stall === undefined) {
      stall = packet.stall = { since: now, rto: RTO_MIN_MS };
      if (!packet.oneShot) conn.blocking = packet;
    }
    const limit = this.stallLimit(packet.from);
    // Compared as the retry below computes it, so a retry is never due at `now` itself (float rounding).
    if (now >= stall.since + limit || !this.handlers.has(packet.from)) {
      // The sender gave up (or its socket is gone with its process).
      const reason = this.handlers.has(packet.from) ? 'connection timed out' : 'closed';
      if (packet.oneShot) this.failOneShot(packet, cause);
      else this.breakConnection(conn, reason === 'closed' ? 'closed' : cause, reason === 'closed' ? 'connection reset by peer' : reason);
      return;
    }
    const retryIn = Math.min(stall.rto, stall.since + limit - now);
    stall.rto = Math.min(stall.rto * 2, RTO_MAX_MS);
    this.stats.retransmitted++;
    this.kernel.trace.emit('net', 'net.stall', { id: packet.id, from: packet.from, to: packet.to, stall: cause, retryInMs: retryIn });
    this.kernel.atWith(now + retryIn, this.arriveFn, packet, packet.kind);
  }

  private failOneShot(packet: Flight, cause: StallCause): void {
    this.land(packet, 'broken');
    this.stats.broken++;
    this.kernel.trace.emit('net', 'net.drop', { id: packet.id, fate: 'broken' }, { reason: `request timed out (${cause})` });
    const onRefused = packet.onRefused;
    if (onRefused !== undefined) this.kernel.schedule(0, () => onRefused(packet), 'request failed');
  }

  /** Breaks the TCP connection `conn` belongs to: both directions lose what is in flight; both ends are told. */
  private breakConnection(conn: Connection, cause: StallCause | 'closed', reason: string): void {
    const reverse = this.connection(conn.to, conn.from);
    // A host's connection to itself is one object for both directions.
    const lost = conn.flying + (reverse === conn ? 0 : reverse.flying);
    this.flyingCount -= lost;
    this.stats.broken += lost;
    this.stats.breaks++;
    for (const c of [conn, reverse]) {
      c.epoch++;
      c.flying = 0;
      c.blocking = undefined;
      c.held = [];
      c.lastDue = 0;
    }
    this.kernel.trace.emit('net', 'net.break', { a: conn.from, b: conn.to, error: reason, stall: cause, lost }, { reason: cause === 'closed' ? "the sender's socket closed with its process" : `a ${cause} stalled it past the sender's write timeout` });
    for (const [end, remote] of [[conn.from, conn.to], [conn.to, conn.from]]) {
      const onBreak = this.listenOptions.get(end)?.onBreak;
      if (onBreak !== undefined) this.kernel.schedule(0, () => onBreak(remote, reason), 'connection broken');
    }
  }

  private stallLimit(sender: Address): number {
    return this.listenOptions.get(sender)?.stallLimitMs ?? TCP_GIVE_UP_MS;
  }

  private connection(from: Address, to: Address): Connection {
    // A sender mostly sends several messages in a row (a broadcast, a Ready's messages).
    const byTo = from === this.lastFrom ? (this.lastFromConns as Map<Address, Connection>) : this.connectionsFrom(from);
    const conn = byTo.get(to) ?? this.open(byTo, from, to);
    // Checked here, not in refresh: this runs for every message and is best inlined whole.
    return conn.version === this.version ? conn : this.refresh(conn);
  }

  private connectionsFrom(from: Address): Map<Address, Connection> {
    let byTo = this.conns.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.conns.set(from, byTo);
    }
    this.lastFrom = from;
    this.lastFromConns = byTo;
    return byTo;
  }

  private open(byTo: Map<Address, Connection>, from: Address, to: Address): Connection {
    const fromHost = hostOf(from);
    const toHost = hostOf(to);
    const conn: Connection = {
      from, fromHost, toHost, to, version: -1, link: this.resolveLink(fromHost, toHost), handler: undefined, clear: false, lastDue: 0, blocking: undefined, held: [], epoch: 0, flying: 0,
      fromSym: this.traceSend.sym(from), toSym: this.traceSend.sym(to), lastKind: '', lastKindSym: 0,
    };
    byTo.set(to, conn);
    return conn;
  }

  /** `conn` with its link, handler and clear flag current. */
  private refresh(conn: Connection): Connection {
    if (conn.version !== this.version) {
      const link = this.resolveLink(conn.fromHost, conn.toHost);
      conn.link = link;
      conn.handler = this.handlers.get(conn.to);
      conn.clear = this.reach.canReach(conn.fromHost, conn.toHost) && link.down === undefined && link.drop === 0 && conn.handler !== undefined;
      conn.version = this.version;
    }
    return conn;
  }

  private resolveLink(fromHost: string, toHost: string): LinkState {
    const o = this.overrides.get(`${fromHost}>${toHost}`);
    const g = this.settings;
    return {
      latency: o?.latency ?? g.latency,
      drop: o?.drop ?? g.drop,
      down: o?.down,
    };
  }

  private linkChanged(fault: string, detail: string): void {
    this.version++;
    this.fault(fault, detail);
  }

  private fault(fault: string, detail: string): void {
    this.kernel.trace.emit('net', 'net.fault', { fault, detail });
  }
}
