import { historyEventSchema } from '../history';
import type { HistoryEvent } from '../history';
import type { Operation } from '../model';
import type { SimKvInput, SimKvOutput } from '../models/sim-kv';
import { readJsonLines } from './json-lines';
import { pairEvents } from './pair-events';
import { ParseError } from './parse-error';
import { describeZodError } from '../../zod-issue';

/** The simulator's own history files (history.ts), as sim-kv operations. */

type SimEvent = HistoryEvent & { line: number };

export function toSimEvent(value: unknown, line: number): SimEvent {
  const parsed = historyEventSchema.safeParse(value);
  if (!parsed.success) throw new ParseError(line, `not a simulator history event: ${describeZodError(parsed.error)}`);
  return { ...parsed.data, line };
}

export function readSimHistory(text: string): SimEvent[] {
  return readJsonLines(text).map(({ value, line }) => toSimEvent(value, line));
}

export function simKvOperations(events: readonly SimEvent[]): Operation<SimKvInput, SimKvOutput>[] {
  const ops: Operation<SimKvInput, SimKvOutput>[] = [];
  for (const { invoke, completion, clientId } of pairEvents(events)) {
    if (completion && completion.key !== invoke.key) {
      throw new ParseError(completion.line, `completion is for key ${JSON.stringify(completion.key)} but line ${invoke.line} invoked key ${JSON.stringify(invoke.key)}`);
    }
    if (completion && completion.t < invoke.t) {
      throw new ParseError(completion.line, `completion at t=${completion.t} is before its invocation on line ${invoke.line} (t=${invoke.t})`);
    }
    // A definite failure never happened; a read of unknown outcome observed nothing.
    if (completion?.type === 'fail') continue;
    if (completion === undefined && (invoke.f === 'get' || invoke.f === 'range')) continue;
    ops.push({
      clientId,
      input: simKvInput(invoke),
      output: completion ? simKvOutput(completion) : { unknown: true },
      call: invoke.t,
      return: completion ? completion.t : Infinity,
      line: invoke.line,
    });
  }
  return ops;
}

function simKvInput(e: SimEvent): SimKvInput {
  const need = <T>(v: T | undefined, field: string): T => {
    if (v === undefined) throw new ParseError(e.line, `a ${e.f} invocation needs "${field}"`);
    return v;
  };
  switch (e.f) {
    case 'put':
      return { kind: 'put', key: e.key, value: need(e.value, 'value') };
    case 'get':
      return { kind: 'get', key: e.key };
    case 'range':
      return { kind: 'range', key: e.key, rangeEnd: need(e.rangeEnd, 'rangeEnd') };
    case 'delete':
      return e.rangeEnd === undefined ? { kind: 'delete', key: e.key } : { kind: 'delete', key: e.key, rangeEnd: e.rangeEnd };
    case 'txn':
      return { kind: 'txn', key: e.key, expected: need(e.expected, 'expected'), value: need(e.value, 'value') };
  }
}

/** What must be in an ok completion's result. */
const REQUIRED_RESULT: Partial<Record<HistoryEvent['f'], 'kv' | 'kvs' | 'succeeded'>> = { get: 'kv', range: 'kvs', txn: 'succeeded' };

function simKvOutput(e: SimEvent): SimKvOutput {
  const required = REQUIRED_RESULT[e.f];
  if (required && e.result?.[required] === undefined) throw new ParseError(e.line, `an ok ${e.f} needs "result.${required}"`);
  return { unknown: false, ...e.result, ...(e.revision === undefined ? {} : { revision: e.revision }) };
}
