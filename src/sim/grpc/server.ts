// A simulated gRPC server (grpc-go's grpc.Server) on one address. It answers connection
// prefaces, dispatches unary calls and streams to registered handlers, enforces the
// caller's deadline (grpc-timeout), answers keepalive pings, and when stopped closes every
// connection so clients read EOF. Handlers are asynchronous by continuation: they may
// answer later in virtual time.
//
// The etcd server plugs in by registering its services' methods, e.g.
//   server.unary('/etcdserverpb.KV/Range', (call) => ... call.respond(resp) ...)
//   server.stream('/etcdserverpb.Watch/Watch', (stream) => ...)
// and an interceptor for the checks etcd runs before every handler (spec server.md §2.1).

import type { Kernel, Timer } from '../kernel/kernel';
import type { Address, Network, Packet } from '../net/network';
import type { Metadata } from './context';
import { Code } from './codes';
import { StatusError, toStatus } from './status';
import { frameSize, packetKind, type ClientFrame, type ServerFrame } from './frames';

declare module '../trace/trace' {
  interface TraceKinds {
    'grpc.server.start': { addr: string };
    'grpc.server.stop': { addr: string; connections: number; graceful?: boolean };
    'grpc.server.conn': { addr: string; peer: string };
  }
}

/** What a handler (and an interceptor) learns about a call. */
export interface CallInfo {
  readonly method: string;
  readonly metadata: Metadata;
  /** The client's connection address ("c1:40001"). */
  readonly peer: Address;
  /** Absolute virtual time of the caller's deadline, if it sent one. */
  readonly deadline: number | undefined;
}

export interface UnaryCall<Req = unknown, Res = unknown> extends CallInfo {
  readonly request: Req;
  /** True once the call is over (answered, cancelled by the client, deadline passed, server stopped). */
  readonly done: boolean;
  /** Answers the call; later answers are ignored. */
  respond(result: Res | StatusError): void;
  /** Runs `fn` if the call ends without an answer from the handler. */
  onCancel(fn: (err: StatusError) => void): void;
}

export interface ServerStream<Req = unknown, Res = unknown> extends CallInfo {
  readonly done: boolean;
  send(message: Res): void;
  /** Ends the stream: OK without an error. */
  end(err?: StatusError): void;
  onMessage(fn: (message: Req) => void): void;
  onHalfClose(fn: () => void): void;
  onCancel(fn: (err: StatusError) => void): void;
}

export type UnaryHandler<Req = unknown, Res = unknown> = (call: UnaryCall<Req, Res>) => void;
export type StreamHandler<Req = unknown, Res = unknown> = (stream: ServerStream<Req, Res>) => void;
/** Runs before every handler; an error rejects the call with it. */
export type Interceptor = (info: CallInfo, kind: 'unary' | 'stream') => StatusError | undefined;

interface ServerCall {
  stream: number;
  info: CallInfo;
  done: boolean;
  timer: Timer | undefined;
  onMessage: ((m: unknown) => void) | undefined;
  onHalfClose: (() => void) | undefined;
  cancelListeners: ((err: StatusError) => void)[];
}

interface Conn {
  peer: Address;
  calls: Map<number, ServerCall>;
  /** GOAWAY sent: close once the last call ends. */
  draining: boolean;
}

/**
 * How long the server's writes may stall before its connection breaks: grpc-go sets
 * TCP_USER_TIMEOUT to the keepalive timeout, and etcd's --grpc-keepalive-timeout is 20 s.
 */
const SERVER_TCP_USER_TIMEOUT_MS = 20_000;

export class GrpcServer {
  private readonly unaryHandlers = new Map<string, UnaryHandler>();
  private readonly streamHandlers = new Map<string, StreamHandler>();
  private readonly conns = new Map<Address, Conn>();
  private interceptor: Interceptor | undefined;
  private serving = false;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    readonly addr: Address,
    /** Trace source, e.g. the member name. */
    private readonly name: string,
  ) {}

  unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>): void {
    this.unaryHandlers.set(method, handler as UnaryHandler);
  }

  stream<Req, Res>(method: string, handler: StreamHandler<Req, Res>): void {
    this.streamHandlers.set(method, handler as StreamHandler);
  }

  intercept(interceptor: Interceptor): void {
    this.interceptor = interceptor;
  }

  get isServing(): boolean {
    return this.serving;
  }

  /** Connected client addresses, in connection order. */
  peers(): Address[] {
    return [...this.conns.keys()];
  }

  start(): void {
    if (this.serving) return;
    this.serving = true;
    this.net.listen(this.addr, (p) => this.receive(p as Packet<ClientFrame>), {
      // The client's TCP connection broke (network.ts): its calls are canceled.
      onBreak: (peer) => this.closeConnection(peer, false),
      stallLimitMs: SERVER_TCP_USER_TIMEOUT_MS,
    });
    this.kernel.trace.emit(this.name, 'grpc.server.start', { addr: this.addr });
  }

  /** Stops serving: every connection is closed (clients read EOF) and calls are abandoned. */
  stop(): void {
    if (!this.serving) return;
    this.serving = false;
    this.net.unlisten(this.addr);
    this.kernel.trace.emit(this.name, 'grpc.server.stop', { addr: this.addr, connections: this.conns.size });
    for (const conn of [...this.conns.values()]) this.closeConn(conn, true);
  }

  /**
   * grpc.Server.GracefulStop bounded by a timeout, as etcd stops its gRPC server: stop
   * listening, send GOAWAY, let open calls finish, and close what is left (watch streams)
   * hard when the timeout passes.
   */
  gracefulStop(timeoutMs: number): void {
    if (!this.serving) return;
    this.serving = false;
    this.net.unlisten(this.addr);
    this.kernel.trace.emit(this.name, 'grpc.server.stop', { addr: this.addr, connections: this.conns.size, graceful: true });
    for (const conn of [...this.conns.values()]) {
      conn.draining = true;
      this.write(conn.peer, { t: 'goaway' });
      if (conn.calls.size === 0) this.closeConn(conn, true);
    }
    this.kernel.schedule(timeoutMs, () => {
      for (const conn of [...this.conns.values()]) if (conn.draining) this.closeConn(conn, true);
    }, 'grpc.server.graceful-stop');
  }

  /** Closes one client's connection, as a reset from the server would (`tellClient`), or after it broke. */
  closeConnection(peer: Address, tellClient = true): void {
    const conn = this.conns.get(peer);
    if (conn !== undefined) this.closeConn(conn, tellClient);
  }

  private closeConn(conn: Conn, tellClient: boolean): void {
    this.conns.delete(conn.peer);
    if (tellClient) this.write(conn.peer, { t: 'close' });
    for (const call of [...conn.calls.values()]) this.finish(conn, call, new StatusError(Code.Canceled, 'context canceled'));
  }

  private write(peer: Address, frame: ServerFrame, method?: string): void {
    this.net.send(this.addr, peer, packetKind(frame, method), frame, frameSize(frame), () => {
      // The client is gone (its port closed): forget the connection.
      const conn = this.conns.get(peer);
      if (conn !== undefined) this.closeConn(conn, false);
    });
  }

  private receive(p: Packet<ClientFrame>): void {
    const f = p.payload;
    const conn = this.conns.get(p.from);
    if (f.t === 'preface') {
      if (conn === undefined) {
        this.conns.set(p.from, { peer: p.from, calls: new Map(), draining: false });
        this.kernel.trace.emit(this.name, 'grpc.server.conn', { addr: this.addr, peer: p.from });
      }
      this.write(p.from, { t: 'settings' });
      return;
    }
    if (conn === undefined) {
      // A frame of a connection this server does not know (it restarted): reset it.
      if (f.t !== 'close') this.write(p.from, { t: 'close' });
      return;
    }
    switch (f.t) {
      case 'headers':
        this.open(conn, f);
        return;
      case 'data': {
        const call = conn.calls.get(f.stream);
        if (call !== undefined && !call.done) call.onMessage?.(f.message);
        return;
      }
      case 'halfClose': {
        const call = conn.calls.get(f.stream);
        if (call !== undefined && !call.done) call.onHalfClose?.();
        return;
      }
      case 'rst': {
        const call = conn.calls.get(f.stream);
        if (call !== undefined) this.finish(conn, call, new StatusError(Code.Canceled, 'context canceled'));
        return;
      }
      case 'ping':
        this.write(p.from, { t: 'pingAck', id: f.id });
        return;
      case 'close':
        this.closeConn(conn, false);
        return;
    }
  }

  private open(conn: Conn, f: Extract<ClientFrame, { t: 'headers' }>): void {
    const deadline = f.timeoutMs === undefined ? undefined : this.kernel.now + f.timeoutMs;
    const info: CallInfo = { method: f.method, metadata: f.metadata, peer: conn.peer, deadline };
    const call: ServerCall = { stream: f.stream, info, done: false, timer: undefined, onMessage: undefined, onHalfClose: undefined, cancelListeners: [] };
    conn.calls.set(f.stream, call);
    const end = (err: StatusError | undefined, message?: unknown): void => {
      if (call.done) return;
      call.done = true;
      const status = err === undefined ? { code: Code.OK, message: '' } : toStatus(err);
      const frame: ServerFrame = { t: 'trailers', stream: f.stream, status };
      if (message !== undefined) frame.message = message;
      this.write(conn.peer, frame, message === undefined ? undefined : f.method);
      this.release(conn, call);
    };
    if (deadline !== undefined) {
      // The handler's context expires with the caller's deadline (grpc-timeout).
      call.timer = this.kernel.at(deadline, () => {
        const err = new StatusError(Code.DeadlineExceeded, 'context deadline exceeded');
        end(err);
        for (const l of call.cancelListeners) l(err);
      }, 'grpc.server.deadline');
    }
    const unary = this.unaryHandlers.get(f.method);
    const stream = this.streamHandlers.get(f.method);
    if (unary === undefined && stream === undefined) {
      end(new StatusError(Code.Unimplemented, `unknown method ${f.method}`));
      return;
    }
    const rejected = this.interceptor?.(info, unary !== undefined ? 'unary' : 'stream');
    if (rejected !== undefined) {
      end(rejected);
      return;
    }
    const onCancel = (fn: (err: StatusError) => void): void => {
      call.cancelListeners.push(fn);
    };
    if (unary !== undefined) {
      unary({
        ...info,
        request: f.message,
        get done() {
          return call.done;
        },
        respond: (result) => (result instanceof StatusError ? end(result) : end(undefined, result)),
        onCancel,
      });
      return;
    }
    (stream as StreamHandler)({
      ...info,
      get done() {
        return call.done;
      },
      send: (message) => {
        if (!call.done) this.write(conn.peer, { t: 'data', stream: f.stream, message }, f.method);
      },
      end: (err) => end(err),
      onMessage: (fn) => {
        call.onMessage = fn;
        if (f.message !== undefined) fn(f.message);
      },
      onHalfClose: (fn) => {
        call.onHalfClose = fn;
      },
      onCancel,
    });
  }

  /** Ends a call without answering (client cancel, connection gone). */
  private finish(conn: Conn, call: ServerCall, err: StatusError): void {
    if (call.done) return;
    call.done = true;
    this.release(conn, call);
    for (const l of call.cancelListeners) l(err);
  }

  private release(conn: Conn, call: ServerCall): void {
    conn.calls.delete(call.stream);
    if (call.timer !== undefined) this.kernel.cancel(call.timer);
    if (conn.draining && conn.calls.size === 0 && this.conns.get(conn.peer) === conn) this.closeConn(conn, true);
  }
}
