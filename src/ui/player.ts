// The player's modes live in one XState machine rather than scattered booleans.
import { setup } from 'xstate';

export type PlayerEvent = { type: 'PLAY' } | { type: 'PAUSE' } | { type: 'TOGGLE' } | { type: 'STEP' } | { type: 'STEPPED' };

export const playerMachine = setup({ types: { events: {} as PlayerEvent } }).createMachine({
  id: 'player',
  initial: 'playing',
  states: {
    idle: { on: { PLAY: 'playing', TOGGLE: 'playing', STEP: 'stepping' } },
    playing: { on: { PAUSE: 'paused', TOGGLE: 'paused', STEP: 'stepping' } },
    paused: { on: { PLAY: 'playing', TOGGLE: 'playing', STEP: 'stepping' } },
    // One event is fired by the loop, which then reports STEPPED.
    stepping: { on: { STEPPED: 'paused', PLAY: 'playing', PAUSE: 'paused' } },
  },
});

export type PlayerMode = 'idle' | 'playing' | 'paused' | 'stepping';
