// The player's modes live in one XState machine rather than scattered booleans.
import { assign, setup } from 'xstate';

export type PlayerEvent =
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'STEP' }
  | { type: 'STEPPED' }
  /** Re-execute the run up to a point (a fork, or a loaded permalink or file). */
  | { type: 'FORK' }
  | { type: 'FORKED' }
  | { type: 'FORK_FAILED' };

export const playerMachine = setup({
  types: { events: {} as PlayerEvent, context: {} as { resumePlaying: boolean } },
  guards: { resumePlaying: ({ context }) => context.resumePlaying },
}).createMachine({
  id: 'player',
  initial: 'playing',
  context: { resumePlaying: true },
  states: {
    playing: {
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: 'stepping',
        FORK: { target: 'forking', actions: assign({ resumePlaying: true }) },
      },
    },
    paused: {
      on: {
        PLAY: 'playing',
        TOGGLE: 'playing',
        STEP: 'stepping',
        FORK: { target: 'forking', actions: assign({ resumePlaying: false }) },
      },
    },
    // One event is shown by the loop, which then reports STEPPED.
    stepping: { on: { STEPPED: 'paused', PLAY: 'playing', PAUSE: 'paused' } },
    // The world is being re-executed in slices; controls wait for it.
    forking: {
      on: {
        FORKED: [{ guard: 'resumePlaying', target: 'playing' }, { target: 'paused' }],
        FORK_FAILED: 'paused',
      },
    },
  },
});

export type PlayerMode = 'playing' | 'paused' | 'stepping' | 'forking';
