import type { Operation } from '../model';
import type { RegisterInput, RegisterOutput } from '../models/register';
import type { JepsenOperation } from './jepsen-events';
import { readValue, registerInput } from './register-values';

/**
 * Register operations under Porcupine's etcd rules (parseJepsenLog in
 * porcupine_test.go): a failed cas is a definite "compare did not match"; a
 * failed (timed-out) read observed nothing and ends where it failed; info and
 * unanswered operations stay open to the end with an unknown outcome.
 */
export function etcdOperations(paired: readonly JepsenOperation[]): Operation<RegisterInput, RegisterOutput>[] {
  const ops: Operation<RegisterInput, RegisterOutput>[] = [];
  for (const { invoke, completion, clientId, call, return: ret } of paired) {
    const input = registerInput(invoke);
    const base = { clientId, input, call, return: ret, line: invoke.line };
    if (completion === undefined) {
      ops.push({ ...base, output: { unknown: true, value: null, ok: false } });
    } else if (completion.type === 'ok') {
      const value = input.kind === 'read' ? readValue(completion) : null;
      ops.push({ ...base, output: { unknown: false, value, ok: true } });
    } else if (input.kind === 'read') {
      ops.push({ ...base, output: { unknown: true, value: null, ok: false } });
    } else if (input.kind === 'cas') {
      ops.push({ ...base, output: { unknown: false, value: null, ok: false } });
    }
    // A failed write wrote nothing: it is left out.
  }
  return ops;
}
