// The round_robin load-balancing policy (spec client.md §3.3): one subchannel per
// distinct endpoint, all connected eagerly; a picker over the READY ones.
//
// Two structures exist and differ in what the channel observes:
// * G71 (grpc-go 1.71, etcd 3.6 and 3.5.22+): endpointsharding with a pick_first child
//   per endpoint; a new picker (new random offset) on every child state update.
// * G59 (grpc-go 1.59, etcd <= 3.5.21): balancer/base; a new picker only when a
//   subchannel enters or leaves READY, or the aggregate state is TRANSIENT_FAILURE.
// Both keep a failing endpoint "sticky" in TRANSIENT_FAILURE until it becomes READY.

import type { Kernel } from '../kernel/kernel';
import type { RandomStream } from '../kernel/random';
import type { Network } from '../net/network';
import type { ConnectivityState } from './connectivity';
import { ErrorPicker, ERR_NO_SUBCONN_AVAILABLE, RoundRobinPicker, type Picker } from './picker';
import { Subchannel, type SubchannelOptions } from './subchannel';

declare module '../trace/trace' {
  interface TraceKinds {
    'grpc.balancer.picker': { state: ConnectivityState; order: string[]; error?: string };
  }
}

export type GrpcGeneration = 'G71' | 'G59';

export interface BalancerOptions extends Omit<SubchannelOptions, 'rng'> {
  generation: GrpcGeneration;
  /** Seeded stand-in for Go's map iteration order and rand.Intn in the picker. */
  pickerRng: RandomStream;
  /** The random stream of the subchannel for an address. */
  subchannelRng: (addr: string) => RandomStream;
}

export type PickerListener = (state: ConnectivityState, picker: Picker) => void;

interface Child {
  subchannel: Subchannel;
  /** The state the balancer records for this endpoint (sticky TRANSIENT_FAILURE). */
  state: ConnectivityState;
}

export class RoundRobinBalancer {
  /** Children by address, in the order the resolver first listed them. */
  private readonly children = new Map<string, Child>();
  private resolverError: string | undefined;
  /** The latest connection error of any endpoint. */
  private lastConnError: string | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    private readonly opts: BalancerOptions,
    private readonly publish: PickerListener,
  ) {}

  /** A resolver update: new endpoints connect at once, removed ones drain gracefully. */
  updateEndpoints(endpoints: readonly string[]): void {
    const wanted = new Set(endpoints);
    for (const [addr, child] of [...this.children]) {
      if (!wanted.has(addr)) {
        this.children.delete(addr);
        child.subchannel.shutdown(true);
      }
    }
    for (const addr of wanted) {
      if (this.children.has(addr)) continue;
      const sc = new Subchannel(this.kernel, this.net, addr, { ...this.opts, rng: this.opts.subchannelRng(addr) }, (s, st, err) =>
        this.onSubchannelState(s, st, err),
      );
      this.children.set(addr, { subchannel: sc, state: 'IDLE' });
      sc.connect();
    }
    this.resolverError = wanted.size === 0 ? 'produced zero addresses' : undefined;
    this.regenerate();
  }

  /** Closes every subchannel hard (the channel is closing). */
  close(): void {
    for (const child of this.children.values()) child.subchannel.shutdown(false);
    this.children.clear();
  }

  subchannels(): Subchannel[] {
    return [...this.children.values()].map((c) => c.subchannel);
  }

  private onSubchannelState(sc: Subchannel, state: ConnectivityState, error: string | undefined): void {
    const child = this.children.get(sc.addr);
    if (child === undefined || child.subchannel !== sc) return;
    this.record(child, state, error);
    if (state === 'IDLE') sc.connect(); // auto-reconnect (G59 base balancer, G71 ExitIdle)
  }

  private record(child: Child, state: ConnectivityState, error: string | undefined): void {
    // Sticky TRANSIENT_FAILURE: a failing endpoint is not reported CONNECTING or IDLE again.
    if (child.state === 'TRANSIENT_FAILURE' && (state === 'CONNECTING' || state === 'IDLE')) return;
    const wasReady = child.state === 'READY';
    child.state = state;
    if (state === 'TRANSIENT_FAILURE') this.lastConnError = error;
    const readyChanged = wasReady !== (state === 'READY');
    if (this.opts.generation === 'G71' || readyChanged || this.aggregate() === 'TRANSIENT_FAILURE') this.regenerate();
  }

  private aggregate(): ConnectivityState {
    const states = [...this.children.values()].map((c) => c.state);
    for (const s of ['READY', 'CONNECTING', 'IDLE'] as const) if (states.includes(s)) return s;
    return 'TRANSIENT_FAILURE';
  }

  private regenerate(): void {
    const state = this.aggregate();
    let picker: Picker;
    if (state === 'READY') {
      const ready = [...this.children.values()].filter((c) => c.state === 'READY').map((c) => c.subchannel);
      picker = new RoundRobinPicker(this.opts.pickerRng.shuffle(ready), this.opts.pickerRng);
    } else if (state === 'TRANSIENT_FAILURE') {
      picker = new ErrorPicker(this.failureText());
    } else {
      picker = new ErrorPicker(ERR_NO_SUBCONN_AVAILABLE);
    }
    const error = picker instanceof ErrorPicker ? picker.error : undefined;
    const reason =
      state === 'READY'
        ? `round robin over the READY subchannels, random start`
        : `no READY subchannel: picks ${error === ERR_NO_SUBCONN_AVAILABLE ? 'block' : 'fail with the last error'} (wait-for-ready calls block)`;
    this.kernel.trace.emit(this.opts.owner, 'grpc.balancer.picker', { state, order: [...picker.order], ...(error === undefined ? {} : { error }) }, { reason });
    this.publish(state, picker);
  }

  /** The TRANSIENT_FAILURE picker's error, as each grpc generation words it. */
  private failureText(): string {
    const connErr = this.lastConnError;
    if (this.opts.generation === 'G71') return this.children.size === 0 ? 'no children to pick from' : (connErr ?? ERR_NO_SUBCONN_AVAILABLE);
    const parts: string[] = [];
    if (connErr !== undefined) parts.push(`last connection error: ${connErr}`);
    if (this.resolverError !== undefined) parts.push(`last resolver error: ${this.resolverError}`);
    return parts.length === 0 ? ERR_NO_SUBCONN_AVAILABLE : parts.join('; ');
  }
}
