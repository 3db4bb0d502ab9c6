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

export class Context {
  private error: ContextError | undefined;
  private listeners: (() => void)[] = [];
  private timer: Timer | undefined;
  /** Detaches this context from its parent once it is done, so parents do not collect garbage. */
  private unlinkParent: (() => void) | undefined;

  private constructor(
    readonly kernel: Kernel,
    /** Absolute virtual time at which the context expires, if any. */
    readonly deadline: number | undefined,
    readonly metadata: Metadata,
  ) {}

  /** context.Background(): never done, no metadata. */
  static background(kernel: Kernel): Context {
    return new Context(kernel, undefined, {});
  }

  /** A child cancelled with its parent; the returned cancel function cancels only the child. */
  withCancel(): [Context, () => void] {
    const child = this.child(this.deadline, this.metadata);
    return [child, () => child.finish(ContextError.Canceled)];
  }

  /** A child that expires `ms` from now (or with its parent, if earlier). */
  withTimeout(ms: number): [Context, () => void] {
    if (!(ms >= 0)) throw new RangeError(`context timeout must be >= 0 ms, got ${ms}`);
    return this.withDeadline(this.kernel.now + ms);
  }

  withDeadline(time: number): [Context, () => void] {
    const deadline = this.deadline === undefined ? time : Math.min(this.deadline, time);
    const child = this.child(deadline, this.metadata);
    if (!child.done && deadline !== this.deadline) {
      if (deadline <= this.kernel.now) child.finish(ContextError.DeadlineExceeded);
      else child.timer = this.kernel.at(deadline, () => child.finish(ContextError.DeadlineExceeded), 'ctx.deadline');
    }
    return [child, () => child.finish(ContextError.Canceled)];
  }

  /** metadata.AppendToOutgoingContext: same deadline and cancellation, more metadata. */
  withMetadata(md: Metadata): Context {
    return this.child(this.deadline, { ...this.metadata, ...md });
  }

  /** A context with this one's metadata but no deadline or cancellation (watch streams, §6.1). */
  detached(): Context {
    return new Context(this.kernel, undefined, this.metadata);
  }

  get done(): boolean {
    return this.error !== undefined;
  }

  err(): ContextError | undefined {
    return this.error;
  }

  /** Milliseconds left before the deadline, or undefined without one. */
  remaining(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - this.kernel.now);
  }

  /** Runs `fn` once when the context ends (at once if it already has). Returns an unsubscribe. */
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

  private child(deadline: number | undefined, md: Metadata): Context {
    const c = new Context(this.kernel, deadline, md);
    if (this.error !== undefined) c.error = this.error;
    else c.unlinkParent = this.onDone(() => c.finish(this.error as ContextError));
    return c;
  }

  private finish(err: ContextError): void {
    if (this.error !== undefined) return;
    this.error = err;
    if (this.timer !== undefined) this.kernel.cancel(this.timer);
    this.unlinkParent?.();
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l();
  }
}
