// Inputs: every change a person or a scenario makes to a running world. Each is recorded
// with the virtual time and the kernel's fired-event count at which it was applied, so a
// run replays exactly from (seed, config, inputs).

import { z } from 'zod';
import { LinkSettingsSchema, NetworkSettingsSchema } from '../net/faults';
import { WorkloadSchema } from '../client/workload';
import { ClientSettingsSchema } from './config';
import { RequestInputFields } from './requests';

const Host = z.string().min(1).max(64);
const EtcdctlHost = Host.regex(/^[a-z][a-z0-9-]*$/, 'a host name: lower-case letters, digits and dashes');

export const InputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('partition'), groups: z.array(z.array(Host).min(1)).min(1) }),
  z.object({ type: z.literal('heal') }),
  z.object({ type: z.literal('block'), from: Host, to: Host }),
  z.object({ type: z.literal('unblock'), from: Host, to: Host }),
  z.object({
    type: z.literal('link'),
    a: Host,
    b: Host,
    /** Also apply to the reverse direction. */
    both: z.boolean().default(true),
    settings: LinkSettingsSchema.optional(),
  }),
  z.object({ type: z.literal('network'), settings: NetworkSettingsSchema }),
  z.object({ type: z.literal('crash'), member: Host }),
  z.object({
    type: z.literal('restart'),
    member: Host,
    /**
     * etcd --force-new-cluster for this start: the member restarts from its WAL and snapshot
     * as a one-member cluster (uncommitted entries discarded, the others removed).
     */
    forceNewCluster: z.boolean().optional(),
  }),
  /** A clean stop (etcd's graceful shutdown), unlike a crash. */
  z.object({ type: z.literal('stop'), member: Host }),
  /** The member's disk: fsync latency in ms (constant), to slow it down or speed it up. */
  z.object({ type: z.literal('disk'), member: Host, fsyncMs: z.number().min(0).max(60_000) }),
  /** Leadership transfer (etcd MoveLeader) to the named member. */
  z.object({ type: z.literal('transfer-leader'), to: Host }),
  z.object({ type: z.literal('client-endpoints'), client: Host, endpoints: z.array(z.string().min(1)).min(1) }),
  z.object({ type: z.literal('workload-start'), client: Host, workload: WorkloadSchema.optional() }),
  z.object({ type: z.literal('workload-stop'), client: Host }),
  /** One etcd request sent by a client (traced as world.request / world.response). */
  z.object({ type: z.literal('request'), ...RequestInputFields }),
  /**
   * A new member process joining the running cluster (--initial-cluster-state=existing),
   * started after a member-add request named its peer URL http://<member>:2380.
   */
  z.object({ type: z.literal('member-join'), member: Host.regex(/^[a-z][a-z0-9-]*$/, 'a host name: lower-case letters, digits and dashes') }),
  /**
   * An etcdctl command line run as a new etcdctl process on host `client` (see
   * etcdctl-input.ts); lines after the first are its standard input (txn reads them).
   */
  z.object({ type: z.literal('etcdctl'), client: EtcdctlHost.default('etcdctl'), line: z.string().max(100_000).regex(/\S/, 'a command line, e.g. "put foo bar"') }),
  /** Ctrl-C to the etcdctl commands running on host `client` (ends a watch or a keep-alive). */
  z.object({ type: z.literal('etcdctl-interrupt'), client: EtcdctlHost.default('etcdctl') }),
  /** A new client host (named c<N+1>) started now, as clientv3.New. */
  z.object({ type: z.literal('client-add'), settings: ClientSettingsSchema.default({ version: '3.6' }) }),
]);

export type Input = z.infer<typeof InputSchema>;
export type InputRequest = z.input<typeof InputSchema>;

export interface RecordedInput {
  /** Virtual time of application (ms). */
  t: number;
  /** Kernel events fired before it was applied. */
  at: number;
  input: Input;
}
