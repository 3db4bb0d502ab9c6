// An in-memory stand-in for an etcd cluster and its clients, for etcdctl's tests and the
// headless runner until the simulated server and client are wired in. Every member
// shares one state: the real MVCC store (kv, txn, compaction, watch), the real auth store,
// and a small lease table. Each response arrives 1 ms of virtual time after its request,
// so commands complete only as the kernel runs, as they will against the real cluster.

import { AuthError } from '../../auth/errors';
import { AuthStore } from '../../auth/store';
import type { AuthInfo } from '../../auth/store';
import { Kernel } from '../../kernel/kernel';
import { IDGenerator, newLeaseID } from '../../lease/idutil';
import { MaxLeaseTTL, minLeaseTTL } from '../../lease/lessor';
import { MvccError } from '../../mvcc/kv';
import { ServerWatchStream } from '../../mvcc/server-watch-stream';
import { compaction, deleteRange, hashKV, put, range, txn } from '../../mvcc/txn';
import type { RequestOp, ResponseHeader, TxnRequest } from '../../mvcc/rpc';
import { RequestValidationError } from '../../mvcc/validate';
import { WatchableStore, watchResyncPeriodMs } from '../../mvcc/watchable-store';
import type {
  AlarmMember,
  ClientConfig,
  EtcdctlBackend,
  EtcdctlEnv,
  KeepAliveListener,
  Member,
  WatchListener,
} from '../backend';

const LATENCY_MS = 1;
// IDs are safe integers in the simulator (etcd's are 64-bit).
const CLUSTER_ID = 0x1c4b0e2a3f5d6e;
const FAKE_VERSION = '3.4.23';

/** etcd's (internal) error messages as clientv3 reports them. */
const MVCC_TO_CLIENT: Record<string, string> = {
  'mvcc: required revision has been compacted': 'etcdserver: mvcc: required revision has been compacted',
  'mvcc: required revision is a future revision': 'etcdserver: mvcc: required revision is a future revision',
  'lease not found': 'etcdserver: requested lease not found',
};

function clientError(err: unknown): Error {
  if (err instanceof MvccError) return new Error(MVCC_TO_CLIENT[err.message] ?? err.message);
  if (err instanceof AuthError || err instanceof RequestValidationError) return new Error(err.message);
  return err as Error;
}

interface FakeLease {
  id: number;
  ttl: number;
  expiresAt: number;
  keys: Set<string>;
  timer: ReturnType<Kernel['schedule']>;
}

export interface FakeClusterOptions {
  members?: number;
  seed?: number;
}

export class FakeCluster implements EtcdctlEnv {
  readonly kernel: Kernel;
  readonly store: WatchableStore;
  readonly auth: AuthStore;
  readonly members: Member[];
  leader: number;
  term = 2;
  /** Raft index: N conf changes, the leader's empty entry, N publishes, the cluster version. */
  raftIndex: number;
  private readonly leases = new Map<number, FakeLease>();
  private readonly leaseIDs: IDGenerator;
  private alarms: AlarmMember[] = [];
  private nextMemberID: number;
  private syncing = false;

  constructor(options: FakeClusterOptions = {}) {
    const n = options.members ?? 1;
    this.kernel = new Kernel(options.seed ?? 1);
    this.members = Array.from({ length: n }, (_, i) => ({
      ID: 0x8e9e05c52164 + i * 0x1000,
      name: `m${i + 1}`,
      peerURLs: [`http://m${i + 1}:2380`],
      clientURLs: [`http://m${i + 1}:2379`],
      isLearner: false,
    }));
    this.leader = this.members[0].ID;
    this.nextMemberID = this.members[n - 1].ID + 0x1000;
    this.raftIndex = 2 * n + 2;
    this.leaseIDs = new IDGenerator(this.leader % 2 ** 16, 0);
    this.store = new WatchableStore({
      leases: {
        attach: (id, key) => this.leases.get(id)?.keys.add(key),
        detach: (id, key) => this.leases.get(id)?.keys.delete(key),
      },
    });
    const rnd = this.kernel.random('fake-cluster/auth');
    this.auth = new AuthStore({ now: () => this.kernel.now, random: () => rnd.float(), appliedIndex: () => this.raftIndex });
  }

  get defaultEndpoints(): string[] {
    return this.members.filter((m) => m.clientURLs.length > 0).map((m) => m.clientURLs[0].replace(/^https?:\/\//, ''));
  }

  now(): number {
    return this.kernel.now;
  }

  sleep(ms: number): Promise<void> {
    return this.after(Math.max(0, ms), () => undefined);
  }

  /** The started member serving an endpoint ("m1:2379" or "http://m1:2379"). */
  memberAt(endpoint: string): Member | undefined {
    const url = endpoint.includes('://') ? endpoint : `http://${endpoint}`;
    return this.members.find((m) => m.clientURLs.includes(url));
  }

  /**
   * clientv3.New dials without blocking: with no reachable endpoint the client is created,
   * and each request fails when its --command-timeout ends.
   */
  async connect(cfg: ClientConfig): Promise<EtcdctlBackend> {
    const member = cfg.endpoints.map((ep) => this.memberAt(ep)).find((m) => m !== undefined);
    if (member === undefined) return new FakeClient(this, this.members[0], cfg.endpoints, undefined, cfg.commandTimeoutMs);
    let authInfo: AuthInfo | undefined;
    if (cfg.username !== undefined) {
      const username = cfg.username;
      authInfo = await this.after(LATENCY_MS, () => {
        this.auth.checkPassword(username, cfg.password ?? '');
        return { username, revision: this.auth.revision() };
      });
    }
    return new FakeClient(this, member, cfg.endpoints, authInfo);
  }

  /** Runs `fn` after `ms` of virtual time; its result or error settles the promise. */
  after<T>(ms: number, fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.kernel.schedule(ms, () => {
        try {
          resolve(fn());
        } catch (err) {
          reject(clientError(err));
        }
      });
    });
  }

  header(member: Member, revision = this.store.currentRevision): ResponseHeader {
    return { clusterId: CLUSTER_ID, memberId: member.ID, revision, raftTerm: this.term };
  }

  /** A write went through Raft. */
  proposed(): void {
    this.raftIndex++;
  }

  leaseExists = (id: number) => this.leases.has(id);

  grantLease(ttlSeconds: number): FakeLease {
    if (ttlSeconds > MaxLeaseTTL) throw new Error('etcdserver: too large lease TTL');
    const ttl = Math.max(ttlSeconds, minLeaseTTL(10, 100));
    const id = newLeaseID(() => this.leaseIDs.next());
    const lease: FakeLease = { id, ttl, expiresAt: 0, keys: new Set(), timer: this.kernel.schedule(0, () => {}) };
    this.leases.set(id, lease);
    this.renewLease(lease);
    this.proposed();
    return lease;
  }

  renewLease(lease: FakeLease): void {
    this.kernel.cancel(lease.timer);
    lease.expiresAt = this.kernel.now + lease.ttl * 1000;
    lease.timer = this.kernel.at(lease.expiresAt, () => this.revokeLease(lease.id));
  }

  findLease(id: number): FakeLease | undefined {
    return this.leases.get(id);
  }

  lease(id: number): FakeLease {
    const lease = this.leases.get(id);
    if (lease === undefined) throw new Error('etcdserver: requested lease not found');
    return lease;
  }

  leaseIDsSorted(): number[] {
    return [...this.leases.keys()].sort((a, b) => a - b);
  }

  /** Revoke: delete the lease's keys in one write, then forget it. */
  revokeLease(id: number): void {
    const lease = this.lease(id);
    this.kernel.cancel(lease.timer);
    const keys = [...lease.keys].sort();
    if (keys.length > 0) txn(this.store, { success: keys.map((key) => ({ requestDeleteRange: { key } })) });
    this.leases.delete(id);
    this.proposed();
    this.pumpWatchers();
  }

  takeAlarms(): AlarmMember[] {
    const all = this.alarms;
    this.alarms = [];
    return all;
  }

  activeAlarms(): AlarmMember[] {
    return [...this.alarms];
  }

  raiseAlarm(alarm: AlarmMember): void {
    this.alarms.push(alarm);
  }

  addMember(peerURLs: string[], isLearner: boolean): Member {
    if (this.members.some((m) => m.peerURLs.some((u) => peerURLs.includes(u)))) throw new Error('etcdserver: Peer URLs already exists');
    if (isLearner && this.members.some((m) => m.isLearner)) throw new Error('etcdserver: too many learner members in cluster');
    const m: Member = { ID: this.nextMemberID, name: '', peerURLs, clientURLs: [], isLearner };
    this.nextMemberID += 0x1000;
    this.members.push(m);
    this.proposed();
    return m;
  }

  member(id: number): Member {
    const m = this.members.find((x) => x.ID === id);
    if (m === undefined) throw new Error('etcdserver: member not found');
    return m;
  }

  removeMember(id: number): void {
    this.members.splice(this.members.indexOf(this.member(id)), 1);
    this.proposed();
  }

  /** Watchers from the past catch up every watchResyncPeriodMs, as etcd's sync loop does. */
  pumpWatchers(): void {
    if (this.syncing) return;
    this.syncing = true;
    this.kernel.schedule(0, () => {
      this.syncing = false;
      if (this.store.syncWatchers() > 0) this.kernel.schedule(watchResyncPeriodMs, () => this.pumpWatchers());
    });
  }

  /** Ops of a txn that need read (ranges, compares) and write (puts, deletes) permission. */
  checkTxnPermitted(info: AuthInfo, req: TxnRequest): void {
    for (const c of req.compare ?? []) this.auth.isRangePermitted(info, c.key, c.rangeEnd ?? '');
    const ops: RequestOp[] = [...(req.success ?? []), ...(req.failure ?? [])];
    for (const op of ops) {
      if (op.requestRange) this.auth.isRangePermitted(info, op.requestRange.key, op.requestRange.rangeEnd ?? '');
      if (op.requestPut) this.auth.isPutPermitted(info, op.requestPut.key);
      if (op.requestDeleteRange) this.auth.isDeleteRangePermitted(info, op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd ?? '');
      if (op.requestTxn) this.checkTxnPermitted(info, op.requestTxn);
    }
  }
}

/** One clientv3 client: its requests are answered by the member of its first live endpoint. */
class FakeClient implements EtcdctlBackend {
  private closers: (() => void)[] = [];

  constructor(
    private readonly c: FakeCluster,
    private readonly m: Member,
    private readonly eps: string[],
    private readonly authInfo: AuthInfo | undefined,
    /** Set when no endpoint answers: every call fails after this long. */
    private readonly unreachableTimeoutMs?: number,
  ) {}

  private get info(): AuthInfo {
    return this.authInfo ?? { username: '', revision: 0 };
  }

  private rpc<T>(fn: () => T): Promise<T> {
    if (this.unreachableTimeoutMs !== undefined) {
      return this.c.after(this.unreachableTimeoutMs, () => {
        throw new Error('context deadline exceeded');
      });
    }
    return this.c.after(LATENCY_MS, fn);
  }

  /** A write: checked, applied, and watchers told. */
  private write<T>(fn: () => T): Promise<T> {
    return this.rpc(() => {
      const resp = fn();
      this.c.proposed();
      this.c.pumpWatchers();
      return resp;
    });
  }

  private withHeader<T extends { header: ResponseHeader }>(resp: T): T {
    return { ...resp, header: { ...this.c.header(this.m), revision: resp.header.revision } };
  }

  private headerOnly() {
    return { header: this.c.header(this.m) };
  }

  endpoints(): string[] {
    return [...this.eps];
  }

  close(): void {
    for (const fn of this.closers) fn();
    this.closers = [];
  }

  get: EtcdctlBackend['get'] = (req) =>
    this.rpc(() => {
      this.c.auth.isRangePermitted(this.info, req.key, req.rangeEnd ?? '');
      return this.withHeader(range(this.c.store, req));
    });

  put: EtcdctlBackend['put'] = (req) =>
    this.write(() => {
      this.c.auth.isPutPermitted(this.info, req.key);
      return this.withHeader(put(this.c.store, req, this.c.leaseExists));
    });

  delete: EtcdctlBackend['delete'] = (req) =>
    this.write(() => {
      this.c.auth.isDeleteRangePermitted(this.info, req.key, req.rangeEnd ?? '');
      return this.withHeader(deleteRange(this.c.store, req));
    });

  txn: EtcdctlBackend['txn'] = (req) =>
    this.write(() => {
      this.c.checkTxnPermitted(this.info, req);
      return this.withHeader(txn(this.c.store, req, this.c.leaseExists));
    });

  compact: EtcdctlBackend['compact'] = (req) =>
    this.write(() => {
      this.c.auth.isAdminPermitted(this.authInfo);
      return this.withHeader(compaction(this.c.store, req));
    });

  watch: EtcdctlBackend['watch'] = (req, listener: WatchListener) => {
    let open = true;
    const sws = new ServerWatchStream(this.c.store, {
      newHeader: (rev) => this.c.header(this.m, rev),
      onResponse: () => this.c.kernel.schedule(LATENCY_MS, drain),
    });
    const close = () => {
      if (!open) return;
      open = false;
      sws.close();
      listener.onClose();
    };
    // clientv3 hands the user every response but the creation notice; a cancel ends the watch.
    const drain = () => {
      for (let batch = sws.recv(); batch !== undefined && open; batch = sws.recv()) {
        for (const resp of batch) {
          listener.onResponse(resp);
          if (resp.canceled) close();
        }
      }
    };
    this.c.kernel.schedule(LATENCY_MS, () => {
      if (!open || this.unreachableTimeoutMs !== undefined) return;
      try {
        this.c.auth.isRangePermitted(this.info, req.key, req.rangeEnd ?? '');
      } catch (err) {
        const reason = clientError(err).message;
        listener.onResponse({ header: this.c.header(this.m), watchId: -1, created: false, canceled: true, compactRevision: 0, cancelReason: reason, fragment: false, events: [] });
        close();
        return;
      }
      const created = sws.create(req);
      if (created.canceled) {
        listener.onResponse({ ...created, created: false });
        close();
        return;
      }
      this.c.pumpWatchers();
    });
    this.closers.push(close);
    return { close };
  };

  leaseGrant: EtcdctlBackend['leaseGrant'] = (ttl) =>
    this.rpc(() => {
      const lease = this.c.grantLease(ttl);
      return { header: this.c.header(this.m), ID: lease.id, TTL: lease.ttl, error: '' };
    });

  leaseRevoke: EtcdctlBackend['leaseRevoke'] = (id) =>
    this.rpc(() => {
      for (const key of [...this.c.lease(id).keys].sort()) this.c.auth.isDeleteRangePermitted(this.info, key, '');
      this.c.revokeLease(id);
      return this.headerOnly();
    });

  leaseTimeToLive: EtcdctlBackend['leaseTimeToLive'] = (id, keys) =>
    this.rpc(() => {
      const lease = this.c.findLease(id);
      if (lease === undefined) return { header: this.c.header(this.m), ID: id, TTL: -1, grantedTTL: 0, keys: [] };
      const remaining = Math.floor((lease.expiresAt - this.c.kernel.now) / 1000);
      return { header: this.c.header(this.m), ID: id, TTL: remaining, grantedTTL: lease.ttl, keys: keys ? [...lease.keys].sort() : [] };
    });

  leaseLeases: EtcdctlBackend['leaseLeases'] = () =>
    this.rpc(() => ({ header: this.c.header(this.m), leases: this.c.leaseIDsSorted().map((ID) => ({ ID })) }));

  leaseKeepAliveOnce: EtcdctlBackend['leaseKeepAliveOnce'] = (id) =>
    this.rpc(() => {
      const lease = this.c.lease(id);
      this.c.renewLease(lease);
      return { header: this.c.header(this.m), ID: id, TTL: lease.ttl };
    });

  /** clientv3's keep-alive loop: renew now, then a third of the TTL after each response. */
  leaseKeepAlive: EtcdctlBackend['leaseKeepAlive'] = (id, listener: KeepAliveListener) => {
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      listener.onClose();
    };
    const renew = () => {
      if (!open) return;
      this.leaseKeepAliveOnce(id).then(
        (resp) => {
          if (!open) return;
          listener.onResponse(resp);
          this.c.kernel.schedule((resp.TTL * 1000) / 3, renew);
        },
        () => close(),
      );
    };
    renew();
    this.closers.push(close);
    return { close };
  };

  memberList: EtcdctlBackend['memberList'] = () =>
    this.rpc(() => ({ header: { ...this.c.header(this.m), revision: 0 }, members: this.sortedMembers() }));

  private sortedMembers(): Member[] {
    return [...this.c.members].sort((a, b) => a.ID - b.ID).map((m) => ({ ...m }));
  }

  private admin<T>(fn: () => T): Promise<T> {
    return this.rpc(() => {
      this.c.auth.isAdminPermitted(this.authInfo);
      return fn();
    });
  }

  private membersResponse() {
    return { header: { ...this.c.header(this.m), revision: 0 }, members: this.sortedMembers() };
  }

  memberAdd: EtcdctlBackend['memberAdd'] = (peerURLs, isLearner) =>
    this.admin(() => {
      const member = { ...this.c.addMember(peerURLs, isLearner) };
      return { ...this.membersResponse(), member };
    });

  memberRemove: EtcdctlBackend['memberRemove'] = (id) =>
    this.admin(() => {
      this.c.removeMember(id);
      return this.membersResponse();
    });

  memberUpdate: EtcdctlBackend['memberUpdate'] = (id, peerURLs) =>
    this.admin(() => {
      this.c.member(id).peerURLs = peerURLs;
      this.c.proposed();
      return this.membersResponse();
    });

  memberPromote: EtcdctlBackend['memberPromote'] = (id) =>
    this.admin(() => {
      const m = this.c.member(id);
      if (!m.isLearner) throw new Error('etcdserver: can only promote a learner member');
      if (m.name === '') throw new Error('etcdserver: can only promote a learner member which is in sync with leader');
      m.isLearner = false;
      this.c.proposed();
      return this.membersResponse();
    });

  private memberOf(endpoint: string): Member {
    const m = this.c.memberAt(endpoint);
    if (m === undefined) throw new Error('context deadline exceeded');
    return m;
  }

  status: EtcdctlBackend['status'] = (endpoint) =>
    this.rpc(() => {
      const m = this.memberOf(endpoint);
      return {
        header: this.c.header(m),
        version: FAKE_VERSION,
        dbSize: 20480,
        leader: this.c.leader,
        raftIndex: this.c.raftIndex,
        raftTerm: this.c.term,
        raftAppliedIndex: this.c.raftIndex,
        errors: this.c.activeAlarms().map((a) => `memberID:${a.memberID} alarm:${a.alarm} `),
        dbSizeInUse: 16384,
        isLearner: m.isLearner,
      };
    });

  hashKV: EtcdctlBackend['hashKV'] = (endpoint, revision) =>
    this.admin(() => {
      const m = this.memberOf(endpoint);
      const resp = hashKV(this.c.store, { revision });
      return { ...resp, header: this.c.header(m, resp.header.revision) };
    });

  defragment: EtcdctlBackend['defragment'] = (endpoint) =>
    this.admin(() => ({ header: this.c.header(this.memberOf(endpoint)) }));

  alarmList: EtcdctlBackend['alarmList'] = () =>
    this.rpc(() => ({ header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, alarms: this.c.activeAlarms() }));

  alarmDisarm: EtcdctlBackend['alarmDisarm'] = () =>
    this.rpc(() => ({ header: { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 }, alarms: this.c.takeAlarms() }));

  moveLeader: EtcdctlBackend['moveLeader'] = (targetID) =>
    this.admin(() => {
      if (this.m.ID !== this.c.leader) throw new Error('etcdserver: not leader');
      const target = this.c.members.find((x) => x.ID === targetID);
      if (target === undefined || target.isLearner) throw new Error('etcdserver: bad leader transferee');
      this.c.leader = targetID;
      this.c.term++;
      return this.headerOnly();
    });

  authEnable: EtcdctlBackend['authEnable'] = () =>
    this.write(() => {
      this.c.auth.authEnable();
      return this.headerOnly();
    });

  authDisable: EtcdctlBackend['authDisable'] = () =>
    this.adminWrite(() => this.c.auth.authDisable());

  authStatus: EtcdctlBackend['authStatus'] = () =>
    this.rpc(() => ({ header: this.c.header(this.m), enabled: this.c.auth.isAuthEnabled(), authRevision: this.c.auth.revision() }));

  private adminWrite(fn: () => void) {
    return this.write(() => {
      this.c.auth.isAdminPermitted(this.authInfo);
      fn();
      return this.headerOnly();
    });
  }

  userAdd: EtcdctlBackend['userAdd'] = (name, password, noPassword) =>
    this.adminWrite(() => this.c.auth.userAdd({ name, hashedPassword: this.c.auth.hashPassword(password), options: { noPassword } }));

  userGet: EtcdctlBackend['userGet'] = (name) => this.admin(() => ({ header: this.c.header(this.m), roles: this.c.auth.userGet({ name }).roles }));

  userList: EtcdctlBackend['userList'] = () => this.admin(() => ({ header: this.c.header(this.m), users: this.c.auth.userList() }));

  userDelete: EtcdctlBackend['userDelete'] = (name) => this.adminWrite(() => this.c.auth.userDelete({ name }));

  userChangePassword: EtcdctlBackend['userChangePassword'] = (name, password) =>
    this.adminWrite(() => this.c.auth.userChangePassword({ name, hashedPassword: this.c.auth.hashPassword(password) }));

  userGrantRole: EtcdctlBackend['userGrantRole'] = (user, role) => this.adminWrite(() => this.c.auth.userGrantRole({ user, role }));

  userRevokeRole: EtcdctlBackend['userRevokeRole'] = (name, role) => this.adminWrite(() => this.c.auth.userRevokeRole({ name, role }));

  roleAdd: EtcdctlBackend['roleAdd'] = (name) => this.adminWrite(() => this.c.auth.roleAdd({ name }));

  roleGet: EtcdctlBackend['roleGet'] = (role) => this.admin(() => ({ header: this.c.header(this.m), perm: this.c.auth.roleGet({ role }).perm }));

  roleList: EtcdctlBackend['roleList'] = () => this.admin(() => ({ header: this.c.header(this.m), roles: this.c.auth.roleList() }));

  roleDelete: EtcdctlBackend['roleDelete'] = (role) => this.adminWrite(() => this.c.auth.roleDelete({ role }));

  roleGrantPermission: EtcdctlBackend['roleGrantPermission'] = (name, perm) =>
    this.adminWrite(() => this.c.auth.roleGrantPermission({ name, perm }));

  roleRevokePermission: EtcdctlBackend['roleRevokePermission'] = (role, key, rangeEnd) =>
    this.adminWrite(() => this.c.auth.roleRevokePermission({ role, key, rangeEnd }));
}

