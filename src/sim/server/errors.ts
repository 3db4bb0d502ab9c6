// The server's errors (etcd server/etcdserver/errors/errors.go, membership errors of
// api/membership/errors.go) and togRPCError (api/v3rpc/util.go): what a client receives
// for every error the server, MVCC, lessor or auth store produces (spec server.md §11).

import { AuthError } from '../auth/errors';
import { Code } from '../grpc/codes';
import type { CodeName } from '../grpc/codes';
import { StatusError } from '../grpc/status';
import { LeaseError } from '../lease/errors';
import { MvccError } from '../mvcc/kv';

export type ServerErrorName =
  | 'ErrUnknownMethod'
  | 'ErrStopped'
  | 'ErrCanceled'
  | 'ErrTimeout'
  | 'ErrTimeoutDueToLeaderFail'
  | 'ErrTimeoutDueToConnectionLost'
  | 'ErrTimeoutLeaderTransfer'
  | 'ErrTimeoutWaitAppliedIndex'
  | 'ErrLeaderChanged'
  | 'ErrNotEnoughStartedMembers'
  | 'ErrLearnerNotReady'
  | 'ErrNoLeader'
  | 'ErrNotLeader'
  | 'ErrRequestTooLarge'
  | 'ErrNoSpace'
  | 'ErrTooManyRequests'
  | 'ErrUnhealthy'
  | 'ErrCorrupt'
  | 'ErrBadLeaderTransferee'
  | 'ErrKeyNotFound'
  // membership (api/membership/errors.go)
  | 'ErrIDRemoved'
  | 'ErrIDExists'
  | 'ErrIDNotFound'
  | 'ErrPeerURLexists'
  | 'ErrMemberNotLearner'
  | 'ErrTooManyLearners'
  // v3rpc request validation (key.go), reported with their gRPC form directly
  | 'ErrGRPCEmptyKey'
  | 'ErrGRPCKeyNotFound'
  | 'ErrGRPCValueProvided'
  | 'ErrGRPCLeaseProvided'
  | 'ErrGRPCTooManyOps'
  | 'ErrGRPCDuplicateKey'
  | 'ErrGRPCInvalidSortOption'
  | 'ErrGRPCMemberBadURLs'
  | 'ErrGRPCNotSupportedForLearner'
  // raft's ErrProposalDropped and the raw context errors, unmapped
  | 'ErrProposalDropped'
  | 'DeadlineExceeded'
  | 'Canceled';

interface Def {
  /** The Go error's text inside the server. */
  internal: string;
  /** What the client receives after togRPCError. */
  code: CodeName;
  message: string;
}

function same(text: string, code: CodeName): Def {
  return { internal: text, code, message: text };
}

const DEFS: Record<ServerErrorName, Def> = {
  // Not in togRPCError's table: codes.Unknown with the internal text (§11.2).
  ErrUnknownMethod: same('etcdserver: unknown method', 'Unknown'),
  ErrCanceled: same('etcdserver: request cancelled', 'Unknown'),
  ErrTimeoutLeaderTransfer: same('etcdserver: request timed out, leader transfer took too long', 'Unknown'),
  ErrProposalDropped: same('raft proposal dropped', 'Unknown'),
  // EtcdError values that are not gRPC statuses: wire code Unknown (§11.2 quirk).
  ErrTooManyRequests: same('etcdserver: too many requests', 'Unknown'),
  ErrNotEnoughStartedMembers: same('etcdserver: re-configuration failed due to not enough started members', 'Unknown'),
  ErrStopped: same('etcdserver: server stopped', 'Unavailable'),
  ErrTimeout: same('etcdserver: request timed out', 'Unavailable'),
  ErrTimeoutDueToLeaderFail: same('etcdserver: request timed out, possibly due to previous leader failure', 'Unavailable'),
  ErrTimeoutDueToConnectionLost: same('etcdserver: request timed out, possibly due to connection lost', 'Unavailable'),
  ErrTimeoutWaitAppliedIndex: same(
    'etcdserver: request timed out, waiting for the applied index took too long',
    'Unavailable',
  ),
  ErrLeaderChanged: same('etcdserver: leader changed', 'Unavailable'),
  ErrLearnerNotReady: same('etcdserver: can only promote a learner member which is in sync with leader', 'FailedPrecondition'),
  ErrNoLeader: same('etcdserver: no leader', 'Unavailable'),
  ErrNotLeader: same('etcdserver: not leader', 'FailedPrecondition'),
  ErrRequestTooLarge: same('etcdserver: request is too large', 'InvalidArgument'),
  ErrNoSpace: { internal: 'etcdserver: no space', code: 'ResourceExhausted', message: 'etcdserver: mvcc: database space exceeded' },
  ErrUnhealthy: same('etcdserver: unhealthy cluster', 'Unavailable'),
  ErrCorrupt: same('etcdserver: corrupt cluster', 'DataLoss'),
  ErrBadLeaderTransferee: same('etcdserver: bad leader transferee', 'FailedPrecondition'),
  ErrKeyNotFound: same('etcdserver: key not found', 'InvalidArgument'),
  ErrIDRemoved: { internal: 'membership: ID removed', code: 'NotFound', message: 'etcdserver: member not found' },
  ErrIDNotFound: { internal: 'membership: ID not found', code: 'NotFound', message: 'etcdserver: member not found' },
  ErrIDExists: { internal: 'membership: ID exists', code: 'FailedPrecondition', message: 'etcdserver: member ID already exist' },
  ErrPeerURLexists: {
    internal: 'membership: peerURL exists',
    code: 'FailedPrecondition',
    message: 'etcdserver: Peer URLs already exists',
  },
  ErrMemberNotLearner: {
    internal: 'membership: can only promote a learner member',
    code: 'FailedPrecondition',
    message: 'etcdserver: can only promote a learner member',
  },
  ErrTooManyLearners: {
    internal: 'membership: too many learner members in cluster',
    code: 'FailedPrecondition',
    message: 'etcdserver: too many learner members in cluster',
  },
  ErrGRPCEmptyKey: same('etcdserver: key is not provided', 'InvalidArgument'),
  ErrGRPCKeyNotFound: same('etcdserver: key not found', 'InvalidArgument'),
  ErrGRPCValueProvided: same('etcdserver: value is provided', 'InvalidArgument'),
  ErrGRPCLeaseProvided: same('etcdserver: lease is provided', 'InvalidArgument'),
  ErrGRPCTooManyOps: same('etcdserver: too many operations in txn request', 'InvalidArgument'),
  ErrGRPCDuplicateKey: same('etcdserver: duplicate key given in txn request', 'InvalidArgument'),
  ErrGRPCInvalidSortOption: same('etcdserver: invalid sort option', 'InvalidArgument'),
  ErrGRPCMemberBadURLs: same('etcdserver: given member URLs are invalid', 'InvalidArgument'),
  ErrGRPCNotSupportedForLearner: same('etcdserver: rpc not supported for learner', 'FailedPrecondition'),
  DeadlineExceeded: same('context deadline exceeded', 'DeadlineExceeded'),
  Canceled: same('context canceled', 'Canceled'),
};

/** An error of the server: `name` is etcd's, `message` the server-side text. */
export class ServerError extends Error {
  override readonly name: ServerErrorName;
  /** The gRPC status code name the client receives. */
  readonly grpcCode: CodeName;
  /** The gRPC status message the client receives. */
  readonly grpcMessage: string;

  constructor(name: ServerErrorName) {
    const d = DEFS[name];
    super(d.internal);
    this.name = name;
    this.grpcCode = d.code;
    this.grpcMessage = d.message;
  }
}

export function serverError(name: ServerErrorName): ServerError {
  return new ServerError(name);
}

export function isServerError(err: unknown, name?: ServerErrorName): err is ServerError {
  return err instanceof ServerError && (name === undefined || err.name === name);
}

const mvccCodes: Record<string, { code: CodeName; message: string }> = {
  'mvcc: required revision has been compacted': {
    code: 'OutOfRange',
    message: 'etcdserver: mvcc: required revision has been compacted',
  },
  'mvcc: required revision is a future revision': {
    code: 'OutOfRange',
    message: 'etcdserver: mvcc: required revision is a future revision',
  },
  'etcdserver: key not found': { code: 'InvalidArgument', message: 'etcdserver: key not found' },
  'lease not found': { code: 'NotFound', message: 'etcdserver: requested lease not found' },
};

/**
 * togRPCError (§11.2): the status a client receives for any error of a request. Unknown
 * errors become codes.Unknown with their text, as in etcd.
 */
export function toGRPCError(err: Error): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof ServerError) return new StatusError(Code[err.grpcCode], err.grpcMessage);
  if (err instanceof LeaseError || err instanceof AuthError) return new StatusError(Code[err.grpcCode], err.message);
  if (err instanceof MvccError) {
    const m = mvccCodes[err.message];
    if (m !== undefined) return new StatusError(Code[m.code], m.message);
  }
  return new StatusError(Code.Unknown, err.message);
}
