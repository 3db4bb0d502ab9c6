// The simulated network. Hosts (members "m1", clients "c1") own addresses "host:port".
// Messages between two addresses are FIFO, as over the TCP streams etcd's peer transport
// and gRPC use, unless a reorder fault is on. Faults are data (faults.ts) and every send,
// drop and refusal is a trace event, so the page can draw what is in flight.

import type { Kernel } from '../kernel/kernel';
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
 * What happened to a message. `partitioned`: a partition or one-way block stood between
 * the hosts; `blackholed`: the link was down in blackhole mode; `refused`: nothing
 * listened at the destination or the link was down in refused mode, and the sender was told.
 */
export type Fate = 'in-flight' | 'delivered' | 'dropped' | 'partitioned' | 'blackholed' | 'refused';

export interface Packet<P = unknown> {
  readonly id: number;
  readonly from: Address;
  readonly to: Address;
  /** Message type, e.g. "MsgApp" or "grpc.Range". */
  readonly kind: string;
  readonly size: number;
  readonly sentAt: number;
  readonly dueAt: number;
  /** Id of the original when this is a duplicate made by a fault. */
  readonly duplicateOf?: number;
  fate: Fate;
  readonly payload: P;
}

/** A packet on its way, with what its arrival needs. */
interface Flight<P = unknown> extends Packet<P> {
  readonly conn: Connection;
  readonly onRefused: RefusedHandler | undefined;
  /** Neighbours in the list of packets in flight, in send order. */
  prev: Flight | undefined;
  next: Flight | undefined;
}

export type Handler = (packet: Packet) => void;
/** Told when the far end refused a message (a TCP reset came back). */
export type RefusedHandler = (packet: Packet) => void;

interface Connection {
  readonly fromHost: string;
  readonly toHost: string;
  readonly to: Address;
  linkVersion: number;
  link: LinkState;
  /** The destination's handler, looked up again only after listen or unlisten. */
  handlersVersion: number;
  handler: Handler | undefined;
  /** Due time of the last FIFO message, so later ones never overtake it. */
  lastDue: number;
}

declare module '../trace/trace' {
  interface TraceKinds {
    'net.send': { id: number; from: string; to: string; type: string; size: number; due: number; fate: Fate; dup?: number };
    'net.deliver': { id: number };
    'net.drop': { id: number; fate: Fate };
    'net.fault': { fault: string; detail: string };
  }
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  partitioned: number;
  blackholed: number;
  refused: number;
  duplicated: number;
  reordered: number;
}

export class Network {
  readonly reach = new Reachability();
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    dropped: 0,
    partitioned: 0,
    blackholed: 0,
    refused: 0,
    duplicated: 0,
    reordered: 0,
  };
  private readonly rng: RandomStream;
  private readonly handlers = new Map<Address, Handler>();
  private handlersVersion = 0;
  /** Whether deliveries are traced (debug level); the level is fixed for a trace. */
  private readonly traceDeliveries: boolean;
  /** Packets in flight as a doubly linked list: no per-message map entry to add and remove. */
  private first: Flight | undefined;
  private last: Flight | undefined;
  private flyingCount = 0;
  private readonly arriveFn = (f: Flight) => this.arrive(f);
  private readonly conns = new Map<Address, Map<Address, Connection>>();
  private readonly overrides = new Map<string, LinkSettings>();
  private linkVersion = 0;
  private nextId = 1;
  private readonly traceSend;
  /** The values of the net.send row being recorded, reused so a send allocates no array. */
  private readonly sendRow: [number, string, string, string, number, number, Fate] = [0, '', '', '', 0, 0, 'in-flight'];

  constructor(
    private readonly kernel: Kernel,
    private settings: NetworkSettings,
  ) {
    this.rng = kernel.random('net');
    this.traceDeliveries = kernel.trace.enabled('debug');
    this.traceSend = kernel.trace.recorder('net.send', ['id', 'from', 'to', 'type', 'size', 'due', 'fate']);
  }

  listen(addr: Address, handler: Handler): void {
    this.handlers.set(addr, handler);
    this.handlersVersion++;
  }

  unlisten(addr: Address): void {
    this.handlers.delete(addr);
    this.handlersVersion++;
  }

  isListening(addr: Address): boolean {
    return this.handlers.has(addr);
  }

  /** Messages sent and not yet delivered or dropped, in send order. */
  *inFlight(): IterableIterator<Packet> {
    for (let f = this.first; f !== undefined; f = f.next) yield f;
  }

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
    this.fault('partition', groups.map((g) => `{${g.join(',')}}`).join(' '));
  }

  block(from: string, to: string): void {
    this.reach.block(from, to);
    this.fault('block', `${from}>${to}`);
  }

  unblock(from: string, to: string): void {
    this.reach.unblock(from, to);
    this.fault('unblock', `${from}>${to}`);
  }

  /** Removes partitions and one-way blocks (link settings stay). */
  heal(): void {
    this.reach.healAll();
    this.fault('heal', 'all partitions and blocks removed');
  }

  /**
   * Sends a message. Its fate is drawn now from the link's settings; a partition that
   * appears while it is in flight still drops it on arrival. `onRefused` runs, one
   * latency after arrival, when the destination refuses it.
   */
  send<P>(from: Address, to: Address, kind: string, payload: P, size: number, onRefused?: RefusedHandler): Packet<P> {
    const conn = this.connection(from, to);
    const link = conn.link;
    const now = this.kernel.now;
    let fate: Fate = 'in-flight';
    if (!this.reach.canReach(conn.fromHost, conn.toHost)) fate = 'partitioned';
    else if (link.down === 'blackhole') fate = 'blackholed';
    else if (link.drop > 0 && this.rng.chance(link.drop)) fate = 'dropped';

    const dueAt = this.dueTime(conn, link, now);
    const packet = this.flight(from, to, kind, size, now, dueAt, fate, payload, conn, onRefused, undefined);
    this.stats.sent++;
    const row = this.sendRow;
    row[0] = packet.id;
    row[1] = from;
    row[2] = to;
    row[3] = kind;
    row[4] = size;
    row[5] = dueAt;
    row[6] = fate;
    this.traceSend('net', row);
    if (fate !== 'in-flight') {
      this.stats[fate]++;
      return packet;
    }
    this.takeOff(packet);

    if (link.duplicate > 0 && this.rng.chance(link.duplicate)) {
      const copy = this.flight(from, to, kind, size, now, this.dueTime(conn, link, now), fate, payload, conn, onRefused, packet.id);
      this.stats.duplicated++;
      this.kernel.trace.emit('net', 'net.send', {
        id: copy.id, from, to, type: kind, size, due: copy.dueAt, fate: 'in-flight', dup: packet.id,
      });
      this.takeOff(copy);
    }
    return packet;
  }

  /** A new packet; every one has the same fields, so handlers see one object shape. */
  private flight<P>(
    from: Address, to: Address, kind: string, size: number, sentAt: number, dueAt: number, fate: Fate,
    payload: P, conn: Connection, onRefused: RefusedHandler | undefined, duplicateOf: number | undefined,
  ): Flight<P> {
    const id = this.nextId++;
    return { id, from, to, kind, size, sentAt, dueAt, duplicateOf, fate, payload, conn, onRefused, prev: undefined, next: undefined };
  }

  /** Puts a packet in flight: appends it to the list and schedules its arrival. */
  private takeOff(f: Flight): void {
    f.prev = this.last;
    if (this.last === undefined) this.first = f;
    else this.last.next = f;
    this.last = f;
    this.flyingCount++;
    this.kernel.atWith(f.dueAt, this.arriveFn, f, f.kind);
  }

  private land(f: Flight): void {
    if (f.prev === undefined) this.first = f.next;
    else f.prev.next = f.next;
    if (f.next === undefined) this.last = f.prev;
    else f.next.prev = f.prev;
    f.prev = f.next = undefined;
    this.flyingCount--;
  }

  private dueTime(conn: Connection, link: LinkState, now: number): number {
    const due = now + sampleLatency(link.latency, this.rng);
    if (link.reorder > 0 && this.rng.chance(link.reorder)) {
      // A reordered message ignores the FIFO order of its stream.
      this.stats.reordered++;
      return due;
    }
    if (due < conn.lastDue) return conn.lastDue;
    conn.lastDue = due;
    return due;
  }

  private arrive(packet: Flight): void {
    const { conn, onRefused } = packet;
    this.land(packet);
    const link = this.currentLink(conn);
    let fate: Fate = 'delivered';
    const handler = this.handlerOf(conn);
    if (!this.reach.canReach(conn.fromHost, conn.toHost)) fate = 'partitioned';
    else if (link.down === 'blackhole') fate = 'blackholed';
    else if (link.down === 'refused' || handler === undefined) fate = 'refused';
    packet.fate = fate;
    this.stats[fate]++;
    if (fate === 'delivered') {
      if (this.traceDeliveries) this.kernel.trace.emit('net', 'net.deliver', { id: packet.id }, undefined, 'debug');
      (handler as Handler)(packet);
      return;
    }
    this.kernel.trace.emit('net', 'net.drop', { id: packet.id, fate });
    if (fate === 'refused' && onRefused !== undefined) {
      // The reset travels back over the reverse link.
      const back = this.connection(packet.to, packet.from).link;
      this.kernel.schedule(sampleLatency(back.latency, this.rng), () => onRefused(packet), 'refused');
    }
  }

  private connection(from: Address, to: Address): Connection {
    let byTo = this.conns.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.conns.set(from, byTo);
    }
    let conn = byTo.get(to);
    if (conn === undefined) {
      const fromHost = hostOf(from);
      const toHost = hostOf(to);
      conn = {
        fromHost, toHost, to, linkVersion: -1, link: this.resolveLink(fromHost, toHost), handlersVersion: -1, handler: undefined, lastDue: 0,
      };
      byTo.set(to, conn);
    }
    this.currentLink(conn);
    return conn;
  }

  private handlerOf(conn: Connection): Handler | undefined {
    if (conn.handlersVersion !== this.handlersVersion) {
      conn.handler = this.handlers.get(conn.to);
      conn.handlersVersion = this.handlersVersion;
    }
    return conn.handler;
  }

  private currentLink(conn: Connection): LinkState {
    if (conn.linkVersion !== this.linkVersion) {
      conn.link = this.resolveLink(conn.fromHost, conn.toHost);
      conn.linkVersion = this.linkVersion;
    }
    return conn.link;
  }

  private resolveLink(fromHost: string, toHost: string): LinkState {
    const o = this.overrides.get(`${fromHost}>${toHost}`);
    const g = this.settings;
    return {
      latency: o?.latency ?? g.latency,
      drop: o?.drop ?? g.drop,
      duplicate: o?.duplicate ?? g.duplicate,
      reorder: o?.reorder ?? g.reorder,
      down: o?.down,
    };
  }

  private linkChanged(fault: string, detail: string): void {
    this.linkVersion++;
    this.fault(fault, detail);
  }

  private fault(fault: string, detail: string): void {
    this.kernel.trace.emit('net', 'net.fault', { fault, detail });
  }
}
