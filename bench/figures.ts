// A benchmark figure, printed as one JSON line: {"name", "value", "unit", ...extra}.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: string | number;
}

export function print(f: Figure): void {
  console.log(JSON.stringify(f));
}

/** Wall-clock seconds taken by fn (benchmarks run outside the simulation). */
export function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}
