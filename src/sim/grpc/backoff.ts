// grpc-go's connection backoff (backoff.DefaultConfig and internal/backoff Exponential),
// used by every subchannel between connection attempts (spec client.md §3.2).

import type { RandomStream } from '../kernel/random';

export interface BackoffConfig {
  baseDelayMs: number;
  multiplier: number;
  jitter: number;
  maxDelayMs: number;
}

/** backoff.DefaultConfig; etcd sets no ConnectParams, so this is what it gets. */
export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = {
  baseDelayMs: 1000,
  multiplier: 1.6,
  jitter: 0.2,
  maxDelayMs: 120_000,
};

/** Each connection attempt may take at least this long (grpc minConnectTimeout). */
export const MIN_CONNECT_TIMEOUT_MS = 20_000;

/**
 * Backoff(retries): the first wait is the base delay exactly (no jitter); later ones grow
 * by the multiplier, are capped, then jittered by ±jitter. Nanosecond truncation as in Go.
 */
export function connectionBackoff(retries: number, rng: RandomStream, cfg: BackoffConfig = DEFAULT_BACKOFF): number {
  if (retries === 0) return cfg.baseDelayMs;
  let b = cfg.baseDelayMs;
  for (let r = retries; b < cfg.maxDelayMs && r > 0; r--) b *= cfg.multiplier;
  if (b > cfg.maxDelayMs) b = cfg.maxDelayMs;
  b *= 1 + cfg.jitter * (rng.float() * 2 - 1);
  return b < 0 ? 0 : Math.trunc(b * 1e6) / 1e6;
}
