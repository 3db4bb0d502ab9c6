// Page state, fed by the sim loop once per frame. Views select narrow slices, and the
// loop only replaces a slice when it changed, so one change re-renders one view.
import { create } from 'zustand';
import type { PlayerMode } from './player';
import { initialFrame, type FrameState } from './model/frame';
import type { NarrationLine } from './model/narration';
import type { Flight, MessageSpan } from './model/timeline';
import type { CheckState } from './model/history-check';

export interface Cursor {
  /** Trace events shown. */
  index: number;
  /** Virtual time shown (ms). */
  t: number;
}

export interface Stats {
  /** Kernel events the world has fired (it may be ahead of the cursor). */
  fired: number;
  /** Virtual time the world has reached. */
  end: number;
  delivered: number;
  lost: number;
}

/** Virtual milliseconds per wall millisecond; Infinity runs as fast as the frame budget allows. */
export const SPEEDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, Infinity] as const;
export const DEFAULT_SPEED = 0.1;
/** Virtual milliseconds the space-time diagram shows before the cursor, unzoomed. */
export const SPACE_TIME_WINDOW_MS = 600;
/** The diagram's zoom: its window (ms before the cursor), from 8× the default down to 1/8 of it. */
export const SPACE_TIME_ZOOMS = [8, 4, 2, 1, 1 / 2, 1 / 4, 1 / 8].map((k) => k * SPACE_TIME_WINDOW_MS);
/** The newest messages of the window the diagram draws, at most (the loop keeps no more). */
export const SPACE_TIME_MAX_MESSAGES = 400;

/** What one step forward moves over: a trace event, to the next message delivery, to the next raft tick. */
export type StepUnit = 'event' | 'delivery' | 'tick';
export const STEP_UNITS: readonly StepUnit[] = ['event', 'delivery', 'tick'];

interface UIState {
  mode: PlayerMode;
  speed: number;
  stepUnit: StepUnit;
  cursor: Cursor;
  stats: Stats;
  frame: FrameState;
  flights: Flight[];
  /** Messages of the space-time window ending at the cursor. */
  spans: MessageSpan[];
  /** The space-time window (one of SPACE_TIME_ZOOMS): how far before the cursor `spans` reach. */
  spaceTimeWindowMs: number;
  narration: NarrationLine[];
  narrateAll: boolean;
  /** Fraction of a fork's re-execution done, while forking. */
  progress: number | undefined;
  /** The last problem to show the person (bad input, bad file). */
  error: string | undefined;
  permalink: string | undefined;
  /** "Check this run's history": its progress and result. */
  check: CheckState;
  set(patch: Partial<Omit<UIState, 'set'>>): void;
}

export const useUIStore = create<UIState>((set) => ({
  mode: 'playing',
  speed: DEFAULT_SPEED,
  stepUnit: 'event',
  cursor: { index: 0, t: 0 },
  stats: { fired: 0, end: 0, delivered: 0, lost: 0 },
  frame: initialFrame([]),
  flights: [],
  spans: [],
  spaceTimeWindowMs: SPACE_TIME_WINDOW_MS,
  narration: [],
  narrateAll: false,
  progress: undefined,
  error: undefined,
  permalink: undefined,
  check: { status: 'idle' },
  set: (patch) => set(patch),
}));

/** The next or previous speed in SPEEDS. */
export function nextSpeed(speed: number, dir: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => s === speed);
  const j = Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? SPEEDS.indexOf(DEFAULT_SPEED) : i) + dir));
  return SPEEDS[j];
}
