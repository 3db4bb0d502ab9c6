// One-way latency distributions for links, in virtual milliseconds.

import { z } from 'zod';
import type { RandomStream } from '../kernel/random';
import { exp } from '../kernel/detmath';

export const LatencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), ms: z.number().min(0).max(600_000) }),
  z
    .object({ kind: z.literal('uniform'), min: z.number().min(0), max: z.number().max(600_000) })
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max' }),
  // Long-tailed: min + a log-normal part with the given median, capped at max. Models a
  // link that is usually quick with occasional slow outliers (GC pauses, retransmits).
  z
    .object({
      kind: z.literal('longtail'),
      min: z.number().min(0),
      median: z.number().min(0),
      sigma: z.number().min(0).max(5).default(1),
      max: z.number().max(600_000),
    })
    .refine((d) => d.min <= d.median && d.median <= d.max, { message: 'need min <= median <= max' }),
]);

export type Latency = z.infer<typeof LatencySchema>;

export const DEFAULT_LATENCY: Latency = { kind: 'uniform', min: 2, max: 6 };

export function sampleLatency(d: Latency, rng: RandomStream): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return d.min === d.max ? d.min : rng.uniform(d.min, d.max);
    case 'longtail':
      return sampleLongtail(d, rng);
  }
}

// Apart from sampleLatency, which runs for every message and is best kept small enough to be inlined.
function sampleLongtail(d: Extract<Latency, { kind: 'longtail' }>, rng: RandomStream): number {
  // The median of min + exp(N(mu, sigma)) is min + e^mu, so mu = ln(median - min).
  const spread = d.median - d.min;
  if (spread <= 0) return Math.min(d.min, d.max);
  const v = d.min + spread * exp(rng.normal(0, d.sigma));
  return v > d.max ? d.max : v;
}

/** Largest latency the distribution can produce. */
export function maxLatency(d: Latency): number {
  return d.kind === 'constant' ? d.ms : d.max;
}

export function describeLatency(d: Latency): string {
  switch (d.kind) {
    case 'constant':
      return `${d.ms} ms`;
    case 'uniform':
      return `${d.min}-${d.max} ms`;
    case 'longtail':
      return `${d.min}-${d.max} ms, median ${d.median} ms`;
  }
}
