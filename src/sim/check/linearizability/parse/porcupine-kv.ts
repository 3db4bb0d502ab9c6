import type { Operation } from '../model';
import type { KvInput, KvOutput } from '../models/kv';
import type { JepsenEvent, JepsenOperation } from './jepsen-events';
import { ParseError } from './parse-error';

/**
 * Porcupine's kv histories (MIT 6.824): get / put / append of strings by key.
 * They hold only invoke and ok events; should others appear, a failed
 * operation is dropped and an info one stays open with an unknown result.
 */
export function kvOperations(paired: readonly JepsenOperation[]): Operation<KvInput, KvOutput>[] {
  return paired
    .filter((p) => p.completion?.type !== 'fail')
    .map(({ invoke, completion, clientId, call, return: ret }) => {
      const kind = invoke.f;
      if (kind !== 'get' && kind !== 'put' && kind !== 'append') {
        throw new ParseError(invoke.line, `unknown kv operation ${JSON.stringify(kind)}: expected get, put or append`);
      }
      const key = text(invoke.key, 'key', invoke);
      const value = kind === 'get' ? '' : text(invoke.value, 'value', invoke);
      const output = { value: kind === 'get' && completion ? text(completion.value, 'value', completion) : null };
      return { clientId, input: { kind, key, value }, output, call, return: ret, line: invoke.line };
    });
}

function text(v: unknown, field: string, event: JepsenEvent): string {
  if (typeof v !== 'string') throw new ParseError(event.line, `${event.f} ${field} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
