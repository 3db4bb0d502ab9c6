// Drives the page from animation frames. The world runs forward as far as the cursor
// needs; the cursor can also move back over the recorded trace, and views are drawn from
// the frame folded at the cursor (time travel). An input given at a past cursor forks the
// run: the world is re-executed up to the cursor, in slices, then the input applies.
// While an etcdctl command runs, its promise continuations run (world.settle()) after every
// event, inside the frame, so a run with console commands replays exactly.
import { createActor } from 'xstate';
import { World } from '../sim/world/world';
import { HoldPendingError, type Kernel } from '../sim/kernel/kernel';
import { flushMicrotasks } from '../sim/etcdctl/runner';
import type { InputRequest } from '../sim/world/inputs';
import { initialFrame, shareUnchanged, type FrameState } from './model/frame';
import { narrationAt, type NarrationLine } from './model/narration';
import { inputsUntil } from './model/replay';
import { makeRun, type RunFile } from './model/run-file';
import { inFlightAt, Timeline } from './model/timeline';
import { nextRecordedTick } from './model/election-timer';
import { playerMachine } from './player';
import { SPACE_TIME_MAX_MESSAGES, useUIStore, type Cursor } from './store';

/** Wall milliseconds of simulation work allowed per frame (drawing takes the rest). */
const FRAME_BUDGET_MS = 8;
/** Events a fork re-executes, or folds into its timeline, between looks at the clock (a few ms at most). */
const FORK_SLICE = 100;
/**
 * While playing, the views folded from the trace (log, key-value, narration, clients,
 * console) follow at most this often, so drawing leaves the frame room; messages move every
 * frame. Paused or stepping, every change shows at once.
 */
const FOLDED_EVERY_MS = 100;
/**
 * While playing, a folded refresh reaches the store one group of views per frame: the text
 * views re-render, lay out and paint on frames of their own, so no one frame does them all.
 */
const FOLDED_STAGES: readonly (readonly FoldedSlice[])[] = [['narration'], ['clients'], ['console'], ['kv'], ['members', 'faults', 'added', 'timers', 'index']];
type FoldedSlice = keyof FrameState | 'narration';
const NARRATION_LINES = 40;
/** Events a step to the next delivery fires looking for a message to be sent, at most. */
const STEP_SEARCH_EVENTS = 10_000;

interface Fork {
  slices: Generator<number, World>;
  /** Applied once the world has been rebuilt. */
  then?: InputRequest;
  /** The re-executed world, whose trace is then folded into a timeline over frames. */
  rebuilt?: { world: World; timeline: Timeline };
}

export class SimLoop {
  readonly player = createActor(playerMachine);
  world: World;
  timeline: Timeline;
  private cursor: Cursor = { index: 0, t: 0 };
  private fork: Fork | undefined;
  private lastFrame: number | undefined;
  /** What the store shows: the cursor of the messages, and of the folded views (`folded`, at wall time `foldedAt`). */
  private shown = { index: -1, t: -1, windowMs: 0, all: false, folded: -1, foldedAt: -Infinity };
  /** A folded refresh on its way to the store while playing: the stage it reaches next (FOLDED_STAGES). */
  private staged: { frame: FrameState; narration: NarrationLine[]; stage: number } | undefined;
  /** An input left etcdctl continuations to run; set until they have. */
  private settling: Promise<void> | undefined;
  /** A frame waiting for a real IndexedDB write (storage.ts); inputs wait for it. */
  private inFrame: Promise<void> | undefined;
  /** A step to the next delivery or tick that goes on over several frames: events searched, and its target once known. */
  private pendingStep: { searched: number; target: number | undefined } | undefined;

  constructor(world: World) {
    this.world = world;
    this.timeline = this.timelineOf(world);
    this.player.subscribe((s) => {
      useUIStore.getState().set({ mode: s.value as never });
      // A step left unfinished (play or pause pressed meanwhile) does not carry over to the next one.
      if (s.value !== 'stepping') this.pendingStep = undefined;
      // Paused, the folded views show the cursor exactly (not a throttled moment before it).
      if (s.value === 'paused') this.publish(true);
    });
    this.player.start();
  }

  start(): void {
    const frame = (wall: number) => {
      this.inFrame = this.frame(wall)
        .catch((e: unknown) => useUIStore.getState().set({ error: `simulation stopped: ${(e as Error).message}` }))
        .finally(() => {
          this.inFrame = undefined;
          requestAnimationFrame(frame);
        });
    };
    requestAnimationFrame(frame);
    this.publish();
  }

  /** True when the cursor shows the newest point the world has reached. */
  get atLiveEdge(): boolean {
    return this.cursor.index === this.timeline.length && this.cursor.t === this.world.now;
  }

  /**
   * Whether an input at a past cursor forks the run. A world restarted from IndexedDB
   * (storage.ts) cannot be re-executed from its inputs: there, inputs apply at the live edge.
   */
  forks = true;

  /** Applies an input: now when the cursor is live, else by forking at the cursor. */
  input(request: InputRequest): void {
    const busy = this.settling ?? this.inFrame;
    if (busy !== undefined) {
      void busy.then(() => this.input(request));
      return;
    }
    if (this.player.getSnapshot().value === 'forking') return;
    if (!this.forks) this.cursor = this.liveCursor();
    if (this.atLiveEdge) {
      this.guard(() => this.world.input(request));
      this.showLive();
      if (this.world.busy) {
        this.settling = this.world.settle().then(() => {
          this.settling = undefined;
          this.showLive();
        });
      }
      return;
    }
    this.startFork(this.world.config, inputsUntil(this.world.inputs, this.cursor.t), this.cursor.t, request);
  }

  /** Moves the cursor to time t within what the world has run. */
  seek(t: number): void {
    const time = Math.max(0, Math.min(t, this.world.now));
    this.cursor = { index: this.timeline.indexAtTime(time), t: time };
    this.publish();
  }

  goLive(): void {
    this.cursor = this.liveCursor();
    this.publish();
  }

  /** Moves the cursor back by one trace event. */
  stepBack(): void {
    if (this.player.getSnapshot().value === 'playing') this.player.send({ type: 'PAUSE' });
    const index = Math.max(0, this.cursor.index - 1);
    this.cursor = { index, t: index === 0 ? 0 : (this.timeline.timeAt(index - 1) as number) };
    this.publish();
  }

  /** The run up to the cursor, as a file or permalink carries it. */
  run(): RunFile {
    return makeRun(this.world.config, inputsUntil(this.world.inputs, this.cursor.t), this.cursor.t);
  }

  /** Re-executes a saved run up to its cursor, then shows it paused. */
  load(run: RunFile): void {
    this.player.send({ type: 'PAUSE' });
    this.startFork(run.config, run.inputs, run.cursor);
  }

  /** Shows another world (a lesson's, already played) from its start, paused; not while forking. */
  show(world: World): boolean {
    if (this.player.getSnapshot().value === 'forking') return false;
    this.player.send({ type: 'PAUSE' });
    this.world = world;
    this.timeline = this.timelineOf(world);
    this.shown = { ...this.shown, index: -1, folded: -1 };
    this.seek(0);
    return true;
  }

  /** A fingerprint of what the page shows: the same run and cursor give the same one. */
  screen(): string {
    this.publish(true);
    const s = useUIStore.getState();
    return JSON.stringify({ cursor: s.cursor, frame: s.frame, flights: s.flights, narration: s.narration });
  }

  private timelineOf(world: World): Timeline {
    const tl = new Timeline(world.kernel.trace, initialFrame(world.members.map((m) => m.name)));
    tl.ingest();
    return tl;
  }

  private liveCursor(): Cursor {
    return { index: this.timeline.length, t: this.world.now };
  }

  /** After an input: the views show its effect at once (an input is the person's own action). */
  private showLive(): void {
    this.timeline.ingest();
    this.cursor = this.liveCursor();
    this.publish(true);
  }

  private startFork(config: unknown, inputs: RunFile['inputs'], until: number, then?: InputRequest): void {
    this.fork = { slices: World.replaySteps(config, inputs, until, FORK_SLICE), then };
    this.player.send({ type: 'FORK' });
    useUIStore.getState().set({ progress: 0, error: undefined });
  }

  private guard(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      useUIStore.getState().set({ error: (e as Error).message });
      return false;
    }
  }

  private async frame(wall: number): Promise<void> {
    const elapsed = this.lastFrame === undefined ? 0 : Math.min(wall - this.lastFrame, 100);
    this.lastFrame = wall;
    await this.settling;
    switch (this.player.getSnapshot().value) {
      case 'forking':
        await this.continueFork();
        break;
      case 'stepping':
        if (await this.stepOnce()) this.player.send({ type: 'STEPPED' });
        break;
      case 'playing':
        await this.play(useUIStore.getState().speed, elapsed);
        break;
    }
    this.publish();
  }

  private async continueFork(): Promise<void> {
    const fork = this.fork as Fork;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    let ok = true;
    try {
      let progress: number | undefined;
      while (fork.rebuilt === undefined && performance.now() < deadline) {
        const r = fork.slices.next();
        if (r.done === true) fork.rebuilt = { world: r.value, timeline: new Timeline(r.value.kernel.trace, initialFrame(r.value.members.map((m) => m.name))) };
        else {
          progress = r.value;
          // The replay's etcdctl commands take their next steps (World.replaySteps).
          await flushMicrotasks();
        }
      }
      if (progress !== undefined) useUIStore.getState().set({ progress });
    } catch (e) {
      useUIStore.getState().set({ error: (e as Error).message });
      ok = false;
    }
    if (!ok) {
      this.fork = undefined;
      useUIStore.getState().set({ progress: undefined });
      this.player.send({ type: 'FORK_FAILED' });
      return;
    }
    if (fork.rebuilt === undefined) return;
    const { world, timeline } = fork.rebuilt;
    const events = world.kernel.trace.length;
    while (timeline.length < events && performance.now() < deadline) timeline.ingest(timeline.length + FORK_SLICE);
    // Applying the input and showing every view is a frame's work of its own.
    if (timeline.length < events || performance.now() > deadline) return;
    this.fork = undefined;
    this.world = world;
    this.timeline = timeline;
    if (fork.then !== undefined) this.guard(() => world?.input(fork.then as InputRequest));
    if (world.busy) await world.settle();
    this.timeline.ingest();
    this.cursor = this.liveCursor();
    this.shown = { ...this.shown, index: -1, folded: -1 };
    useUIStore.getState().set({ progress: undefined });
    this.player.send({ type: 'FORKED' });
  }

  /**
   * Steps by the chosen unit, a frame's budget at a time: returns false when the step goes
   * on in the next frame (a long search for the next message, or a long way to its target).
   */
  private async stepOnce(): Promise<boolean> {
    const unit = useUIStore.getState().stepUnit;
    if (unit === 'event') {
      await this.stepEvent();
      return true;
    }
    const step = (this.pendingStep ??= { searched: 0, target: undefined });
    const deadline = performance.now() + FRAME_BUDGET_MS;
    if (step.target === undefined) {
      // With nothing in flight, the next delivery is of the next message sent.
      while (unit === 'delivery' && this.nextDelivery() === undefined && step.searched < STEP_SEARCH_EVENTS) {
        await this.stepEvent();
        step.searched++;
        if (performance.now() > deadline) return false;
      }
      step.target = (unit === 'delivery' ? this.nextDelivery() : this.nextTick()) ?? this.cursor.t;
    }
    // Every event up to the target fires (a step is short: one latency or one tick at most).
    while (this.cursor.t < step.target) {
      await this.moveTo(step.target);
      if (this.cursor.t < step.target && performance.now() > deadline) return false;
    }
    this.pendingStep = undefined;
    return true;
  }

  /** Shows the next trace event, firing the world's next kernel event at the live edge. */
  private async stepEvent(): Promise<void> {
    if (this.cursor.index < this.timeline.length) {
      // Replaying the record: show its next event.
      const index = this.cursor.index + 1;
      this.cursor = { index, t: this.timeline.timeAt(index - 1) as number };
      return;
    }
    await step(this.world.kernel);
    if (this.world.busy) await this.world.settle();
    this.timeline.ingest();
    this.cursor = this.liveCursor();
  }

  /** When the next message in flight at the cursor arrives. */
  private nextDelivery(): number | undefined {
    const { index, t } = this.cursor;
    const dues = inFlightAt(this.timeline.messagesIn(index, t, t), t).map((m) => m.due);
    return dues.length === 0 ? undefined : Math.min(...dues);
  }

  /**
   * When a member next ticks raft: at the live edge, its tick timer in the kernel's queue; in
   * the recorded past, from the trace (each member ticks every tickMs from its own start).
   */
  private nextTick(): number | undefined {
    if (this.atLiveEdge) return this.world.kernel.pending().find((timer) => !timer.cancelled && timer.time > this.cursor.t && timer.label.endsWith(' tick'))?.time;
    return nextRecordedTick(this.timeline, this.cursor.index, this.cursor.t, this.world.config.tickMs);
  }

  private async play(speed: number, elapsedWall: number): Promise<void> {
    await this.moveTo(speed === Infinity ? Infinity : this.cursor.t + elapsedWall * speed);
  }

  /** Moves the cursor towards time `target`, running the world on within this frame's budget. */
  private async moveTo(target: number): Promise<void> {
    if (target <= this.world.now) {
      this.cursor = { index: this.timeline.indexAtTime(target), t: target };
      return;
    }
    await this.advanceWorld(target);
    this.timeline.ingest();
    this.cursor = this.liveCursor();
  }

  private async advanceWorld(target: number): Promise<void> {
    const world = this.world;
    const kernel = world.kernel;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    for (let i = 0; ; i++) {
      const next = kernel.nextTime();
      if (next === undefined || next > target) break;
      if (!tryStep(kernel)) await kernel.stepAsync();
      if (world.busy) {
        await world.settle();
        if (performance.now() > deadline) return;
      } else if ((i & 255) === 255) {
        // Folding the new events into the timeline is part of the frame's simulation work.
        this.timeline.ingest();
        if (performance.now() > deadline) return;
      }
    }
    if (target === Infinity) return;
    try {
      kernel.runUntil(target);
    } catch (e) {
      if (!(e instanceof HoldPendingError)) throw e;
      await kernel.runUntilAsync(target);
    }
  }

  /** Moves a folded refresh on by `stages` stages that change what some view shows. */
  private showStaged(stages: number): void {
    const staged = this.staged as NonNullable<SimLoop['staged']>;
    for (let shown = 0; shown < stages && staged.stage < FOLDED_STAGES.length; staged.stage++) {
      const store = useUIStore.getState();
      const patch: { frame?: FrameState; narration?: NarrationLine[] } = {};
      for (const slice of FOLDED_STAGES[staged.stage]) {
        if (slice === 'narration') {
          if (!sameLines(store.narration, staged.narration)) patch.narration = staged.narration;
        } else if (staged.frame[slice] !== store.frame[slice]) patch.frame = { ...(patch.frame ?? store.frame), [slice]: staged.frame[slice] };
      }
      if (patch.frame === undefined && patch.narration === undefined) continue;
      store.set(patch);
      shown++;
    }
    if (staged.stage === FOLDED_STAGES.length) this.staged = undefined;
  }

  /** Updates the store from the cursor; `exact` also refreshes throttled views now. */
  private publish(exact = false): void {
    const store = useUIStore.getState();
    const { index, t } = this.cursor;
    const net = this.world.net.stats;
    store.set({
      cursor: { index, t },
      stats: {
        fired: this.world.kernel.fired,
        end: this.world.now,
        delivered: net.delivered,
        lost: net.broken + net.refused,
      },
    });
    const all = store.narrateAll;
    const wall = performance.now();
    const playing = !exact && this.player.getSnapshot().value === 'playing';
    if (this.staged !== undefined && !playing) {
      // Shown exactly now: the views are folded again, all at once.
      this.staged = undefined;
      this.shown = { ...this.shown, folded: -1 };
    }
    const due = !playing || wall - this.shown.foldedAt >= FOLDED_EVERY_MS;
    if (this.staged === undefined && (index !== this.shown.folded || all !== this.shown.all) && due) {
      const narration = narrationAt(this.timeline.source, index, NARRATION_LINES, all ? undefined : this.timeline.notable);
      const frame = shareUnchanged(store.frame, this.timeline.frameAt(index));
      this.staged = { frame, narration, stage: 0 };
      this.shown = { ...this.shown, folded: index, foldedAt: wall, all };
    }
    if (this.staged !== undefined) this.showStaged(playing ? 1 : FOLDED_STAGES.length);
    const windowMs = store.spaceTimeWindowMs;
    if (index !== this.shown.index || t !== this.shown.t || windowMs !== this.shown.windowMs) {
      // One scan gives both the space-time window (as zoomed) and the messages in flight at t.
      const spans = this.timeline.messagesIn(index, t - windowMs, t);
      store.set({ flights: inFlightAt(spans, t), spans: spans.slice(-SPACE_TIME_MAX_MESSAGES) });
    }
    this.shown = { ...this.shown, index, t, windowMs };
  }
}

function sameLines(a: readonly NarrationLine[], b: readonly NarrationLine[]): boolean {
  return a.length === b.length && a.every((l, i) => l.seq === b[i].seq);
}

/** Fires the next event; false when it must first wait for a real IndexedDB write (storage.ts). */
function tryStep(kernel: Kernel): boolean {
  try {
    kernel.step();
    return true;
  } catch (e) {
    if (e instanceof HoldPendingError) return false;
    throw e;
  }
}

async function step(kernel: Kernel): Promise<void> {
  if (!tryStep(kernel)) await kernel.stepAsync();
}
