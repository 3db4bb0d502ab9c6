import { hashNumber } from '../hash';
import type { Model } from '../model';
import { describeRegisterOperation } from './register';
import type { RegisterInput, RegisterOutput } from './register';

/**
 * Porcupine's etcdModel (porcupine_test.go): one register, initially absent
 * (null). A failed cas is a definite "compare did not match"; an unknown
 * outcome accepts anything, and an unknown cas takes effect iff its compare
 * matches where it is linearized.
 */
export const etcdModel: Model<number | null, RegisterInput, RegisterOutput> = {
  name: 'etcd',
  init: () => null,
  step(state, input, output) {
    switch (input.kind) {
      case 'read':
        return { ok: output.unknown || output.value === state, newState: state };
      case 'write':
        return { ok: true, newState: input.value };
      case 'cas': {
        const matches = input.from === state;
        return { ok: output.unknown || output.ok === matches, newState: matches ? input.to : state };
      }
    }
  },
  equal: (a, b) => a === b,
  hash: hashNumber,
  describeOperation: describeRegisterOperation,
  describeState: (state) => (state === null ? 'absent' : String(state)),
};
