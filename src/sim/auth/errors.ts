// The auth store's errors (etcd server/auth/store.go) with what a client sees for each
// (spec server.md §11.1, §11.2): the internal Go message ("auth: ..."), and the gRPC
// code and message after togRPCError ("etcdserver: ..."). ErrNoPasswordUser is not in
// the mapping table, so it reaches the client as codes.Unknown with the internal message.

export type AuthErrorName =
  | 'ErrRootUserNotExist'
  | 'ErrRootRoleNotExist'
  | 'ErrUserAlreadyExist'
  | 'ErrUserEmpty'
  | 'ErrUserNotFound'
  | 'ErrRoleAlreadyExist'
  | 'ErrRoleNotFound'
  | 'ErrRoleEmpty'
  | 'ErrPermissionNotGiven'
  | 'ErrAuthFailed'
  | 'ErrNoPasswordUser'
  | 'ErrPermissionDenied'
  | 'ErrRoleNotGranted'
  | 'ErrPermissionNotGranted'
  | 'ErrAuthNotEnabled'
  | 'ErrAuthOldRevision'
  | 'ErrInvalidAuthToken'
  | 'ErrInvalidAuthMgmt';

type GrpcCode = 'Unknown' | 'InvalidArgument' | 'PermissionDenied' | 'FailedPrecondition' | 'Unauthenticated';

interface AuthErrorDef {
  /** The Go error's message inside the server. */
  internal: string;
  /** The gRPC status message the client receives. */
  message: string;
  grpcCode: GrpcCode;
}

// Internal "auth: <text>"; the client sees "etcdserver: <clientText>", which is mostly the same text.
function def(text: string, grpcCode: GrpcCode, clientText = text): AuthErrorDef {
  return { internal: `auth: ${text}`, message: `etcdserver: ${clientText}`, grpcCode };
}

const DEFS: Record<AuthErrorName, AuthErrorDef> = {
  ErrRootUserNotExist: def('root user does not exist', 'FailedPrecondition'),
  ErrRootRoleNotExist: def('root user does not have root role', 'FailedPrecondition'),
  ErrUserAlreadyExist: def('user already exists', 'FailedPrecondition', 'user name already exists'),
  ErrUserEmpty: def('user name is empty', 'InvalidArgument'),
  ErrUserNotFound: def('user not found', 'FailedPrecondition', 'user name not found'),
  ErrRoleAlreadyExist: def('role already exists', 'FailedPrecondition', 'role name already exists'),
  ErrRoleNotFound: def('role not found', 'FailedPrecondition', 'role name not found'),
  ErrRoleEmpty: def('role name is empty', 'InvalidArgument'),
  ErrPermissionNotGiven: def('permission not given', 'InvalidArgument'),
  ErrAuthFailed: def('authentication failed, invalid user ID or password', 'InvalidArgument'),
  ErrNoPasswordUser: {
    internal: 'auth: authentication failed, password was given for no password user',
    message: 'auth: authentication failed, password was given for no password user',
    grpcCode: 'Unknown',
  },
  ErrPermissionDenied: def('permission denied', 'PermissionDenied'),
  ErrRoleNotGranted: def('role is not granted to the user', 'FailedPrecondition'),
  ErrPermissionNotGranted: def('permission is not granted to the role', 'FailedPrecondition'),
  ErrAuthNotEnabled: def('authentication is not enabled', 'FailedPrecondition'),
  ErrAuthOldRevision: def('revision in header is old', 'InvalidArgument', 'revision of auth store is old'),
  ErrInvalidAuthToken: def('invalid auth token', 'Unauthenticated'),
  ErrInvalidAuthMgmt: def('invalid auth management', 'InvalidArgument'),
};

/** An etcd auth error: `name` is etcd's error name, `message` the client-visible text. */
export class AuthError extends Error {
  override readonly name: AuthErrorName;
  readonly internalMessage: string;
  readonly grpcCode: GrpcCode;

  constructor(name: AuthErrorName) {
    const d = DEFS[name];
    super(d.message);
    this.name = name;
    this.internalMessage = d.internal;
    this.grpcCode = d.grpcCode;
  }
}

/** True if `err` is an AuthError, and the named one when `name` is given. */
export function isAuthError(err: unknown, name?: AuthErrorName): err is AuthError {
  return err instanceof AuthError && (name === undefined || err.name === name);
}
