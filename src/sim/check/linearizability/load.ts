import { checkGradually, checkOperations } from './checker';
import type { CheckOptions, CheckResult } from './checker';
import type { HistoryEvent } from './history';
import type { Model, Operation } from './model';
import { casRegisterModel } from './models/cas-register';
import { etcdModel } from './models/etcd';
import { kvModel } from './models/kv';
import { multiRegisterModel } from './models/multi-register';
import { simKvModel } from './models/sim-kv';
import { eventsFromEdn, eventsFromJepsenLog, eventsFromJsonLines } from './parse/jepsen-events';
import type { JepsenEvent } from './parse/jepsen-events';
import { casRegisterOperations, multiRegisterOperations } from './parse/knossos';
import { pairEvents } from './parse/pair-events';
import { ParseError } from './parse/parse-error';
import { etcdOperations } from './parse/porcupine-etcd';
import { kvOperations } from './parse/porcupine-kv';
import { readSimHistory, simKvOperations, toSimEvent } from './parse/sim-history';
import { findViolationWindow } from './window';
import type { ViolationWindow } from './window';

/**
 * From a history file's text to something checkable: detects the format
 * (Jepsen log, EDN, JSON lines) from the content and, unless given, the model.
 */

export const MODEL_NAMES = ['etcd', 'kv', 'cas-register', 'multi-register', 'sim-kv'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** A history bound to its model, with the model's types hidden from callers such as the CLI and the page. */
export interface LoadedHistory {
  model: ModelName;
  /**
   * The operations in invocation order, for drawing a timeline: client
   * (process), invocation and completion times (virtual ms for the
   * simulator's histories, event positions for Jepsen's; Infinity when the
   * outcome is unknown) and the invocation's line in the file.
   */
  operations: readonly { clientId: number; call: number; return: number; line?: number }[];
  check(options?: CheckOptions): CheckResult;
  /** The check in rounds, yielding the steps taken so far (see checkGradually). */
  checkGradually(options?: CheckOptions): Generator<number, CheckResult>;
  /** A human-readable description of operation i, e.g. "cas(1, 2) → ok". */
  describe(i: number): string;
  /** Where a non-linearizable result fails, for the timeline (undefined if it does not). */
  violationWindow(result: CheckResult): ViolationWindow | undefined;
}

function bindHistory<S, I, O>(model: Model<S, I, O>, name: ModelName, operations: Operation<I, O>[]): LoadedHistory {
  return {
    model: name,
    operations,
    check: (options) => checkOperations(model, operations, options),
    checkGradually: (options) => checkGradually(model, operations, options),
    describe: (i) => model.describeOperation(operations[i].input, operations[i].output),
    violationWindow: (result) => findViolationWindow(model, operations, result),
  };
}

type Format = 'jepsen-log' | 'json-lines' | 'edn';

function detectFormat(text: string): Format {
  const start = text.trimStart();
  if (start.startsWith('INFO')) return 'jepsen-log';
  if (start.startsWith('{"') || start.startsWith('{}')) return 'json-lines';
  return 'edn';
}

/** Reads a history; throws ParseError (with a line number) on bad input. */
export function loadHistory(text: string, model?: ModelName): LoadedHistory {
  const format = detectFormat(text);
  if (model === 'sim-kv' || (model === undefined && format === 'json-lines' && isSimHistory(text))) {
    return bindHistory(simKvModel, 'sim-kv', simKvOperations(readSimHistory(text)));
  }
  return loadJepsenHistory(text, format, model);
}

/** A simulator history recorded in memory (the page's "check this run's history"); lines count events from 1. */
export function loadSimHistory(events: readonly HistoryEvent[]): LoadedHistory {
  return bindHistory(simKvModel, 'sim-kv', simKvOperations(events.map((e, i) => toSimEvent(e, i + 1))));
}

/** The simulator's events carry a virtual time "t"; Jepsen's do not. */
function isSimHistory(text: string): boolean {
  try {
    const first: unknown = JSON.parse(text.trimStart().split('\n', 1)[0]);
    return typeof first === 'object' && first !== null && 't' in first;
  } catch {
    return false; // the full parse will say what is wrong
  }
}

function loadJepsenHistory(text: string, format: Format, model: Exclude<ModelName, 'sim-kv'> | undefined): LoadedHistory {
  const events =
    format === 'jepsen-log' ? eventsFromJepsenLog(text) : format === 'edn' ? eventsFromEdn(text) : eventsFromJsonLines(text);
  const name = model ?? detectModel(format, events);
  const paired = pairEvents(events);
  switch (name) {
    case 'etcd':
      return bindHistory(etcdModel, name, etcdOperations(paired));
    case 'cas-register':
      return bindHistory(casRegisterModel, name, casRegisterOperations(paired));
    case 'multi-register':
      return bindHistory(multiRegisterModel, name, multiRegisterOperations(paired));
    case 'kv':
      return bindHistory(kvModel, name, kvOperations(paired));
  }
}

function detectModel(format: Format, events: readonly JepsenEvent[]): Exclude<ModelName, 'sim-kv'> {
  if (events.some((e) => e.key !== undefined)) return 'kv';
  if (events.some((e) => e.f === 'txn')) return 'multi-register';
  if (format === 'jepsen-log') return 'etcd';
  if (format === 'edn') return 'cas-register';
  throw new ParseError(1, 'a register history in JSON lines reads differently under Porcupine (a failed cas did not match) and Knossos (a failed operation never happened): choose with --model etcd or --model cas-register');
}
