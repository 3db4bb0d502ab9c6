import { z } from 'zod';
import { readEdnForms } from './edn';
import type { EdnValue } from './edn';
import { readJsonLines } from './json-lines';
import type { PairedEvent } from './pair-events';
import { ParseError } from './parse-error';
import { describeZodError } from '../../zod-issue';

/**
 * Jepsen-style histories: invoke / ok / fail / info events by single-threaded
 * processes, from a Porcupine etcd log, an EDN file (Knossos, Porcupine kv) or
 * the same events as JSON lines. The models decide what fail and info mean;
 * here events are only read and paired.
 */

const eventSchema = z.object({
  process: z.union([z.number(), z.string()]),
  type: z.enum(['invoke', 'ok', 'fail', 'info']),
  f: z.string(),
  // Nemesis events may carry no value.
  value: z.unknown().optional(),
  key: z.unknown().optional(),
});

export type JepsenEvent = z.infer<typeof eventSchema> & { line: number };

/** A Jepsen invocation paired with its completion. */
export type JepsenOperation = PairedEvent<JepsenEvent>;

function toEvent(value: unknown, line: number): JepsenEvent {
  const parsed = eventSchema.safeParse(value);
  if (!parsed.success) throw new ParseError(line, `not a history event: ${describeZodError(parsed.error)}`);
  return { ...parsed.data, line };
}

export function eventsFromJsonLines(text: string): JepsenEvent[] {
  return readJsonLines(text).map(({ value, line }) => toEvent(value, line));
}

/** EDN events with the colons dropped from field names and from type and f, as in the normalized files. */
export function eventsFromEdn(text: string): JepsenEvent[] {
  return readEdnForms(text).map(({ value, line }) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ParseError(line, 'not a history event: expected a map like {:process 0, :type :invoke, ...}');
    }
    const fields: { [key: string]: EdnValue } = {};
    for (const [k, v] of Object.entries(value)) fields[k.replace(/^:/, '')] = v;
    for (const k of ['type', 'f']) if (typeof fields[k] === 'string') fields[k] = (fields[k] as string).replace(/^:/, '');
    return toEvent(fields, line);
  });
}

const LOG_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(\w+)\s+(.*?)\s*$/;

/** Porcupine's Jepsen etcd logs: `INFO  jepsen.util - <process> <:type> <:f> <value>`, split on any whitespace. */
export function eventsFromJepsenLog(text: string): JepsenEvent[] {
  const events: JepsenEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const m = LOG_LINE.exec(raw);
    if (!m) throw new ParseError(i + 1, 'not a Jepsen log event: expected "INFO jepsen.util - <process> :<type> :<f> <value>"');
    events.push(toEvent({ process: Number(m[1]), type: m[2], f: m[3], value: logValue(m[4], i + 1) }, i + 1));
  });
  return events;
}

/** A log value: nil, an integer, [A B], or a keyword such as :timed-out (kept with its colon). */
function logValue(text: string, line: number): EdnValue {
  if (text === 'nil') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  const pair = /^\[(-?\d+)\s+(-?\d+)\]$/.exec(text);
  if (pair) return [Number(pair[1]), Number(pair[2])];
  if (/^:[\w-]+$/.test(text)) return text;
  throw new ParseError(line, `unrecognized value ${JSON.stringify(text)}: expected nil, an integer, [A B] or a keyword`);
}
