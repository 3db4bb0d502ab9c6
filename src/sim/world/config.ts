// A world's configuration, validated with zod so bad input gets a specific error
// (which field, what range, how to fix it) instead of a crash.

import { z } from 'zod';
import { NetworkSettingsSchema } from '../net/faults';

/** Hard bounds: a Raft cluster beyond 15 voting members is not something etcd supports. */
export const MAX_MEMBERS = 15;

export const WorldConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    members: z.number().int().min(1).max(MAX_MEMBERS).default(5),
    /** etcd --heartbeat-interval: one Raft tick (ms). */
    tickMs: z.number().int().min(1).max(10_000).default(100),
    /** etcd --election-timeout expressed in ticks (etcd default 1000 ms / 100 ms = 10). */
    electionTicks: z.number().int().min(1).max(1000).default(10),
    heartbeatTicks: z.number().int().min(1).max(1000).default(1),
    network: NetworkSettingsSchema.default({ latency: { kind: 'uniform', min: 2, max: 6 }, drop: 0, duplicate: 0, reorder: 0 }),
    traceLevel: z.enum(['off', 'info', 'debug']).default('info'),
  })
  .strict()
  .refine((c) => c.electionTicks > c.heartbeatTicks, {
    message: 'electionTicks must be greater than heartbeatTicks (etcd: election timeout must exceed the heartbeat interval)',
    path: ['electionTicks'],
  });

export type WorldConfig = z.infer<typeof WorldConfigSchema>;
export type WorldConfigInput = z.input<typeof WorldConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates a config, filling defaults; throws ConfigError listing every problem. */
export function parseWorldConfig(input: unknown): WorldConfig {
  const result = WorldConfigSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(config)';
  switch (issue.code) {
    case 'too_small':
      return `${field}: must be at least ${String(issue.minimum)}${gotValue(issue.input)}`;
    case 'too_big':
      return `${field}: must be at most ${String(issue.maximum)}${gotValue(issue.input)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return `${field}: must be a whole number${gotValue(issue.input)}`;
      return `${field}: expected ${issue.expected}${gotValue(issue.input)}`;
    case 'unrecognized_keys':
      return `${field}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return `${field}: ${issue.message}${gotValue(issue.input)}`;
  }
}

function gotValue(v: unknown): string {
  return v === undefined ? '' : ` (got ${JSON.stringify(v)})`;
}
