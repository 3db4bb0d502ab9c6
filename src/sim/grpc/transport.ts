// The client side of one simulated HTTP/2 connection (grpc-go's http2Client): opening it,
// multiplexing streams, keepalive pings, graceful drain and close. A transport is READY
// only once the server's SETTINGS arrived (spec client.md §3.1). Each transport has its
// own local port, so packets of a dead connection never reach its successor.

import type { Kernel, Timer } from '../kernel/kernel';
import type { Address, Network, Packet } from '../net/network';
import type { Metadata } from './context';
import { Code } from './codes';
import { fromStatus, StatusError } from './status';
import { frameSize, packetKind, type ClientFrame, type ServerFrame } from './frames';

declare module '../trace/trace' {
  interface TraceKinds {
    'grpc.transport.close': { local: string; remote: string; reason: string };
    'grpc.transport.goaway': { local: string; remote: string };
    'grpc.keepalive.ping': { local: string; remote: string };
    'grpc.keepalive.timeout': { local: string; remote: string; timeoutMs: number };
  }
}

/** grpc keepalive.ClientParameters, after grpc's clamping (spec client.md §3.6). */
export interface KeepaliveParams {
  timeMs: number;
  timeoutMs: number;
  permitWithoutStream: boolean;
}

export const KEEPALIVE_MIN_TIME_MS = 10_000;
export const KEEPALIVE_DEFAULT_TIMEOUT_MS = 20_000;

export interface StreamEvents {
  onMessage(message: unknown): void;
  /** The stream ended: undefined for OK, else the status error. */
  onEnd(err: StatusError | undefined): void;
}

export interface TransportEvents {
  onReady(): void;
  /** The server sent GOAWAY: the transport drains and takes no new streams. */
  onGoAway(): void;
  /** The transport is gone; `reason` is the grpc error text its streams saw. */
  onClose(reason: string): void;
}

export type TransportState = 'connecting' | 'ready' | 'draining' | 'closed';

export class ClientStream {
  private ended = false;

  constructor(
    readonly id: number,
    readonly method: string,
    private readonly transport: ClientTransport,
    readonly events: StreamEvents,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  send(message: unknown): void {
    if (!this.ended) this.transport.write({ t: 'data', stream: this.id, message }, this.method);
  }

  closeSend(): void {
    if (!this.ended) this.transport.write({ t: 'halfClose', stream: this.id });
  }

  /** Cancels the stream locally with `err` and tells the server (RST_STREAM). */
  cancel(err: StatusError): void {
    if (this.ended) return;
    this.transport.write({ t: 'rst', stream: this.id });
    this.end(err);
  }

  /** Called by the transport; idempotent. */
  end(err: StatusError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.transport.forget(this.id);
    this.events.onEnd(err);
  }
}

export class ClientTransport {
  state: TransportState = 'connecting';
  private readonly streams = new Map<number, ClientStream>();
  private nextStreamId = 1;
  private lastRead = 0;
  private readSinceCheck = false;
  private pingOutstanding = false;
  private pingTimer: Timer | undefined;
  private dormant = false;
  private nextPingId = 1;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    /** Who owns it, for trace sources ("c1"). */
    private readonly owner: string,
    readonly local: Address,
    readonly remote: Address,
    private readonly keepalive: KeepaliveParams | undefined,
    private readonly events: TransportEvents,
  ) {}

  /** Sends the preface; the answer (or a refusal) decides READY or failure. */
  start(): void {
    // grpc-go sets TCP_USER_TIMEOUT to the keepalive timeout when keepalive is on; without
    // it a stalled connection lasts until the kernel gives up (network.ts TCP rule).
    this.net.listen(this.local, (p) => this.receive(p as Packet<ServerFrame>), {
      onBreak: (_remote, reason) => this.broken(reason),
      stallLimitMs: this.keepalive?.timeoutMs,
    });
    this.write({ t: 'preface' });
  }

  get activeStreams(): number {
    return this.streams.size;
  }

  /** Opens a stream; the headers frame carries the first message when given (unary calls). */
  newStream(
    method: string,
    metadata: Metadata,
    timeoutMs: number | undefined,
    events: StreamEvents,
    unaryRequest?: { message: unknown },
  ): ClientStream {
    const s = new ClientStream(this.nextStreamId, method, this, events);
    this.nextStreamId += 2;
    this.streams.set(s.id, s);
    const frame: ClientFrame = { t: 'headers', stream: s.id, method, metadata };
    if (timeoutMs !== undefined) frame.timeoutMs = timeoutMs;
    if (unaryRequest !== undefined) {
      frame.message = unaryRequest.message;
      frame.endStream = true;
    }
    this.write(frame, method);
    if (this.dormant) {
      // A dormant pinger wakes with the first stream and pings at once (§3.6).
      this.dormant = false;
      this.keepaliveCheck();
    }
    return s;
  }

  /** Graceful close: no new streams; the connection closes when its last stream ends. */
  drain(): void {
    if (this.state === 'closed') return;
    this.state = 'draining';
    if (this.streams.size === 0) this.close('grpc: the connection is drained', true);
  }

  /** Closes the connection; every open stream fails with `code` (Unavailable unless the channel is closing). */
  close(reason: string, tellServer: boolean, code: Code = Code.Unavailable): void {
    if (this.state === 'closed') return;
    if (tellServer) this.write({ t: 'close' });
    this.state = 'closed';
    if (this.pingTimer !== undefined) this.kernel.cancel(this.pingTimer);
    this.net.unlisten(this.local);
    this.kernel.trace.emit(this.owner, 'grpc.transport.close', { local: this.local, remote: this.remote, reason });
    const open = [...this.streams.values()];
    for (const s of open) s.end(new StatusError(code, reason));
    this.events.onClose(reason);
  }

  write(frame: ClientFrame, method?: string): void {
    if (this.state === 'closed') return;
    this.net.send(this.local, this.remote, packetKind(frame, method), frame, frameSize(frame), () => this.refused());
  }

  forget(id: number): void {
    this.streams.delete(id);
    if (this.state === 'draining' && this.streams.size === 0) this.close('grpc: the connection is drained', true);
  }

  private refused(): void {
    if (this.state === 'connecting') {
      this.close(`connection error: desc = "transport: Error while dialing: dial tcp ${this.remote}: connect: connection refused"`, false);
    } else {
      this.close(`error reading from server: read tcp ${this.local}->${this.remote}: read: connection reset by peer`, false);
    }
  }

  /** The TCP connection broke under the transport (network.ts): its streams fail Unavailable. */
  private broken(reason: string): void {
    if (this.state === 'connecting') {
      this.close(`connection error: desc = "transport: Error while dialing: dial tcp ${this.remote}: ${reason}"`, false);
    } else {
      this.close(`error reading from server: read tcp ${this.local}->${this.remote}: read: ${reason}`, false);
    }
  }

  private receive(p: Packet<ServerFrame>): void {
    if (this.state === 'closed') return;
    this.lastRead = this.kernel.now;
    this.readSinceCheck = true;
    const f = p.payload;
    switch (f.t) {
      case 'settings':
        if (this.state !== 'connecting') return;
        this.state = 'ready';
        this.startKeepalive();
        this.events.onReady();
        return;
      case 'data':
        this.streams.get(f.stream)?.events.onMessage(f.message);
        return;
      case 'trailers': {
        const s = this.streams.get(f.stream);
        if (s === undefined) return;
        if (f.message !== undefined) s.events.onMessage(f.message);
        s.end(f.status.code === Code.OK ? undefined : fromStatus(f.status));
        return;
      }
      case 'pingAck':
        return;
      case 'goaway':
        this.kernel.trace.emit(this.owner, 'grpc.transport.goaway', { local: this.local, remote: this.remote });
        this.drain();
        this.events.onGoAway();
        return;
      case 'close':
        this.close('error reading from server: EOF', false);
        return;
    }
  }

  private startKeepalive(): void {
    if (this.keepalive === undefined) return;
    this.pingTimer = this.kernel.schedule(this.keepalive.timeMs, () => this.keepaliveCheck(), 'keepalive');
  }

  /** grpc's keepalive loop: ping after `time` without reads; close if no ACK within `timeout`. */
  private keepaliveCheck(): void {
    const ka = this.keepalive;
    if (ka === undefined || this.state === 'closed') return;
    if (this.readSinceCheck) {
      // Any frame read proves the connection alive, an ACK or not.
      this.readSinceCheck = false;
      this.pingOutstanding = false;
      this.pingTimer = this.kernel.at(Math.max(this.kernel.now, this.lastRead + ka.timeMs), () => this.keepaliveCheck(), 'keepalive');
      return;
    }
    if (this.pingOutstanding) {
      this.kernel.trace.emit(this.owner, 'grpc.keepalive.timeout', { local: this.local, remote: this.remote, timeoutMs: ka.timeoutMs });
      this.close('keepalive ping failed to receive ACK within timeout', true);
      return;
    }
    if (this.streams.size === 0 && !ka.permitWithoutStream) {
      this.dormant = true;
      return;
    }
    this.pingOutstanding = true;
    this.kernel.trace.emit(this.owner, 'grpc.keepalive.ping', { local: this.local, remote: this.remote }, undefined, 'debug');
    this.write({ t: 'ping', id: this.nextPingId++ });
    this.pingTimer = this.kernel.schedule(ka.timeoutMs, () => this.keepaliveCheck(), 'keepalive');
  }
}
