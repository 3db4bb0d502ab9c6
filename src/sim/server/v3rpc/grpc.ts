// Server registration (etcd server/etcdserver/api/v3rpc/grpc.go): installs the interceptor
// chain and every etcd service of one member on its simulated GrpcServer, so the real
// client (src/sim/client) talks to the real EtcdServer over the simulated network.
//
// Usage, per member (see README.md):
//   const grpc = new GrpcServer(kernel, net, `${name}:2379`, name);
//   registerV3RPC(server, grpc);
//   grpc.start();            // and grpc.stop() when the member crashes or stops
//
// The registration survives restarts of the member: handlers read the server's state
// (store, lessor, auth) at each call; a watch stream opened before a restart ends.

import type { GrpcServer } from '../../grpc/server';
import type { EtcdServer } from '../server';
import { registerAuth } from './auth';
import { LeaderMonitor, newInterceptor } from './interceptor';
import { registerKV } from './kv';
import { LeaseService } from './lease';
import { registerMaintenance } from './maintenance';
import { registerCluster } from './member';
import { WatchService } from './watch';

export interface V3RPCOptions {
  /** --watch-progress-notify-interval in ms (default 10 min). */
  watchProgressNotifyIntervalMs?: number;
}

/** What registerV3RPC installed, for tests and the world. */
export interface V3RPC {
  readonly monitor: LeaderMonitor;
  readonly lease: LeaseService;
  readonly watch: WatchService;
}

export function registerV3RPC(server: EtcdServer, grpc: GrpcServer, options: V3RPCOptions = {}): V3RPC {
  const monitor = new LeaderMonitor(server);
  grpc.intercept(newInterceptor(server));
  registerKV(server, grpc);
  const lease = new LeaseService(server, monitor);
  lease.register(grpc);
  const watch = new WatchService(server, monitor, options.watchProgressNotifyIntervalMs);
  watch.register(grpc);
  registerAuth(server, grpc);
  registerCluster(server, grpc);
  registerMaintenance(server, grpc);
  return { monitor, lease, watch };
}
