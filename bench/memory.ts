// Peak memory of a run, sampled: Node offers no heap high-water mark, so the run is cut
// into slices and process memory is read after each one. The sampled peak can miss a
// spike that rises and falls within one slice (garbage collected before the reading);
// the kernel's own RSS high-water mark (process.resourceUsage().maxRSS) misses nothing
// but covers the whole process, earlier benches included, so both are reported.

export interface MemoryReading {
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap in use, bytes. */
  heapUsed: number;
}

export class MemoryPeak {
  rss = 0;
  heapUsed = 0;
  samples = 0;

  constructor(private readonly read: () => MemoryReading = () => process.memoryUsage()) {}

  sample(): void {
    const m = this.read();
    this.rss = Math.max(this.rss, m.rss);
    this.heapUsed = Math.max(this.heapUsed, m.heapUsed);
    this.samples++;
  }
}

/** Runs `advance(to)` up to `until` in steps of `slice`, sampling memory after each step. */
export function runSampled(advance: (to: number) => void, until: number, slice: number, peak: MemoryPeak): void {
  if (!(slice > 0)) throw new Error(`slice must be positive, got ${slice}`);
  peak.sample();
  for (let to = slice; ; to += slice) {
    const end = Math.min(to, until);
    advance(end);
    peak.sample();
    if (end >= until) return;
  }
}
