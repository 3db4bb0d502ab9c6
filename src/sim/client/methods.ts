// Full gRPC method names of etcd's services (api/etcdserverpb/rpc.proto). The client
// calls them; a GrpcServer registers handlers under them.

const svc = <S extends string, M extends string>(service: S, methods: readonly M[]) =>
  Object.fromEntries(methods.map((m) => [m, `/etcdserverpb.${service}/${m}`])) as { [K in M]: `/etcdserverpb.${S}/${K}` };

export const KV = svc('KV', ['Range', 'Put', 'DeleteRange', 'Txn', 'Compact'] as const);
export const Watch = svc('Watch', ['Watch'] as const);
export const Lease = svc('Lease', ['LeaseGrant', 'LeaseRevoke', 'LeaseKeepAlive', 'LeaseTimeToLive', 'LeaseLeases'] as const);
export const Cluster = svc('Cluster', ['MemberAdd', 'MemberRemove', 'MemberUpdate', 'MemberList', 'MemberPromote'] as const);
export const Maintenance = svc('Maintenance', ['Alarm', 'Status', 'Defragment', 'Hash', 'HashKV', 'Snapshot', 'MoveLeader', 'Downgrade'] as const);
export const Auth = svc('Auth', [
  'AuthEnable', 'AuthDisable', 'AuthStatus', 'Authenticate',
  'UserAdd', 'UserGet', 'UserList', 'UserDelete', 'UserChangePassword', 'UserGrantRole', 'UserRevokeRole',
  'RoleAdd', 'RoleGet', 'RoleList', 'RoleDelete', 'RoleGrantPermission', 'RoleRevokePermission',
] as const);

export type Method =
  | (typeof KV)[keyof typeof KV]
  | (typeof Watch)[keyof typeof Watch]
  | (typeof Lease)[keyof typeof Lease]
  | (typeof Cluster)[keyof typeof Cluster]
  | (typeof Maintenance)[keyof typeof Maintenance]
  | (typeof Auth)[keyof typeof Auth];
