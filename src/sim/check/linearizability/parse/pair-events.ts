import { ParseError } from './parse-error';

/**
 * Pairing invocations with completions in histories of single-threaded
 * processes (Jepsen's model of clients).
 */

/** The fields pairing needs; Jepsen events and the simulator's history events both have them. */
export interface HistoryEventLike {
  process: number | string;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  line: number;
}

/** An invocation and what completed it. */
export interface PairedEvent<E extends HistoryEventLike> {
  invoke: E;
  /** The ok or fail event; absent when the outcome is unknown (info, or no completion at all). */
  completion?: E;
  /** The process: Jepsen's processes are integers. */
  clientId: number;
  /** Positions of the events in the history; return is Infinity for an unknown outcome. */
  call: number;
  return: number;
}

function isNemesis(process: number | string): boolean {
  return process === ':nemesis' || process === 'nemesis';
}

/**
 * Pairs each invocation with its process's next completion, in invocation
 * order. Nemesis (fault injection) events are not client operations and are
 * skipped.
 */
export function pairEvents<E extends HistoryEventLike>(events: readonly E[]): PairedEvent<E>[] {
  const pending = new Map<number | string, PairedEvent<E>>();
  const paired: PairedEvent<E>[] = [];
  events.forEach((event, position) => {
    if (isNemesis(event.process)) return;
    const open = pending.get(event.process);
    if (event.type === 'invoke') {
      if (open) {
        throw new ParseError(event.line, `process ${event.process} invokes while its operation from line ${open.invoke.line} is still open`);
      }
      if (typeof event.process !== 'number' || !Number.isInteger(event.process)) {
        throw new ParseError(event.line, `process must be an integer (or :nemesis), got ${JSON.stringify(event.process)}`);
      }
      const op: PairedEvent<E> = { invoke: event, clientId: event.process, call: position, return: Infinity };
      pending.set(event.process, op);
      paired.push(op);
      return;
    }
    if (!open) throw new ParseError(event.line, `process ${event.process} completes (${event.type}) an operation it never invoked`);
    if (open.invoke.f !== event.f) {
      throw new ParseError(event.line, `process ${event.process} completes ${event.f} but invoked ${open.invoke.f} on line ${open.invoke.line}`);
    }
    pending.delete(event.process);
    if (event.type !== 'info') {
      open.completion = event;
      open.return = position;
    }
  });
  return paired;
}
