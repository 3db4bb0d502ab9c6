// A subchannel (grpc-go's addrConn): one connection to one endpoint address, with the
// connectivity state machine of spec client.md §3.1 and the backoff of §3.2. The machine
// is an XState machine driven only by the pure `transition` function: it decides states
// and which actions to run; this class runs them on the kernel (timers, transports).

import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { Kernel, Timer } from '../kernel/kernel';
import type { RandomStream } from '../kernel/random';
import type { Address, Network } from '../net/network';
import type { ConnectivityState } from './connectivity';
import { Code } from './codes';
import { connectionBackoff, MIN_CONNECT_TIMEOUT_MS } from './backoff';
import { ClientTransport, type KeepaliveParams } from './transport';
import type { TraceKinds } from '../trace/trace';

declare module '../trace/trace' {
  interface TraceKinds {
    'grpc.subchannel.state': {
      addr: string;
      from: ConnectivityState;
      to: ConnectivityState;
      /** The connection error, entering TRANSIENT_FAILURE or leaving READY. */
      error?: string;
      /** Backoff index of the attempt (CONNECTING) or of the wait (TRANSIENT_FAILURE). */
      backoffIdx?: number;
      /** Entering CONNECTING: how long the attempt may take. */
      connectTimeoutMs?: number;
      /** Entering TRANSIENT_FAILURE: the wait before IDLE. */
      backoffMs?: number;
    };
  }
}

export type SubchannelEvent =
  | { type: 'CONNECT' }
  | { type: 'CONNECTED' }
  | { type: 'CONNECT_FAILED'; error: string }
  | { type: 'BACKOFF_DONE' }
  | { type: 'RESET_BACKOFF' }
  | { type: 'CONNECTION_LOST'; error: string }
  | { type: 'SHUTDOWN'; graceful: boolean };

export const subchannelMachine = setup({
  types: {
    context: {} as { backoffIdx: number },
    events: {} as SubchannelEvent,
  },
  // Declared here, run by Subchannel.run: transition() only names them.
  actions: {
    startAttempt: () => {},
    abortAttempt: () => {},
    startBackoff: () => {},
    cancelBackoff: () => {},
    closeTransport: (_, _params: { graceful: boolean }) => {},
  },
}).createMachine({
  id: 'subchannel',
  initial: 'IDLE',
  context: { backoffIdx: 0 },
  states: {
    IDLE: {
      on: {
        // Connect() is ignored in any other state.
        CONNECT: { target: 'CONNECTING', actions: 'startAttempt' },
        SHUTDOWN: 'SHUTDOWN',
      },
    },
    CONNECTING: {
      on: {
        // A transport was created: the backoff index starts over (§3.1).
        CONNECTED: { target: 'READY', actions: assign({ backoffIdx: 0 }) },
        CONNECT_FAILED: { target: 'TRANSIENT_FAILURE', actions: 'startBackoff' },
        SHUTDOWN: { target: 'SHUTDOWN', actions: 'abortAttempt' },
      },
    },
    READY: {
      on: {
        CONNECTION_LOST: 'IDLE',
        SHUTDOWN: { target: 'SHUTDOWN', actions: { type: 'closeTransport', params: ({ event }) => ({ graceful: event.graceful }) } },
      },
    },
    TRANSIENT_FAILURE: {
      on: {
        BACKOFF_DONE: { target: 'IDLE', actions: assign({ backoffIdx: ({ context }) => context.backoffIdx + 1 }) },
        RESET_BACKOFF: { target: 'IDLE', actions: 'cancelBackoff' },
        SHUTDOWN: { target: 'SHUTDOWN', actions: 'cancelBackoff' },
      },
    },
    SHUTDOWN: { type: 'final' },
  },
});

export interface SubchannelOptions {
  /** Trace source: the owning client. */
  owner: string;
  keepalive: KeepaliveParams | undefined;
  /** A fresh local address for each connection attempt. */
  localAddress: () => Address;
  rng: RandomStream;
}

export type SubchannelListener = (sc: Subchannel, state: ConnectivityState, error: string | undefined) => void;

export class Subchannel {
  private snapshot: SnapshotFrom<typeof subchannelMachine>;
  /** The connected (or connecting) transport. */
  transport: ClientTransport | undefined;
  /** The last connection error, for picker errors. */
  lastError: string | undefined;
  private backoffFor = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    readonly addr: Address,
    private readonly opts: SubchannelOptions,
    private readonly listener: SubchannelListener,
  ) {
    [this.snapshot] = initialTransition(subchannelMachine);
  }

  get state(): ConnectivityState {
    return this.snapshot.value as ConnectivityState;
  }

  get backoffIdx(): number {
    return this.snapshot.context.backoffIdx;
  }

  connect(): void {
    this.send({ type: 'CONNECT' });
  }

  /** Removal by the balancer drains gracefully; a closing channel closes hard (§3.1). */
  shutdown(graceful: boolean): void {
    this.send({ type: 'SHUTDOWN', graceful });
  }

  resetBackoff(): void {
    this.send({ type: 'RESET_BACKOFF' });
  }

  private send(event: SubchannelEvent): void {
    const from = this.state;
    const [next, actions] = transition(subchannelMachine, this.snapshot, event);
    this.snapshot = next;
    for (const a of actions) this.run(a.type, a.params as { graceful: boolean } | undefined);
    if (this.state === from) return;
    const error = event.type === 'CONNECT_FAILED' || event.type === 'CONNECTION_LOST' ? event.error : undefined;
    if (error !== undefined) this.lastError = error;
    this.traceTransition(from, error);
    this.listener(this, this.state, error);
  }

  private run(action: string, params: { graceful: boolean } | undefined): void {
    switch (action) {
      case 'startAttempt':
        return this.startAttempt();
      case 'abortAttempt':
        this.clearTimer();
        this.transport?.close('grpc: the subchannel is shutting down', true);
        return;
      case 'startBackoff':
        this.timer = this.kernel.schedule(this.backoffFor, () => this.send({ type: 'BACKOFF_DONE' }), 'subchannel.backoff');
        return;
      case 'cancelBackoff':
        return this.clearTimer();
      case 'closeTransport':
        if (params?.graceful) this.transport?.drain();
        else this.transport?.close('grpc: the client connection is closing', true, Code.Canceled);
        return;
    }
  }

  private startAttempt(): void {
    // The backoff is chosen before the attempt; it also stretches the attempt's deadline.
    this.backoffFor = connectionBackoff(this.backoffIdx, this.opts.rng);
    const t = new ClientTransport(this.kernel, this.net, this.opts.owner, this.opts.localAddress(), this.addr, this.opts.keepalive, {
      onReady: () => {
        this.clearTimer();
        this.send({ type: 'CONNECTED' });
      },
      // On GOAWAY the subchannel goes IDLE at once; the old transport drains (§3.5).
      onGoAway: () => {
        if (this.transport === t && this.state === 'READY') this.send({ type: 'CONNECTION_LOST', error: 'received GOAWAY' });
      },
      onClose: (reason) => {
        if (this.transport !== t) return;
        this.clearTimer();
        if (this.state === 'CONNECTING') this.send({ type: 'CONNECT_FAILED', error: reason });
        else if (this.state === 'READY') this.send({ type: 'CONNECTION_LOST', error: reason });
      },
    });
    this.transport = t;
    this.timer = this.kernel.schedule(this.connectTimeout(), () => {
      t.close(`connection error: desc = "transport: Error while dialing: dial tcp ${this.addr}: i/o timeout"`, true);
    }, 'subchannel.connect-deadline');
    t.start();
  }

  private connectTimeout(): number {
    return Math.max(MIN_CONNECT_TIMEOUT_MS, this.backoffFor);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.kernel.cancel(this.timer);
    this.timer = undefined;
  }

  private traceTransition(from: ConnectivityState, error: string | undefined): void {
    const to = this.state;
    const f: TraceKinds['grpc.subchannel.state'] = { addr: this.addr, from, to };
    let reason: string;
    if (to === 'CONNECTING') {
      f.backoffIdx = this.backoffIdx;
      f.connectTimeoutMs = this.connectTimeout();
      reason = `connect attempt with deadline max(minConnectTimeout 20 s, backoff ${fmt(this.backoffFor)})`;
    } else if (to === 'TRANSIENT_FAILURE') {
      f.backoffIdx = this.backoffIdx;
      f.backoffMs = this.backoffFor;
      f.error = error;
      reason =
        this.backoffIdx === 0
          ? `connect failed; wait Backoff(0) = ${fmt(this.backoffFor)} exactly (no jitter on the first retry)`
          : `connect failed; wait Backoff(${this.backoffIdx}) = ${fmt(this.backoffFor)} (1 s x 1.6^${this.backoffIdx}, ±20 % jitter, cap 120 s)`;
    } else if (to === 'READY') {
      reason = 'server SETTINGS received; backoff index reset to 0';
    } else if (to === 'IDLE' && from === 'READY') {
      f.error = error;
      reason = 'connection lost';
    } else if (to === 'IDLE') {
      reason = 'backoff over';
    } else {
      reason = 'removed by the balancer or channel closed';
    }
    this.kernel.trace.emit(this.opts.owner, 'grpc.subchannel.state', f, { reason });
  }
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(1)} ms`;
}
