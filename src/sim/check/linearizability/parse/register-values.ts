import type { RegisterInput } from '../models/register';
import type { JepsenEvent } from './jepsen-events';
import { ParseError } from './parse-error';

/** Reading register operations (read / write / cas of integers) out of Jepsen events. */

export function registerInput(event: JepsenEvent): RegisterInput {
  switch (event.f) {
    case 'read':
      return { kind: 'read' };
    case 'write':
      return { kind: 'write', value: integer(event.value, event) };
    case 'cas': {
      const v = event.value;
      if (!Array.isArray(v) || v.length !== 2) throw new ParseError(event.line, `cas value must be [from to], got ${JSON.stringify(v)}`);
      return { kind: 'cas', from: integer(v[0], event), to: integer(v[1], event) };
    }
    default:
      throw new ParseError(event.line, `unknown register operation ${JSON.stringify(event.f)}: expected read, write or cas`);
  }
}

/** What a read returned: an integer, or null (nil). */
export function readValue(event: JepsenEvent): number | null {
  return event.value === null ? null : integer(event.value, event);
}

function integer(v: unknown, event: JepsenEvent): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ParseError(event.line, `${event.f} value must be an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}
