import { hashNumber } from '../hash';
import type { Model } from '../model';
import { describeRegisterOperation } from './register';
import type { RegisterInput, RegisterOutput } from './register';

/**
 * Knossos's cas-register (knossos/model.clj), initially 0. A read of nil means
 * the value was not recorded and is always legal. Failed operations never
 * happened, so the parser drops them; every cas left here either succeeded or
 * has an unknown outcome (then it takes effect iff its compare matches).
 */
export const casRegisterModel: Model<number, RegisterInput, RegisterOutput> = {
  name: 'cas-register',
  init: () => 0,
  step(state, input, output) {
    switch (input.kind) {
      case 'read':
        return { ok: output.unknown || output.value === null || output.value === state, newState: state };
      case 'write':
        return { ok: true, newState: input.value };
      case 'cas': {
        const matches = input.from === state;
        return { ok: output.unknown || matches, newState: matches ? input.to : state };
      }
    }
  },
  equal: (a, b) => a === b,
  hash: hashNumber,
  describeOperation: describeRegisterOperation,
  describeState: String,
};
