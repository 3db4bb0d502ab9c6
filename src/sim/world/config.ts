// A world's configuration, validated with zod so bad input gets a specific error
// (which field, what range, how to fix it) instead of a crash. Member settings carry
// etcd's flag names in their comments.

import { z } from 'zod';
import { NetworkSettingsSchema } from '../net/faults';
import { WorkloadSchema } from '../client/workload';

/**
 * Hard bound on members. etcd recommends 3, 5 or 7 voting members (more only slows
 * consensus), but the simulator runs larger clusters so their cost can be measured:
 * `npm run bench -- scale-members` goes up to 51. Beyond that a world is a mistake
 * (e.g. 1000), refused with a clear error rather than left to run out of memory.
 */
export const MAX_MEMBERS = 51;

const FsyncLatencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), ms: z.number().min(0).max(60_000) }),
  z.object({ kind: z.literal('uniform'), minMs: z.number().min(0), maxMs: z.number().max(60_000) }),
  z.object({ kind: z.literal('lognormal'), medianMs: z.number().min(0), sigma: z.number().min(0).max(5), maxMs: z.number().max(60_000) }),
]);

export const DiskSettingsSchema = z
  .object({
    fsyncLatency: FsyncLatencySchema.default({ kind: 'lognormal', medianMs: 1, sigma: 0.5, maxMs: 100 }),
    /** Chance that a crash tears the last unsynced record. */
    tornWriteProbability: z.number().min(0).max(1).default(0.5),
  })
  .strict();

/** A client host ("c1", ...) running the etcd client v3, optionally with a workload. */
export const ClientSettingsSchema = z
  .object({
    /** Endpoints as etcd URLs or host:port; default: every member's client URL. */
    endpoints: z.array(z.string().min(1)).min(1).optional(),
    /** Which client release's behaviour to simulate (token refresh, gRPC balancer). */
    version: z.enum(['3.6', '3.5']).default('3.6'),
    username: z.string().optional(),
    password: z.string().optional(),
    /** Operation mix to run from the start; absent = an idle client. */
    workload: WorkloadSchema.optional(),
  })
  .strict();

export const MAX_CLIENTS = 8;

/**
 * A further, independent cluster in the same world: members <name>1, <name>2, ... with
 * their own initial cluster (so their own cluster ID) and their own Raft checker. Clients
 * reach it only through endpoints that name its members.
 */
export const OtherClusterSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z]+$/, 'lower-case letters')
      .refine((n) => n !== 'm' && n !== 'c', 'm and c name the main cluster\'s members and the clients'),
    members: z.number().int().min(1).max(7).default(3),
  })
  .strict();

export const WorldConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    members: z.number().int().min(1).max(MAX_MEMBERS).default(5),
    /** etcd --heartbeat-interval: one Raft tick (ms). */
    tickMs: z.number().int().min(1).max(10_000).default(100),
    /** etcd --election-timeout in ticks (1000 ms / 100 ms = 10); Raft's HeartbeatTick is always 1. */
    electionTicks: z.number().int().min(5).max(1000).default(10),
    /** etcd --snapshot-count (low values make snapshots visible when teaching). */
    snapshotCount: z.number().int().min(1).max(1_000_000_000).default(10_000),
    /** etcd --snapshot-catchup-entries. */
    snapshotCatchUpEntries: z.number().int().min(1).max(1_000_000_000).default(5_000),
    /** A slow apply (simulator knob): virtual ms each applied entry takes, so apply can lag commit. */
    applyDelayPerEntryMs: z.number().min(0).max(10_000).default(0),
    /** etcd --pre-vote. */
    preVote: z.boolean().default(true),
    network: NetworkSettingsSchema.default({ latency: { kind: 'uniform', min: 2, max: 6 }, drop: 0, duplicate: 0, reorder: 0 }),
    disk: DiskSettingsSchema.default({ fsyncLatency: { kind: 'lognormal', medianMs: 1, sigma: 0.5, maxMs: 100 }, tornWriteProbability: 0.5 }),
    clients: z.array(ClientSettingsSchema).max(MAX_CLIENTS).default([]),
    /** Further independent clusters (e.g. to re-point a client to another cluster). */
    otherClusters: z
      .array(OtherClusterSchema)
      .max(2)
      .default([])
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'cluster names must differ'),
    /** Run the Raft invariant checker on every member while the world runs. */
    check: z.boolean().default(true),
    /**
     * Deliberate bugs to make inside the members (the fault search's bug re-injection,
     * check/fuzz/inject.ts names them); empty in every real run.
     */
    injectBugs: z.array(z.string().min(1)).max(16).default([]),
    traceLevel: z.enum(['off', 'info', 'debug']).default('info'),
  })
  .strict();

export type WorldConfig = z.infer<typeof WorldConfigSchema>;
export type WorldConfigInput = z.input<typeof WorldConfigSchema>;
export type DiskSettings = z.infer<typeof DiskSettingsSchema>;
export type ClientSettings = z.infer<typeof ClientSettingsSchema>;

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

/** One zod issue as "field: what is wrong (got value)". */
export function describeIssue(issue: z.core.$ZodIssue): string {
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
