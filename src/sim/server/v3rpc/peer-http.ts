// The peer HTTP endpoints the lease API calls on the leader (etcd lease/leasehttp's
// "/leases" and "/leases/internal"): a request and its answer over the simulated network,
// between the members' "<peer host:port>/http" addresses.
//
// WORKAROUND: EtcdServer.leaseRenew / leaseTimeToLive (server lease-api.ts) forward over
// the peer transport but never serve locally when this member becomes the leader during
// the loop (lead === self is retried until ReqTimeout), so a keep-alive stream on the new
// leader times out after a leader crash. Until that is fixed the v3rpc layer keeps this
// forwarder, which serves locally whenever this member leads (etcd POSTs to its own URL). A member whose process is not running answers `down` (the connection is
// refused); a lost packet is never answered (the caller's deadline ends the wait).

import type { Packet } from '../../net/network';
import type { EtcdServer } from '../server';

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.peer-http': { path: string; to: string; outcome: 'sent' | 'answered' | 'refused' };
  }
}

type PeerMessage =
  | { t: 'req'; seq: number; path: string; body: unknown }
  | { t: 'resp'; seq: number; down?: true; body?: unknown };

export type PeerReply = { down: true } | { down?: undefined; body: unknown };
export type PeerHandler = (body: unknown, reply: (body: unknown) => void) => void;

/** The peer HTTP address of a peer URL ("http://m1:2380" → "m1:2380/http"). */
export function peerHTTPAddr(peerURL: string): string {
  const i = peerURL.indexOf('://');
  return `${i < 0 ? peerURL : peerURL.slice(i + 3)}/http`;
}

export class PeerHTTP {
  private readonly addr: string;
  private seq = 0;
  private readonly pending = new Map<number, (r: PeerReply) => void>();
  private readonly handlers = new Map<string, PeerHandler>();

  constructor(private readonly s: EtcdServer) {
    this.addr = peerHTTPAddr(s.config.peerURL);
    s.options.net.listen(this.addr, (p) => this.receive(p as Packet<PeerMessage>));
  }

  handle(path: string, handler: PeerHandler): void {
    this.handlers.set(path, handler);
  }

  /** POSTs `body` to `path` on the member at `peerURL`; `done` gets its answer. Returns a cancel. */
  post(peerURL: string, path: string, body: unknown, done: (r: PeerReply) => void): () => void {
    const seq = ++this.seq;
    const to = peerHTTPAddr(peerURL);
    const settle = (r: PeerReply) => {
      if (!this.pending.delete(seq)) return;
      this.trace(path, to, r.down === true ? 'refused' : 'answered');
      done(r);
    };
    this.pending.set(seq, settle);
    this.trace(path, to, 'sent');
    const req: PeerMessage = { t: 'req', seq, path, body };
    this.s.options.net.send(this.addr, to, `http${path}`, req, 64, () => settle({ down: true }));
    return () => this.pending.delete(seq);
  }

  private receive(p: Packet<PeerMessage>): void {
    const m = p.payload;
    if (m.t === 'resp') {
      this.pending.get(m.seq)?.(m.down === true ? { down: true } : { body: m.body });
      return;
    }
    const answer = (r: Omit<Extract<PeerMessage, { t: 'resp' }>, 't' | 'seq'>) => {
      const resp: PeerMessage = { t: 'resp', seq: m.seq, ...r };
      this.s.options.net.send(this.addr, p.from, `http${m.path}.resp`, resp, 64);
    };
    const handler = this.handlers.get(m.path);
    if (!this.s.isRunning || handler === undefined) return answer({ down: true });
    handler(m.body, (body) => answer({ body }));
  }

  private trace(path: string, to: string, outcome: 'sent' | 'answered' | 'refused'): void {
    this.s.kernel.trace.emit(this.s.name, 'v3rpc.peer-http', { path, to, outcome }, { reason: `POST ${path}` }, 'debug');
  }
}

declare module '../../trace/trace' {
  interface TraceKinds {
    'v3rpc.forward': { path: string; outcome: 'retry' | 'gave-up'; error?: string };
  }
}

/** Pause between rounds of a call on the leader (etcd: 50 ms). */
export const forwardRetryMs = 50;

/** One round's outcome: another round after 50 ms, a final error, or the value. */
export type LeaderAnswer<T> = { retry: string } | { err: Error } | { value: T };

export interface LeaderCall<T> {
  /** The peer HTTP path and body to POST to the leader. */
  path: string;
  body: unknown;
  /** Serves the call here, when this member leads. */
  local(done: (a: LeaderAnswer<T>) => void): void;
  /** Reads the leader's answer. */
  decode(body: unknown): LeaderAnswer<T>;
  /** The error when the deadline passes. */
  timeout(): Error;
}

/**
 * The loop etcd runs to get an answer from the leader (LeaseRenew, LeaseTimeToLive):
 * served locally when this member leads, else POSTed to the leader's peer
 * endpoint; waits for a leader, retries every 50 ms, and gives up with `timeout()` at
 * ReqTimeout or the caller's deadline, whichever is first.
 */
export function callLeader<T>(s: EtcdServer, http: PeerHTTP, deadlineAt: number | undefined, call: LeaderCall<T>, done: (err: Error | undefined, v?: T) => void): void {
  const kernel = s.kernel;
  const deadline = Math.min(kernel.now + s.reqTimeoutMs, deadlineAt ?? Infinity);
  let finished = false;
  let cancelPost = (): void => {};
  const finish = (err: Error | undefined, v?: T) => {
    if (finished) return;
    finished = true;
    kernel.cancel(timer);
    cancelPost();
    done(err, v);
  };
  const timer = kernel.at(Math.max(kernel.now, deadline), () => {
    const err = call.timeout();
    kernel.trace.emit(s.name, 'v3rpc.forward', { path: call.path, outcome: 'gave-up', error: err.message }, { reason: 'the deadline passed' });
    finish(err);
  }, `${s.name} ${call.path} deadline`);
  const settle = (a: LeaderAnswer<T>): void => {
    if (finished) return;
    if ('retry' in a) {
      kernel.trace.emit(s.name, 'v3rpc.forward', { path: call.path, outcome: 'retry' }, { reason: a.retry }, 'debug');
      kernel.schedule(forwardRetryMs, attempt, `${s.name} ${call.path} retry`);
    } else if ('err' in a) finish(a.err);
    else finish(undefined, a.value);
  };
  const attempt = (): void => {
    if (finished) return;
    if (!s.isRunning) return settle({ retry: `member is ${s.status}` });
    if (s.isLeader) return call.local(settle);
    const leader = s.lead === 0 ? undefined : s.cluster.member(s.lead);
    if (leader === undefined || leader.peerURLs.length === 0) return settle({ retry: 'waiting for a leader' });
    cancelPost = http.post(leader.peerURLs[0], call.path, call.body, (r) =>
      settle(r.down === true ? { retry: 'connection refused: the leader is down' } : call.decode(r.body)),
    );
  };
  attempt();
}
