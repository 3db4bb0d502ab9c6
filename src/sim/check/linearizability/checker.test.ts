import { describe, expect, it } from 'vitest';
import { checkGradually, checkOperations } from './checker';
import type { Operation } from './model';
import { casRegisterModel } from './models/cas-register';
import { kvModel } from './models/kv';
import type { KvInput, KvOutput } from './models/kv';
import type { RegisterInput, RegisterOutput } from './models/register';
import { findViolationWindow } from './window';

type RegisterOp = Operation<RegisterInput, RegisterOutput>;

const done = { unknown: false, value: null, ok: true };
const write = (clientId: number, value: number, call: number, ret: number): RegisterOp => ({
  clientId,
  input: { kind: 'write', value },
  output: done,
  call,
  return: ret,
});
const read = (clientId: number, value: number, call: number, ret: number): RegisterOp => ({
  clientId,
  input: { kind: 'read' },
  output: { ...done, value },
  call,
  return: ret,
});

describe('checkOperations', () => {
  it('accepts an empty history', () => {
    expect(checkOperations(casRegisterModel, []).verdict).toBe('linearizable');
  });

  it('accepts a read concurrent with a write seeing either value', () => {
    for (const seen of [0, 1]) {
      const history = [write(0, 1, 0, 10), read(1, seen, 5, 15)];
      expect(checkOperations(casRegisterModel, history).verdict).toBe('linearizable');
    }
  });

  it('rejects a stale read after a completed write, and says where it got stuck', () => {
    const history = [write(0, 1, 0, 10), read(1, 0, 11, 15)];
    const result = checkOperations(casRegisterModel, history);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions[0]).toMatchObject({ longest: [0], stuck: 1 });
  });

  it('treats operations that touch at one instant as concurrent', () => {
    const history = [write(0, 1, 0, 10), read(1, 0, 10, 15)];
    expect(checkOperations(casRegisterModel, history).verdict).toBe('linearizable');
  });

  it('lets an operation of unknown outcome take effect late, or never', () => {
    const unknownWrite: RegisterOp = { ...write(0, 1, 0, Infinity), output: { unknown: true, value: null, ok: false } };
    for (const seen of [[0, 1], [0, 0], [1, 1]]) {
      const history = [unknownWrite, read(1, seen[0], 5, 6), read(2, seen[1], 20, 21)];
      expect(checkOperations(casRegisterModel, history).verdict).toBe('linearizable');
    }
    const backInTime = [unknownWrite, read(1, 1, 5, 6), read(2, 0, 20, 21)];
    expect(checkOperations(casRegisterModel, backInTime).verdict).toBe('not-linearizable');
  });

  it('returns unknown when the step budget runs out', () => {
    const history = Array.from({ length: 12 }, (_, i) => write(i, i, 0, 100)).concat([read(99, 3, 101, 102)]);
    expect(checkOperations(casRegisterModel, history, { maxSteps: 5 }).verdict).toBe('unknown');
    expect(checkOperations(casRegisterModel, history).verdict).toBe('linearizable');
  });

  it('reports how far it got when the budget runs out', () => {
    const history = Array.from({ length: 12 }, (_, i) => write(i, i, 0, 100)).concat([read(99, 42, 101, 102)]);
    const result = checkOperations(casRegisterModel, history, { maxSteps: 1 });
    expect(result.verdict).toBe('unknown');
    expect(result.partitions[0].stuck).toBe(12);
    expect(findViolationWindow(casRegisterModel, history, result)).toMatchObject({ proven: false, stuck: 12 });
    expect(checkOperations(casRegisterModel, history).verdict).toBe('not-linearizable');
  });

  it('can run gradually, with the same result', () => {
    const history = Array.from({ length: 12 }, (_, i) => write(i, i, 0, 100)).concat([read(99, 42, 101, 102)]);
    const run = checkGradually(casRegisterModel, history);
    const progress: number[] = [];
    let next = run.next();
    for (; !next.done; next = run.next()) progress.push(next.value);
    expect(progress.length).toBeGreaterThan(1);
    expect(next.value).toEqual(checkOperations(casRegisterModel, history));
  });

  it('rejects a history whose operation returns before its call', () => {
    expect(() => checkOperations(casRegisterModel, [write(0, 1, 5, 4)])).toThrow(/operation 0 returns/);
    expect(() => checkOperations(casRegisterModel, [write(0, 1, Infinity, Infinity)])).toThrow(/no invocation time/);
  });

  it('checks partitions separately and stops at the first that fails', () => {
    const op = (clientId: number, kind: KvInput['kind'], key: string, value: string, call: number, ret: number) => ({
      clientId,
      input: { kind, key, value: kind === 'get' ? '' : value },
      output: { value: kind === 'get' ? value : null } satisfies KvOutput,
      call,
      return: ret,
    });
    const history = [op(0, 'put', 'a', 'x', 0, 1), op(1, 'put', 'b', 'y', 0, 1), op(2, 'get', 'a', 'x', 2, 3), op(3, 'get', 'b', 'x', 2, 3)];
    const result = checkOperations(kvModel, history);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions.map((p) => p.operations)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(result.partitions[1]).toMatchObject({ verdict: 'not-linearizable', stuck: 3 });
  });
});

describe('findViolationWindow', () => {
  it('spans the stuck operation, what overlaps it and the last operation before it', () => {
    const history = [
      write(0, 1, 0, 10), // long done
      write(0, 2, 20, 30), // the last completed before the stuck read
      write(1, 3, 35, 50), // concurrent with it
      read(2, 1, 40, 45), // stuck: 1 was overwritten by 2
      read(3, 3, 60, 70), // after it
    ];
    const result = checkOperations(casRegisterModel, history);
    const window = findViolationWindow(casRegisterModel, history, result);
    expect(window).toMatchObject({ proven: true, stuck: 3, operations: [1, 2, 3], start: 20, end: 45, stateBefore: '3' });
  });

  it('is undefined for a linearizable history', () => {
    const history = [write(0, 1, 0, 10)];
    expect(findViolationWindow(casRegisterModel, history, checkOperations(casRegisterModel, history))).toBeUndefined();
  });
});
