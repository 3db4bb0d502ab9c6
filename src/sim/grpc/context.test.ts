import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel';
import { Context, ContextError } from './context';

describe('Context', () => {
  it('expires at its deadline, and children expire with their parent', () => {
    const k = new Kernel(1);
    const [parent] = Context.background(k).withTimeout(100);
    const [child] = parent.withTimeout(500);
    expect(child.deadline).toBe(100);
    const seen: string[] = [];
    child.onDone(() => seen.push(`child ${k.now}`));
    k.runUntil(99);
    expect(child.done).toBe(false);
    k.runUntil(100);
    expect(child.err()).toBe(ContextError.DeadlineExceeded);
    expect(seen).toEqual(['child 100']);
  });

  it('cancelling a child leaves the parent alone; cancelling the parent ends the child', () => {
    const k = new Kernel(1);
    const [parent, cancelParent] = Context.background(k).withCancel();
    const [a, cancelA] = parent.withCancel();
    const [b] = parent.withCancel();
    cancelA();
    expect([a.err(), parent.done, b.done]).toEqual([ContextError.Canceled, false, false]);
    cancelParent();
    expect(b.err()).toBe(ContextError.Canceled);
  });

  it('metadata views share their context and add metadata', () => {
    const k = new Kernel(1);
    const [ctx, cancel] = Context.background(k).withCancel();
    const v = ctx.withMetadata({ hasleader: 'true' }).withMetadata({ token: 't' });
    expect(v.metadata).toEqual({ hasleader: 'true', token: 't' });
    expect(ctx.metadata).toEqual({});
    cancel();
    expect(v.done).toBe(true);
    expect(ctx.detached().done).toBe(false);
  });

  it('rejects a negative timeout with a clear error', () => {
    expect(() => Context.background(new Kernel(1)).withTimeout(-1)).toThrow('context timeout must be >= 0 ms, got -1');
  });
});
