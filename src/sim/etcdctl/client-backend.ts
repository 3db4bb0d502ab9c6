// etcdctl on the simulated etcd client (src/sim/client): each connect is a clientv3.New
// in the world, each call a client call with etcdctl's --command-timeout, and the
// client's continuations become the promises the command layer awaits.

import { Client } from '../client/client';
import type { ClientEnv } from '../client/client';
import { withRequireLeader } from '../client/ctx';
import { Context } from '../grpc/context';
import type { Result } from '../grpc/result';
import type { AlarmResponse, AuthResponse } from '../client/rpc-types';
import type { AlarmMember, ClientConfig, EtcdctlBackend, EtcdctlEnv, KeepAliveListener, WatchListener } from './backend';

type Call<T> = (ctx: Context, done: (r: Result<T>) => void) => void;

class ClientBackend implements EtcdctlBackend {
  constructor(
    private readonly c: Client,
    private readonly timeoutMs: number,
  ) {}

  /** One call under a fresh command context (commandCtx). */
  private call<T>(fn: Call<T>): Promise<T> {
    const [ctx, cancel] = Context.background(this.c.kernel).withTimeout(this.timeoutMs);
    return new Promise<T>((resolve, reject) =>
      fn(ctx, (r) => {
        cancel();
        if (r.ok) resolve(r.value);
        else reject(r.error);
      }),
    );
  }

  endpoints(): string[] {
    return this.c.endpoints();
  }

  close(): void {
    this.c.close();
  }

  get: EtcdctlBackend['get'] = ({ key, ...opts }) => this.call((ctx, done) => this.c.kv.get(ctx, key, opts, done));
  put: EtcdctlBackend['put'] = ({ key, value, ...opts }) => this.call((ctx, done) => this.c.kv.put(ctx, key, value ?? '', opts, done));
  delete: EtcdctlBackend['delete'] = ({ key, ...opts }) => this.call((ctx, done) => this.c.kv.delete(ctx, key, opts, done));
  txn: EtcdctlBackend['txn'] = (req) =>
    this.call((ctx, done) =>
      this.c.kv
        .txn(ctx)
        .if(...(req.compare ?? []))
        .then(...(req.success ?? []))
        .else(...(req.failure ?? []))
        .commit(done),
    );
  compact: EtcdctlBackend['compact'] = ({ revision, ...opts }) => this.call((ctx, done) => this.c.kv.compact(ctx, revision, opts, done));

  /** etcdctl watches with WithRequireLeader and no deadline; closing cancels the context. */
  watch: EtcdctlBackend['watch'] = (req, listener: WatchListener) => {
    const [ctx, cancel] = withRequireLeader(Context.background(this.c.kernel)).withCancel();
    const opts = { rev: req.startRevision, rangeEnd: req.rangeEnd, prevKv: req.prevKv };
    this.c.watcher.watch(ctx, req.key, opts, listener);
    return { close: cancel };
  };

  leaseGrant: EtcdctlBackend['leaseGrant'] = (ttl) => this.call((ctx, done) => this.c.lease.grant(ctx, ttl, done));
  leaseRevoke: EtcdctlBackend['leaseRevoke'] = (id) => this.call((ctx, done) => this.c.lease.revoke(ctx, id, done));
  leaseTimeToLive: EtcdctlBackend['leaseTimeToLive'] = (id, keys) => this.call((ctx, done) => this.c.lease.timeToLive(ctx, id, keys, done));
  leaseLeases: EtcdctlBackend['leaseLeases'] = () => this.call((ctx, done) => this.c.lease.leases(ctx, done));
  leaseKeepAliveOnce: EtcdctlBackend['leaseKeepAliveOnce'] = (id) => this.call((ctx, done) => this.c.lease.keepAliveOnce(ctx, id, done));
  leaseKeepAlive: EtcdctlBackend['leaseKeepAlive'] = (id, listener: KeepAliveListener) => {
    const [ctx, cancel] = Context.background(this.c.kernel).withCancel();
    this.c.lease.keepAlive(ctx, id, listener);
    return { close: cancel };
  };

  memberList: EtcdctlBackend['memberList'] = () => this.call((ctx, done) => this.c.cluster.memberList(ctx, done));
  memberAdd: EtcdctlBackend['memberAdd'] = (urls, learner) =>
    this.call((ctx, done) => (learner ? this.c.cluster.memberAddAsLearner(ctx, urls, done) : this.c.cluster.memberAdd(ctx, urls, done)));
  memberRemove: EtcdctlBackend['memberRemove'] = (id) => this.call((ctx, done) => this.c.cluster.memberRemove(ctx, id, done));
  memberUpdate: EtcdctlBackend['memberUpdate'] = (id, urls) => this.call((ctx, done) => this.c.cluster.memberUpdate(ctx, id, urls, done));
  memberPromote: EtcdctlBackend['memberPromote'] = (id) => this.call((ctx, done) => this.c.cluster.memberPromote(ctx, id, done));

  status: EtcdctlBackend['status'] = (ep) => this.call((ctx, done) => this.c.maintenance.status(ctx, ep, done));
  hashKV: EtcdctlBackend['hashKV'] = (ep, rev) => this.call((ctx, done) => this.c.maintenance.hashKV(ctx, ep, rev, done));
  defragment: EtcdctlBackend['defragment'] = (ep) => this.call((ctx, done) => this.c.maintenance.defragment(ctx, ep, done));
  alarmList: EtcdctlBackend['alarmList'] = () => this.call((ctx, done) => this.c.maintenance.alarmList(ctx, done));
  moveLeader: EtcdctlBackend['moveLeader'] = (id) => this.call((ctx, done) => this.c.maintenance.moveLeader(ctx, id, done));

  /** clientv3.AlarmDisarm: member 0 and type NONE disarm every active alarm, one by one. */
  alarmDisarm: EtcdctlBackend['alarmDisarm'] = async (alarm: AlarmMember) => {
    const disarm = (a: AlarmMember) => this.call<AlarmResponse>((ctx, done) => this.c.maintenance.alarmDisarm(ctx, a.memberID, a.alarm, done));
    if (alarm.memberID !== 0 || alarm.alarm !== 'NONE') return disarm(alarm);
    const list = await this.alarmList();
    const alarms: AlarmMember[] = [];
    for (const a of list.alarms) alarms.push(...(await disarm(a)).alarms);
    return { header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, alarms };
  };

  authEnable: EtcdctlBackend['authEnable'] = () => this.call((ctx, done) => this.c.auth.authEnable(ctx, done));
  authDisable: EtcdctlBackend['authDisable'] = () => this.call((ctx, done) => this.c.auth.authDisable(ctx, done));
  authStatus: EtcdctlBackend['authStatus'] = async () => {
    const r = await this.call<AuthResponse>((ctx, done) => this.c.auth.authStatus(ctx, done));
    return { header: r.header, enabled: r.enabled ?? false, authRevision: r.authRevision ?? 0 };
  };
  // The simulated client has no UserAddOptions: a no-password user is added with an empty password.
  userAdd: EtcdctlBackend['userAdd'] = (name, password) => this.call((ctx, done) => this.c.auth.userAdd(ctx, name, password, done));
  userGet: EtcdctlBackend['userGet'] = async (name) => {
    const r = await this.call<AuthResponse>((ctx, done) => this.c.auth.userGet(ctx, name, done));
    return { header: r.header, roles: r.roles ?? [] };
  };
  userList: EtcdctlBackend['userList'] = async () => {
    const r = await this.call<AuthResponse>((ctx, done) => this.c.auth.userList(ctx, done));
    return { header: r.header, users: r.users ?? [] };
  };
  userDelete: EtcdctlBackend['userDelete'] = (name) => this.call((ctx, done) => this.c.auth.userDelete(ctx, name, done));
  userChangePassword: EtcdctlBackend['userChangePassword'] = (name, pw) =>
    this.call((ctx, done) => this.c.auth.userChangePassword(ctx, name, pw, done));
  userGrantRole: EtcdctlBackend['userGrantRole'] = (user, role) => this.call((ctx, done) => this.c.auth.userGrantRole(ctx, user, role, done));
  userRevokeRole: EtcdctlBackend['userRevokeRole'] = (user, role) => this.call((ctx, done) => this.c.auth.userRevokeRole(ctx, user, role, done));
  roleAdd: EtcdctlBackend['roleAdd'] = (name) => this.call((ctx, done) => this.c.auth.roleAdd(ctx, name, done));
  roleGet: EtcdctlBackend['roleGet'] = async (name) => {
    const r = await this.call<AuthResponse>((ctx, done) => this.c.auth.roleGet(ctx, name, done));
    return { header: r.header, perm: r.perm ?? [] };
  };
  roleList: EtcdctlBackend['roleList'] = async () => {
    const r = await this.call<AuthResponse>((ctx, done) => this.c.auth.roleList(ctx, done));
    return { header: r.header, roles: r.roles ?? [] };
  };
  roleDelete: EtcdctlBackend['roleDelete'] = (name) => this.call((ctx, done) => this.c.auth.roleDelete(ctx, name, done));
  roleGrantPermission: EtcdctlBackend['roleGrantPermission'] = (name, p) =>
    this.call((ctx, done) => this.c.auth.roleGrantPermission(ctx, name, p.key, p.rangeEnd, p.permType, done));
  roleRevokePermission: EtcdctlBackend['roleRevokePermission'] = (name, key, end) =>
    this.call((ctx, done) => this.c.auth.roleRevokePermission(ctx, name, key, end, done));
}

/** An EtcdctlEnv whose clients live in a world (its kernel and network), named <host>-1, <host>-2, ... */
export function clientEtcdctlEnv(world: Omit<ClientEnv, 'name'>, defaultEndpoints?: string[], host = 'etcdctl'): EtcdctlEnv {
  let n = 0;
  return {
    defaultEndpoints,
    now: () => world.kernel.now,
    sleep: (ms) => new Promise((resolve) => world.kernel.schedule(Math.max(0, ms), resolve)),
    connect: (cfg: ClientConfig) =>
      new Promise<EtcdctlBackend>((resolve, reject) => {
        const config = {
          endpoints: cfg.endpoints,
          dialTimeoutMs: cfg.dialTimeoutMs,
          dialKeepAliveTimeMs: cfg.keepAliveTimeMs,
          dialKeepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
          username: cfg.username ?? '',
          password: cfg.password ?? '',
        };
        Client.create({ ...world, name: `${host}-${++n}` }, config, (r) =>
          r.ok ? resolve(new ClientBackend(r.value, cfg.commandTimeoutMs)) : reject(r.error),
        );
      }),
  };
}
