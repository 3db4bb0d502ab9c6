// A benchmark figure, printed as one JSON line: {"name", "value", "unit", ...extra}.
// `value` is per wall-clock second, as the targets are stated; `per_cpu_second` divides
// by the CPU time of the whole process (user + system, every thread, so garbage
// collection counts), which stays comparable when other work shares the machine.

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
  /** CPU seconds of this process: steadier when the machine is shared. */
  cpu: number;
}

/** Times fn (benchmarks run outside the simulation, so they may read clocks). */
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
    per_cpu_second: Math.round(count / t.cpu),
    wall_s: Math.round(t.wall * 1000) / 1000,
    ...extra,
  };
}
