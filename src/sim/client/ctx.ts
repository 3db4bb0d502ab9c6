// Context helpers of the client (client/v3/ctx.go).

import type { Context } from '../grpc/context';

/**
 * WithRequireLeader: the server rejects the request with ErrNoLeader when its member knows
 * no leader, and cancels such streams after 3 election timeouts without one (spec §8).
 */
export function withRequireLeader(ctx: Context): Context {
  return ctx.withMetadata({ hasleader: 'true' });
}
