// What a simulated HTTP/2 connection carries between a client transport and a GrpcServer.
// One network packet per frame; a unary call is one headers frame carrying its request
// and end-of-stream, answered by one trailers frame carrying the response and status.

import type { Metadata } from './context';
import type { Status } from './status';

export type ClientFrame =
  /** Opens the connection (TCP handshake + HTTP/2 preface); the server answers `settings`. */
  | { t: 'preface' }
  /** Starts a stream; `timeoutMs` is the grpc-timeout header (the caller's remaining time). */
  | { t: 'headers'; stream: number; method: string; metadata: Metadata; timeoutMs?: number; message?: unknown; endStream?: boolean }
  | { t: 'data'; stream: number; message: unknown }
  | { t: 'halfClose'; stream: number }
  /** RST_STREAM(CANCEL): the caller gave up on the stream. */
  | { t: 'rst'; stream: number }
  | { t: 'ping'; id: number }
  /** The client closed the connection. */
  | { t: 'close' };

export type ServerFrame =
  | { t: 'settings' }
  | { t: 'data'; stream: number; message: unknown }
  /** Ends a stream with a status, optionally carrying the last (unary) response. */
  | { t: 'trailers'; stream: number; status: Status; message?: unknown }
  | { t: 'pingAck'; id: number }
  /** Graceful shutdown: no new streams on this connection; open ones may finish. */
  | { t: 'goaway' }
  /** The server closed the connection (process stopped or connection reset): the client reads EOF. */
  | { t: 'close' };

/** Packet kind on the network, e.g. "grpc.Range" for "/etcdserverpb.KV/Range". */
export function packetKind(frame: ClientFrame | ServerFrame, method?: string): string {
  if (method !== undefined) return `grpc.${method.slice(method.lastIndexOf('/') + 1)}`;
  return `grpc.${frame.t}`;
}

/** Bytes a frame occupies on the wire: a 9-byte frame header plus a rough payload size. */
export function frameSize(frame: ClientFrame | ServerFrame): number {
  const msg = 'message' in frame ? frame.message : undefined;
  return 9 + (msg === undefined ? 0 : messageSize(msg));
}

/** Approximate marshaled size of a message (its JSON length stands in for protobuf). */
export function messageSize(message: unknown): number {
  return JSON.stringify(message)?.length ?? 0;
}
