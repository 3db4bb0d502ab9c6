// etcd's rpctypes (api/v3rpc/rpctypes/error.go): every server error with its gRPC code and
// exact message (spec client.md §9.1, server.md §11.1), the client's mapping of a wire
// error to a comparable EtcdError by message (rpctypes.Error), and ContextError (§9.2).

import { Code } from '../grpc/codes';
import type { Context } from '../grpc/context';
import { StatusError } from '../grpc/status';

export type ClientVersion = '3.6' | '3.5';

const E = {
  ErrEmptyKey: [Code.InvalidArgument, 'etcdserver: key is not provided'],
  ErrKeyNotFound: [Code.InvalidArgument, 'etcdserver: key not found'],
  ErrValueProvided: [Code.InvalidArgument, 'etcdserver: value is provided'],
  ErrLeaseProvided: [Code.InvalidArgument, 'etcdserver: lease is provided'],
  ErrTooManyOps: [Code.InvalidArgument, 'etcdserver: too many operations in txn request'],
  ErrDuplicateKey: [Code.InvalidArgument, 'etcdserver: duplicate key given in txn request'],
  ErrInvalidSortOption: [Code.InvalidArgument, 'etcdserver: invalid sort option'],
  ErrCompacted: [Code.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'],
  ErrFutureRev: [Code.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'],
  ErrNoSpace: [Code.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'],
  ErrLeaseNotFound: [Code.NotFound, 'etcdserver: requested lease not found'],
  ErrLeaseExist: [Code.FailedPrecondition, 'etcdserver: lease already exists'],
  ErrLeaseTTLTooLarge: [Code.OutOfRange, 'etcdserver: too large lease TTL'],
  ErrMemberExist: [Code.FailedPrecondition, 'etcdserver: member ID already exist'],
  ErrPeerURLExist: [Code.FailedPrecondition, 'etcdserver: Peer URLs already exists'],
  ErrMemberNotEnoughStarted: [Code.FailedPrecondition, 'etcdserver: re-configuration failed due to not enough started members'],
  ErrMemberBadURLs: [Code.InvalidArgument, 'etcdserver: given member URLs are invalid'],
  ErrMemberNotFound: [Code.NotFound, 'etcdserver: member not found'],
  ErrMemberNotLearner: [Code.FailedPrecondition, 'etcdserver: can only promote a learner member'],
  ErrMemberLearnerNotReady: [Code.FailedPrecondition, 'etcdserver: can only promote a learner member which is in sync with leader'],
  ErrTooManyLearners: [Code.FailedPrecondition, 'etcdserver: too many learner members in cluster'],
  ErrClusterIDMismatch: [Code.FailedPrecondition, 'etcdserver: cluster ID mismatch'],
  ErrRequestTooLarge: [Code.InvalidArgument, 'etcdserver: request is too large'],
  ErrTooManyRequests: [Code.ResourceExhausted, 'etcdserver: too many requests'],
  ErrRootUserNotExist: [Code.FailedPrecondition, 'etcdserver: root user does not exist'],
  ErrRootRoleNotExist: [Code.FailedPrecondition, 'etcdserver: root user does not have root role'],
  ErrUserAlreadyExist: [Code.FailedPrecondition, 'etcdserver: user name already exists'],
  ErrUserEmpty: [Code.InvalidArgument, 'etcdserver: user name is empty'],
  ErrUserNotFound: [Code.FailedPrecondition, 'etcdserver: user name not found'],
  ErrRoleAlreadyExist: [Code.FailedPrecondition, 'etcdserver: role name already exists'],
  ErrRoleNotFound: [Code.FailedPrecondition, 'etcdserver: role name not found'],
  ErrRoleEmpty: [Code.InvalidArgument, 'etcdserver: role name is empty'],
  ErrAuthFailed: [Code.InvalidArgument, 'etcdserver: authentication failed, invalid user ID or password'],
  ErrPermissionDenied: [Code.PermissionDenied, 'etcdserver: permission denied'],
  ErrRoleNotGranted: [Code.FailedPrecondition, 'etcdserver: role is not granted to the user'],
  ErrPermissionNotGranted: [Code.FailedPrecondition, 'etcdserver: permission is not granted to the role'],
  ErrAuthNotEnabled: [Code.FailedPrecondition, 'etcdserver: authentication is not enabled'],
  ErrInvalidAuthToken: [Code.Unauthenticated, 'etcdserver: invalid auth token'],
  ErrInvalidAuthMgmt: [Code.InvalidArgument, 'etcdserver: invalid auth management'],
  ErrAuthOldRevision: [Code.InvalidArgument, 'etcdserver: revision of auth store is old'],
  ErrNoLeader: [Code.Unavailable, 'etcdserver: no leader'],
  ErrNotLeader: [Code.FailedPrecondition, 'etcdserver: not leader'],
  ErrLeaderChanged: [Code.Unavailable, 'etcdserver: leader changed'],
  ErrNotCapable: [Code.FailedPrecondition, 'etcdserver: not capable'],
  ErrStopped: [Code.Unavailable, 'etcdserver: server stopped'],
  ErrTimeout: [Code.Unavailable, 'etcdserver: request timed out'],
  ErrTimeoutDueToLeaderFail: [Code.Unavailable, 'etcdserver: request timed out, possibly due to previous leader failure'],
  ErrTimeoutDueToConnectionLost: [Code.Unavailable, 'etcdserver: request timed out, possibly due to connection lost'],
  ErrUnhealthy: [Code.Unavailable, 'etcdserver: unhealthy cluster'],
  ErrCorrupt: [Code.DataLoss, 'etcdserver: corrupt cluster'],
  ErrGRPCNotSupportedForLearner: [Code.FailedPrecondition, 'etcdserver: rpc not supported for learner'],
  ErrBadLeaderTransferee: [Code.FailedPrecondition, 'etcdserver: bad leader transferee'],
  ErrClusterVersionUnavailable: [Code.FailedPrecondition, 'etcdserver: cluster version not found during downgrade'],
  ErrWrongDowngradeVersionFormat: [Code.InvalidArgument, 'etcdserver: wrong downgrade target version format'],
  ErrInvalidDowngradeTargetVersion: [Code.InvalidArgument, 'etcdserver: invalid downgrade target version'],
  ErrDowngradeInProcess: [Code.FailedPrecondition, 'etcdserver: cluster has a downgrade job in progress'],
  ErrNoInflightDowngrade: [Code.FailedPrecondition, 'etcdserver: no inflight downgrade job'],
} as const satisfies Record<string, readonly [Code, string]>;

export type EtcdErrorName = keyof typeof E;

/** Errors whose code is Unavailable in 3.5 and FailedPrecondition in 3.6 (§9.1). */
const UNAVAILABLE_IN_35: readonly EtcdErrorName[] = ['ErrNotCapable', 'ErrGRPCNotSupportedForLearner', 'ErrClusterVersionUnavailable'];

function codeFor(name: EtcdErrorName, version: ClientVersion): Code {
  return version === '3.5' && UNAVAILABLE_IN_35.includes(name) ? Code.Unavailable : E[name][0];
}

/** The gRPC status a server of `version` sends for a named error. */
export function grpcError(name: EtcdErrorName, version: ClientVersion = '3.6'): StatusError {
  return new StatusError(codeFor(name, version), E[name][1]);
}

/** rpctypes.EtcdError: the client-side value, comparable by name. Not a gRPC status any more. */
export class EtcdError extends Error {
  constructor(
    readonly etcdName: EtcdErrorName,
    /** The code the client's rpctypes assigns (differs between 3.5 and 3.6 for three errors). */
    readonly code: Code,
  ) {
    super(E[etcdName][1]);
    this.name = 'EtcdError';
  }
}

const BY_MESSAGE = new Map<string, EtcdErrorName>(
  (Object.keys(E) as EtcdErrorName[]).map((n) => [E[n][1], n]),
);

/** rpctypes.Error: a wire status whose message is in the map becomes an EtcdError. */
export function toEtcdError(err: Error, version: ClientVersion): Error {
  if (err instanceof EtcdError || !(err instanceof StatusError)) return err;
  const name = BY_MESSAGE.get(err.details);
  return name === undefined ? err : new EtcdError(name, codeFor(name, version));
}

/** True when `err` is (or maps to) the named etcd error. */
export function isEtcdError(err: Error | undefined, name: EtcdErrorName): boolean {
  if (err === undefined) return false;
  if (err instanceof EtcdError) return err.etcdName === name;
  return err instanceof StatusError && err.details === E[name][1];
}

/** ContextError (§9.2): what every public API method returns for an RPC error. */
export function contextError(ctx: Context, err: Error, version: ClientVersion): Error {
  const mapped = toEtcdError(err, version);
  if (mapped !== err) return mapped;
  if (err instanceof StatusError && (err.code === Code.DeadlineExceeded || err.code === Code.Canceled)) {
    const cerr = ctx.err();
    if (cerr !== undefined) return cerr;
  }
  return err;
}

/** Client-only errors. */
export const ErrNoAvailableEndpoints = new Error('etcdclient: no available endpoints');
export const ErrOldCluster = new Error('etcdclient: old cluster version');

export function errKeepAliveHalted(reason: string): Error {
  return new Error(`etcdclient: leases keep alive halted: ${reason}`);
}
