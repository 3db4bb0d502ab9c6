// A client as its trace tells it: the balancer's endpoints with their subchannel states
// and backoffs, the round-robin order and last pick, and its newest requests, each with
// its attempts and the retry and backoff decisions between them (spec client.md §3, §4).

/** How many of a client's newest requests the frame keeps. */
export const CLIENT_REQUESTS = 8;

export interface EndpointView {
  /** gRPC connectivity state of the subchannel (IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN). */
  state: string;
  /** While in TRANSIENT_FAILURE: virtual ms when the backoff ends, and its length. */
  backoffUntil?: number;
  backoffMs?: number;
  /** The subchannel's reason for its last change, in words. */
  reason?: string;
}

/** One step of a request: an attempt, a retry verdict, or a backoff decision. */
export type RequestStep =
  | { kind: 'attempt'; t: number; attempt: number; addr: string; outcome: string; error?: string }
  | { kind: 'verdict'; t: number; attempt: number; verdict: string; reason: string }
  | { kind: 'backoff'; t: number; attempt: number; quorum: number; waitMs: number; reason: string };

export interface RequestLane {
  call: number;
  method: string;
  start: number;
  /** Set once the call returned to the application. */
  end?: number;
  outcome?: string;
  error?: string;
  steps: RequestStep[];
}

export interface ClientFrame {
  /** As world.client last said: connected ('ready') or not ('failed'), '' before. */
  status: string;
  calls: number;
  ok: number;
  errors: number;
  lastError: string;
  endpoints: Record<string, EndpointView>;
  /** The round-robin picker's READY subchannels in pick order from its first pick. */
  order: string[];
  /** Picks made by that picker: the next pick is order[picks % order.length]. */
  picks: number;
  lastPick: string;
  requests: RequestLane[];
  /** A workload is running. */
  workload: boolean;
  /** The endpoints the client was last given ("http://m1:2379", ...). */
  urls: string[];
}

export function emptyClient(): ClientFrame {
  return { status: '', calls: 0, ok: 0, errors: 0, lastError: '', endpoints: {}, order: [], picks: 0, lastPick: '', requests: [], workload: false, urls: [] };
}

type Fields = Record<string, unknown> & { t: number; kind: string; reason?: string };

function laneOf(c: ClientFrame, call: unknown): RequestLane | undefined {
  return c.requests.find((r) => r.call === call);
}

/** Folds one client-side event (client.*, grpc.*) of this client. */
export function foldClient(c: ClientFrame, ev: Fields): void {
  switch (ev.kind) {
    case 'client.call':
      c.requests = [...c.requests, { call: Number(ev.call), method: shortMethod(String(ev.method)), start: ev.t, steps: [] }].slice(-CLIENT_REQUESTS);
      break;
    case 'client.attempt':
      laneOf(c, ev.call)?.steps.push({
        kind: 'attempt',
        t: ev.t,
        attempt: Number(ev.attempt),
        addr: String(ev.addr ?? ''),
        outcome: String(ev.outcome),
        ...(ev.outcome === 'ok' ? {} : { error: `${String(ev.code)}: ${String(ev.message)}` }),
      });
      break;
    case 'client.retry':
      laneOf(c, ev.call)?.steps.push({ kind: 'verdict', t: ev.t, attempt: Number(ev.attempt), verdict: String(ev.verdict), reason: ev.reason ?? '' });
      break;
    case 'client.backoff':
      laneOf(c, ev.call)?.steps.push({
        kind: 'backoff',
        t: ev.t,
        attempt: Number(ev.attempt),
        quorum: Number(ev.quorum),
        waitMs: Number(ev.waitMs),
        reason: ev.reason ?? '',
      });
      break;
    case 'client.call.end': {
      c.calls++;
      if (ev.outcome === 'ok') c.ok++;
      else {
        c.errors++;
        c.lastError = String(ev.code ?? ev.message ?? 'error');
      }
      const lane = laneOf(c, ev.call);
      if (lane !== undefined) {
        lane.end = ev.t;
        lane.outcome = String(ev.outcome);
        if (ev.outcome !== 'ok') lane.error = `${String(ev.code)}: ${String(ev.message)}`;
      }
      break;
    }
    case 'grpc.subchannel.state': {
      const addr = String(ev.addr);
      const to = String(ev.to);
      c.endpoints = {
        ...c.endpoints,
        [addr]: {
          state: to,
          ...(to === 'TRANSIENT_FAILURE' && typeof ev.backoffMs === 'number' ? { backoffUntil: ev.t + ev.backoffMs, backoffMs: ev.backoffMs } : {}),
          ...(ev.reason === undefined ? {} : { reason: ev.reason }),
        },
      };
      if (to === 'SHUTDOWN') delete c.endpoints[addr];
      break;
    }
    case 'grpc.balancer.picker':
      c.order = [...(ev.order as string[])];
      c.picks = 0;
      break;
    case 'client.workload':
      c.workload = ev.action === 'start';
      break;
    case 'client.endpoints':
      c.urls = [...(ev.endpoints as string[])];
      break;
    case 'grpc.pick':
      c.lastPick = String(ev.addr);
      c.picks++;
      break;
  }
}

/** "/etcdserverpb.KV/Put" → "KV/Put". */
export function shortMethod(method: string): string {
  const parts = method.split('/').filter((p) => p !== '');
  return parts.length < 2 ? method : `${parts[0].replace(/^.*\./, '')}/${parts[1]}`;
}

/** The address round robin picks next (the round-robin pointer). */
export function nextPick(c: ClientFrame): string | undefined {
  return c.order.length === 0 ? undefined : c.order[c.picks % c.order.length];
}
