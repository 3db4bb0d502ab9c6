// Page state, fed by the simulation once per frame. Views select narrow slices.
import { create } from 'zustand';
import type { PlayerMode } from './player';

export interface MemberView {
  name: string;
  status: 'running' | 'crashed';
  peersSeen: number;
}

export interface SimView {
  now: number;
  fired: number;
  inFlight: number;
  delivered: number;
  dropped: number;
  traceLength: number;
  members: MemberView[];
}

/** Virtual milliseconds per wall millisecond; Infinity runs as fast as the frame budget allows. */
export const SPEEDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, Infinity] as const;

interface UIState {
  mode: PlayerMode;
  speed: number;
  view: SimView;
  setMode(mode: PlayerMode): void;
  setSpeed(speed: number): void;
  setView(view: SimView): void;
}

export const useUIStore = create<UIState>((set) => ({
  mode: 'playing',
  speed: 0.1,
  view: { now: 0, fired: 0, inFlight: 0, delivered: 0, dropped: 0, traceLength: 0, members: [] },
  setMode: (mode) => set({ mode }),
  setSpeed: (speed) => set({ speed }),
  setView: (view) => set({ view }),
}));
