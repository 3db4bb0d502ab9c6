// A member shell: a host with a peer port and a client port that ticks every TickMs and
// exchanges pings with its peers. The etcd server replaces its insides in a later issue;
// the shell exercises the network, crash and restart.

import type { Kernel, Timer } from '../kernel/kernel';
import type { Network, Packet } from '../net/network';

export const PEER_PORT = 2380;
export const CLIENT_PORT = 2379;

export type MemberStatus = 'running' | 'crashed';

declare module '../trace/trace' {
  interface TraceKinds {
    'member.start': { id: number; name: string };
    'member.crash': { id: number; name: string };
    'member.ping': { peer: string; rttMs: number };
  }
}

interface Ping {
  op: 'ping' | 'pong';
  sentAt: number;
}

export class Member {
  status: MemberStatus = 'crashed';
  /** Last round trip measured to each peer, for the page. */
  readonly rtt = new Map<string, number>();
  private ticker: Timer | undefined;
  private ticks = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly peers: readonly string[],
    private readonly kernel: Kernel,
    private readonly net: Network,
    private readonly tickMs: number,
    private readonly heartbeatTicks: number,
  ) {}

  get peerAddr(): string {
    return `${this.name}:${PEER_PORT}`;
  }

  get clientAddr(): string {
    return `${this.name}:${CLIENT_PORT}`;
  }

  start(): void {
    if (this.status === 'running') return;
    this.status = 'running';
    this.ticks = 0;
    this.net.listen(this.peerAddr, (p) => this.onPeerMessage(p as Packet<Ping>));
    this.kernel.trace.emit(this.name, 'member.start', { id: this.id, name: this.name });
    this.ticker = this.kernel.schedule(this.tickMs, () => this.tick(), `${this.name} tick`);
  }

  /** Stops the process: it loses its volatile state and its ports refuse connections. */
  crash(): void {
    if (this.status === 'crashed') return;
    this.status = 'crashed';
    this.net.unlisten(this.peerAddr);
    if (this.ticker !== undefined) this.kernel.cancel(this.ticker);
    this.ticker = undefined;
    this.rtt.clear();
    this.kernel.trace.emit(this.name, 'member.crash', { id: this.id, name: this.name });
  }

  private tick(): void {
    this.ticks++;
    if (this.ticks % this.heartbeatTicks === 0) {
      for (const peer of this.peers) {
        this.net.send<Ping>(this.peerAddr, `${peer}:${PEER_PORT}`, 'ping', { op: 'ping', sentAt: this.kernel.now }, 16);
      }
    }
    this.ticker = this.kernel.schedule(this.tickMs, () => this.tick(), `${this.name} tick`);
  }

  private onPeerMessage(p: Packet<Ping>): void {
    if (p.payload.op === 'ping') {
      this.net.send<Ping>(this.peerAddr, p.from, 'pong', { op: 'pong', sentAt: p.payload.sentAt }, 16);
      return;
    }
    const peer = p.from.slice(0, p.from.indexOf(':'));
    const rtt = this.kernel.now - p.payload.sentAt;
    this.rtt.set(peer, rtt);
    this.kernel.trace.emit(this.name, 'member.ping', { peer, rttMs: rtt }, undefined, 'debug');
  }
}
