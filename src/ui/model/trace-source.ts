// What the UI reads of a trace: the world's Trace satisfies it, and so does a plain array.
import type { TraceEvent } from '../../sim/trace/trace';

export interface TraceSource {
  readonly length: number;
  at(i: number): TraceEvent | undefined;
}

/** The host part of an address "host:port". */
export function hostOf(addr: string): string {
  const i = addr.indexOf(':');
  return i < 0 ? addr : addr.slice(0, i);
}
