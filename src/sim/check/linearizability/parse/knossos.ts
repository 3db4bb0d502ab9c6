import type { Operation } from '../model';
import type { MicroOp, MultiRegisterInput } from '../models/multi-register';
import type { RegisterInput, RegisterOutput } from '../models/register';
import type { JepsenEvent, JepsenOperation } from './jepsen-events';
import { ParseError } from './parse-error';
import { readValue, registerInput } from './register-values';

/**
 * Operations under Knossos's rules (knossos/history.clj): a failed operation
 * never happened and is dropped; info and unanswered operations stay open to
 * the end; an ok completion's value replaces the invocation's.
 */

function happened(paired: readonly JepsenOperation[]): JepsenOperation[] {
  return paired.filter((p) => p.completion?.type !== 'fail');
}

export function casRegisterOperations(paired: readonly JepsenOperation[]): Operation<RegisterInput, RegisterOutput>[] {
  return happened(paired).map(({ invoke, completion, clientId, call, return: ret }) => {
    const event = completion ?? invoke;
    const input = registerInput(event);
    const output: RegisterOutput = {
      unknown: completion === undefined,
      value: input.kind === 'read' ? readValue(event) : null,
      ok: completion !== undefined,
    };
    return { clientId, input, output, call, return: ret, line: invoke.line };
  });
}

export function multiRegisterOperations(paired: readonly JepsenOperation[]): Operation<MultiRegisterInput, null>[] {
  return happened(paired).map(({ invoke, completion, clientId, call, return: ret }) => {
    const event = completion ?? invoke;
    if (event.f !== 'txn') throw new ParseError(event.line, `unknown multi-register operation ${JSON.stringify(event.f)}: expected txn`);
    return { clientId, input: microOps(event), output: null, call, return: ret, line: invoke.line };
  });
}

/** [[:read :x 1] [:write :y 2] ...]; keys keep their colon, as they are only compared. */
function microOps(event: JepsenEvent): MicroOp[] {
  if (!Array.isArray(event.value)) throw new ParseError(event.line, 'txn value must be a list of [:read k v] / [:write k v]');
  return event.value.map((m: unknown): MicroOp => {
    if (Array.isArray(m) && m.length === 3 && typeof m[1] === 'string') {
      const [f, key, value] = m as unknown[];
      if ((f === ':read' || f === 'read') && (value === null || Number.isInteger(value))) {
        return { kind: 'read', key: key as string, value: value as number | null };
      }
      if ((f === ':write' || f === 'write') && Number.isInteger(value)) return { kind: 'write', key: key as string, value: value as number };
    }
    throw new ParseError(event.line, `bad micro-operation ${JSON.stringify(m)}: expected [:read k v] or [:write k v] with integer v`);
  });
}
