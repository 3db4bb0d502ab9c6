// A Go-style context on virtual time: a deadline, cancellation and outgoing metadata.
// Deadlines are kernel timers, so a context expires at an exact virtual instant.

import type { Kernel, Timer } from '../kernel/kernel';

/** context.DeadlineExceeded / context.Canceled: compared by identity, like Go's sentinels. */
export class ContextError extends Error {
  private constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
  static readonly DeadlineExceeded = new ContextError('context deadline exceeded');
  static readonly Canceled = new ContextError('context canceled');
}

/** Outgoing gRPC metadata: lower-case keys, one value each (all etcd needs). */
export type Metadata = Readonly<Record<string, string>>;

/** The cancellation state a context and its metadata-only views share. */
class Canceler {
  error: ContextError | undefined;
  private listeners: (() => void)[] = [];
  private timer: Timer | undefined;
  /** Detaches this canceler from its parent once done, so long-lived parents do not collect garbage. */
  private unlinkParent: (() => void) | undefined;

  constructor(
    private readonly kernel: Kernel,
    parent: Canceler | undefined,
    readonly deadline: number | undefined,
  ) {
    if (parent?.error !== undefined) this.error = parent.error;
    else if (parent !== undefined) this.unlinkParent = parent.onDone(() => this.finish(parent.error as ContextError));
    if (this.error === undefined && deadline !== undefined && deadline !== parent?.deadline) {
      if (deadline <= kernel.now) this.finish(ContextError.DeadlineExceeded);
      else this.timer = kernel.at(deadline, () => this.finish(ContextError.DeadlineExceeded), 'ctx.deadline');
    }
  }

  onDone(fn: () => void): () => void {
    if (this.error !== undefined) {
      fn();
      return () => {};
    }
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  finish(err: ContextError): void {
    if (this.error !== undefined) return;
    this.error = err;
    if (this.timer !== undefined) this.kernel.cancel(this.timer);
    this.unlinkParent?.();
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l();
  }
}

export class Context {
  private constructor(
    readonly kernel: Kernel,
    private readonly canceler: Canceler,
    readonly metadata: Metadata,
  ) {}

  /** context.Background(): never done, no metadata. */
  static background(kernel: Kernel): Context {
    return new Context(kernel, new Canceler(kernel, undefined, undefined), {});
  }

  /** Absolute virtual time at which the context expires, if any. */
  get deadline(): number | undefined {
    return this.canceler.deadline;
  }

  /** A child cancelled with its parent; the returned cancel function cancels only the child. */
  withCancel(): [Context, () => void] {
    return this.withDeadlineOrNone(this.deadline);
  }

  /** A child that expires `ms` from now (or with its parent, if earlier). */
  withTimeout(ms: number): [Context, () => void] {
    if (!(ms >= 0)) throw new RangeError(`context timeout must be >= 0 ms, got ${ms}`);
    return this.withDeadline(this.kernel.now + ms);
  }

  withDeadline(time: number): [Context, () => void] {
    return this.withDeadlineOrNone(this.deadline === undefined ? time : Math.min(this.deadline, time));
  }

  /** metadata.AppendToOutgoingContext: the same context with more metadata. */
  withMetadata(md: Metadata): Context {
    return new Context(this.kernel, this.canceler, { ...this.metadata, ...md });
  }

  /** A context with this one's metadata but no deadline or cancellation (watch streams, §6.1). */
  detached(): Context {
    return new Context(this.kernel, new Canceler(this.kernel, undefined, undefined), this.metadata);
  }

  get done(): boolean {
    return this.canceler.error !== undefined;
  }

  err(): ContextError | undefined {
    return this.canceler.error;
  }

  /** Milliseconds left before the deadline, or undefined without one. */
  remaining(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - this.kernel.now);
  }

  /** Runs `fn` once when the context ends (at once if it already has). Returns an unsubscribe. */
  onDone(fn: () => void): () => void {
    return this.canceler.onDone(fn);
  }

  private withDeadlineOrNone(deadline: number | undefined): [Context, () => void] {
    const c = new Canceler(this.kernel, this.canceler, deadline);
    return [new Context(this.kernel, c, this.metadata), () => c.finish(ContextError.Canceled)];
  }
}
