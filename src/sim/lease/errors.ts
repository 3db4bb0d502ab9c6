// The lessor's errors (etcd server/lease/lessor.go) with what a client sees for each
// (spec server.md §11.1, §11.2): the internal Go message, and the gRPC code and message
// after togRPCError. ErrNotPrimary is not in the mapping table, so it reaches the client
// as codes.Unknown with the internal message.

export type LeaseErrorName = 'ErrNotPrimary' | 'ErrLeaseNotFound' | 'ErrLeaseExists' | 'ErrLeaseTTLTooLarge';

interface LeaseErrorDef {
  /** The Go error's message inside the server. */
  internal: string;
  /** The gRPC status message the client receives. */
  message: string;
  /** The gRPC status code name the client receives. */
  grpcCode: 'Unknown' | 'NotFound' | 'FailedPrecondition' | 'OutOfRange';
}

const DEFS: Record<LeaseErrorName, LeaseErrorDef> = {
  ErrNotPrimary: { internal: 'not a primary lessor', message: 'not a primary lessor', grpcCode: 'Unknown' },
  ErrLeaseNotFound: {
    internal: 'lease not found',
    message: 'etcdserver: requested lease not found',
    grpcCode: 'NotFound',
  },
  ErrLeaseExists: {
    internal: 'lease already exists',
    message: 'etcdserver: lease already exists',
    grpcCode: 'FailedPrecondition',
  },
  ErrLeaseTTLTooLarge: {
    internal: 'too large lease TTL',
    message: 'etcdserver: too large lease TTL',
    grpcCode: 'OutOfRange',
  },
};

/** An etcd lease error: `name` is etcd's error name, `message` the client-visible text. */
export class LeaseError extends Error {
  override readonly name: LeaseErrorName;
  readonly internalMessage: string;
  readonly grpcCode: LeaseErrorDef['grpcCode'];

  constructor(name: LeaseErrorName) {
    const def = DEFS[name];
    super(def.message);
    this.name = name;
    this.internalMessage = def.internal;
    this.grpcCode = def.grpcCode;
  }
}

/** True if `err` is a LeaseError, and the named one when `name` is given. */
export function isLeaseError(err: unknown, name?: LeaseErrorName): err is LeaseError {
  return err instanceof LeaseError && (name === undefined || err.name === name);
}
