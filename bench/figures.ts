// A benchmark figure, printed as one JSON line: {"name", "value", "unit", ...extra}.
// `value` is per wall-clock second, as the targets are stated; `per_cpu_second` divides
// by the CPU time of the whole process (user + system, every thread, so garbage
// collection counts), which stays comparable when other work shares the machine. A
// page in Chromium cannot read its CPU time, so its figures have no per_cpu_second.
// This module also runs in the bench page (bench/idb): no Node imports here.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: string | number;
}

export function print(f: Figure): void {
  console.log(JSON.stringify(f));
}

export interface Timing {
  /** Wall-clock seconds: what the figures are per. */
  wall: number;
  /** CPU seconds of this process: steadier when the machine is shared (Node only). */
  cpu?: number;
}

/** Times fn in Node (benchmarks run outside the simulation, so they may read clocks). */
export function timed(fn: () => void): Timing {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** `count` per wall second, with the per-CPU-second rate alongside. */
export function rate(name: string, count: number, unit: string, t: Timing, extra: Record<string, string | number> = {}): Figure {
  return {
    name,
    value: Math.round(count / t.wall),
    unit,
    ...(t.cpu !== undefined && { per_cpu_second: Math.round(count / t.cpu) }),
    wall_s: Math.round(t.wall * 1000) / 1000,
    ...extra,
  };
}

/** Virtual seconds simulated per wall second ("x" faster than real time), one decimal. */
export function speed(name: string, virtualSeconds: number, t: Timing, extra: Record<string, string | number> = {}): Figure {
  const tenths = (x: number) => Math.round(x * 10) / 10;
  return {
    name,
    value: tenths(virtualSeconds / t.wall),
    unit: 'x',
    ...(t.cpu !== undefined && { per_cpu_second: tenths(virtualSeconds / t.cpu) }),
    wall_s: Math.round(t.wall * 1000) / 1000,
    virtual_s: virtualSeconds,
    ...extra,
  };
}
