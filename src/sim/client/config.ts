// clientv3.Config with etcd's fields and effective defaults (spec client.md §1.1).
// Durations are virtual milliseconds. TLS is not simulated; the endpoint scheme's
// credential requirement is still parsed (endpoint.ts).

import { z } from 'zod';
import type { GrpcGeneration } from '../grpc/balancer-roundrobin';
import type { ClientVersion } from './rpctypes';

const Ms = z.number().min(0);

export const ConfigSchema = z
  .object({
    endpoints: z.array(z.string().min(1)),
    /** 0 = auto-sync off. */
    autoSyncIntervalMs: Ms.default(0),
    /** 0 = no timeout (bounds only the initial token fetch, the version check and lease's first keep-alive). */
    dialTimeoutMs: Ms.default(0),
    /** 0 = HTTP/2 keepalive off; grpc raises anything below 10 s to 10 s. */
    dialKeepAliveTimeMs: Ms.default(0),
    /** 0 = grpc's 20 s. */
    dialKeepAliveTimeoutMs: Ms.default(0),
    /** 0 = 2 MiB. */
    maxCallSendMsgSize: z.number().int().min(0).default(0),
    /** 0 = math.MaxInt32. */
    maxCallRecvMsgSize: z.number().int().min(0).default(0),
    username: z.string().default(''),
    password: z.string().default(''),
    rejectOldCluster: z.boolean().default(false),
    permitWithoutStream: z.boolean().default(false),
    /** 0 = 100 attempts (0 cannot disable retries). */
    maxUnaryRetries: z.number().int().min(0).default(0),
    /** 0 = 25 ms. */
    backoffWaitBetweenMs: Ms.default(0),
    /** 0 = 0.10. */
    backoffJitterFraction: z.number().min(0).max(1).default(0),
    /** Which client release's behaviour to simulate. */
    version: z.enum(['3.6', '3.5']).default('3.6'),
    /** grpc-go structure: by default G71 for 3.6 and G59 for 3.5 (3.5.22+ uses G71). */
    grpc: z.enum(['G71', 'G59']).optional(),
  })
  .strict();

export type ConfigInput = z.input<typeof ConfigSchema>;
type Parsed = z.infer<typeof ConfigSchema>;

/** The config with every default resolved, as the client uses it. */
export interface Config extends Omit<Parsed, 'grpc'> {
  grpc: GrpcGeneration;
  version: ClientVersion;
}

export const DEFAULT_MAX_CALL_SEND_MSG_SIZE = 2 * 1024 * 1024;
export const DEFAULT_MAX_CALL_RECV_MSG_SIZE = 2 ** 31 - 1;
export const DEFAULT_UNARY_MAX_RETRIES = 100;
export const DEFAULT_BACKOFF_WAIT_BETWEEN_MS = 25;
export const DEFAULT_BACKOFF_JITTER_FRACTION = 0.1;

export class ClientConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid client config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ClientConfigError';
  }
}

/** Validates a config; throws ClientConfigError naming each bad field. */
export function parseConfig(input: unknown): Config {
  const r = ConfigSchema.safeParse(input);
  if (!r.success) {
    throw new ClientConfigError(r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(config)'}: ${i.message}`));
  }
  const c = r.data;
  return { ...c, grpc: c.grpc ?? (c.version === '3.6' ? 'G71' : 'G59') };
}
