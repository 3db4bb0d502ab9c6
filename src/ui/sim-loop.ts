// Drives the world from animation frames: virtual time advances by wall time × speed,
// and each frame's work is cut off after a budget so the page never blocks.
import { createActor } from 'xstate';
import { World } from '../sim/world/world';
import { playerMachine, type PlayerMode } from './player';
import { useUIStore, type SimView } from './store';

/** Wall milliseconds of simulation work allowed per frame. */
const FRAME_BUDGET_MS = 12;

export class SimLoop {
  readonly player = createActor(playerMachine);
  private lastFrame: number | undefined;

  constructor(public world: World) {
    this.player.subscribe((s) => useUIStore.getState().setMode(s.value as PlayerMode));
    this.player.start();
  }

  start(): void {
    const frame = (wall: number) => {
      this.frame(wall);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    this.publish();
  }

  private frame(wall: number): void {
    const elapsed = this.lastFrame === undefined ? 0 : Math.min(wall - this.lastFrame, 100);
    this.lastFrame = wall;
    const mode = this.player.getSnapshot().value;
    if (mode === 'stepping') {
      this.world.step();
      this.player.send({ type: 'STEPPED' });
    } else if (mode === 'playing') {
      this.advance(useUIStore.getState().speed, elapsed);
    }
    this.publish();
  }

  private advance(speed: number, elapsedWall: number): void {
    const kernel = this.world.kernel;
    const target = speed === Infinity ? Infinity : kernel.now + elapsedWall * speed;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    for (let i = 0; ; i++) {
      const next = kernel.nextTime();
      if (next === undefined || next > target) break;
      kernel.step();
      if ((i & 255) === 255 && performance.now() > deadline) return;
    }
    if (target !== Infinity) kernel.runUntil(target);
  }

  private publish(): void {
    const w = this.world;
    const view: SimView = {
      now: w.now,
      fired: w.kernel.fired,
      inFlight: w.net.inFlightCount,
      delivered: w.net.stats.delivered,
      dropped: w.net.stats.dropped + w.net.stats.partitioned + w.net.stats.blackholed + w.net.stats.refused,
      traceLength: w.kernel.trace.length,
      members: w.members.map((m) => ({ name: m.name, status: m.status, peersSeen: m.rtt.size })),
    };
    useUIStore.getState().setView(view);
  }
}
