// A fake etcd cluster for the client's tests: one logical store (in-memory KV with
// revisions and compaction, leases on virtual time, simple-token auth, watch) served by N
// GrpcServers, one per member, with the faults a client must survive: member stop and
// restart, no leader, learners, injected errors. A test double, not the real server: every
// member sees every write at once; there is no Raft.

import type { Kernel, Timer } from '../../kernel/kernel';
import type { Network } from '../../net/network';
import { GrpcServer, type CallInfo, type ServerStream } from '../../grpc/server';
import { Code } from '../../grpc/codes';
import { StatusError } from '../../grpc/status';
import type { Event, KeyValue } from '../../mvcc/mvccpb';
import {
  CompareResult,
  CompareTarget,
  type Compare,
  type DeleteRangeRequest,
  type PutRequest,
  type RangeRequest,
  type RequestOp,
  type ResponseHeader,
  type ResponseOp,
  type TxnRequest,
  type WatchCreateRequest,
  type WatchRequest,
  type WatchResponse,
} from '../../mvcc/rpc';
import * as M from '../methods';
import { grpcError, type ClientVersion, type EtcdErrorName } from '../rpctypes';

export interface FakeClusterOptions {
  members: string[];
  version?: ClientVersion;
  clusterId?: number;
  /** How long Authenticate takes (a linearizable read plus a Raft write in etcd). */
  authenticateDelayMs?: number;
}

interface LeaseState {
  ttl: number;
  expiry: number;
  timer: Timer | undefined;
  keys: Set<string>;
}

interface FakeWatcher {
  id: number;
  key: string;
  rangeEnd: string;
  filters: number[];
}

interface FakeWatchStream {
  member: string;
  stream: ServerStream<WatchRequest, WatchResponse>;
  watchers: Map<number, FakeWatcher>;
  nextId: number;
}

/** One request a member received, for assertions. */
export interface FakeRequest {
  t: number;
  member: string;
  method: string;
  token: string | undefined;
}

/** Election timeouts without a leader before hasleader streams are cancelled (maxNoLeaderCnt). */
const NO_LEADER_STREAM_CANCEL_MS = 3 * 1000;
/** etcd's request timeout: 5 s + 2 × election timeout (1 s). */
const REQUEST_TIMEOUT_MS = 7000;

/** An answer the member gives only after a while (a request waiting for a leader). */
class Later {
  constructor(
    readonly delayMs: number,
    readonly result: StatusError,
  ) {}
}

export class FakeCluster {
  readonly servers = new Map<string, GrpcServer>();
  readonly version: ClientVersion;
  readonly clusterId: number;
  readonly requests: FakeRequest[] = [];
  leader: string | undefined;
  readonly learners = new Set<string>();
  revision = 1;
  compactRevision = 0;
  authEnabled = false;
  private readonly versions = new Map<string, KeyValue[]>();
  private readonly events: Event[] = [];
  /** Events of the write being applied. */
  private pending: Event[] = [];
  private readonly leases = new Map<number, LeaseState>();
  private nextLease = 0x1000;
  private readonly users = new Map<string, string>();
  private readonly tokens = new Map<string, string>();
  private readonly watchStreams = new Set<FakeWatchStream>();
  private readonly hasLeaderStreams = new Set<ServerStream>();
  private readonly injected: { member: string; method: string; err: StatusError; times: number }[] = [];
  private noLeaderTimer: Timer | undefined;
  private readonly authDelay: number;

  constructor(
    private readonly kernel: Kernel,
    net: Network,
    private readonly opts: FakeClusterOptions,
  ) {
    this.version = opts.version ?? '3.6';
    this.clusterId = opts.clusterId ?? 0xc1;
    this.authDelay = opts.authenticateDelayMs ?? 10;
    this.leader = opts.members[0];
    for (const m of opts.members) {
      const s = new GrpcServer(kernel, net, `${m}:2379`, m);
      this.register(m, s);
      this.servers.set(m, s);
      s.start();
    }
  }

  // --- faults and test controls ---

  stop(member: string): void {
    this.server(member).stop();
  }

  start(member: string): void {
    this.server(member).start();
  }

  /** Sets the leader (undefined = none). A new leader extends every lease by its TTL (Promote). */
  setLeader(member: string | undefined): void {
    this.leader = member;
    if (this.noLeaderTimer !== undefined) this.kernel.cancel(this.noLeaderTimer);
    this.noLeaderTimer = undefined;
    if (member === undefined) {
      this.noLeaderTimer = this.kernel.schedule(NO_LEADER_STREAM_CANCEL_MS, () => {
        for (const s of [...this.hasLeaderStreams]) s.end(this.err('ErrNoLeader'));
      }, 'fake.no-leader');
      return;
    }
    for (const [id, l] of this.leases) this.armLease(id, l);
  }

  /** The next `times` calls of `method` on `member` fail with `err`. */
  inject(member: string, method: string, err: StatusError, times = 1): void {
    this.injected.push({ member, method, err, times });
  }

  /** Enables auth with one root user (the client's credentials). */
  enableAuth(user: string, password: string): void {
    this.users.set(user, password);
    this.authEnabled = true;
  }

  /** Writes directly, as another client would. */
  put(key: string, value: string): number {
    this.applyPut({ key, value }, this.revision + 1);
    return this.commit();
  }

  compact(rev: number): void {
    this.compactRevision = rev;
  }

  get(key: string): KeyValue | undefined {
    return this.at(key, this.revision);
  }

  leaseIds(): number[] {
    return [...this.leases.keys()];
  }

  private server(member: string): GrpcServer {
    const s = this.servers.get(member);
    if (s === undefined) throw new Error(`fake cluster has no member "${member}"`);
    return s;
  }

  private err(name: EtcdErrorName): StatusError {
    return grpcError(name, this.version);
  }

  private header(member: string): ResponseHeader {
    return { clusterId: this.clusterId, memberId: this.opts.members.indexOf(member) + 1, revision: this.revision, raftTerm: 2 };
  }

  // --- request path ---

  private register(m: string, s: GrpcServer): void {
    s.intercept((info) => this.intercept(m, info));
    const unary = <Req, Res>(method: string, fn: (req: Req, info: CallInfo) => Res | StatusError | Later, delay = 0): void =>
      s.unary<Req, Res | StatusError>(method, (call) => {
        const res = fn(call.request, call);
        const [ms, answer] = res instanceof Later ? [res.delayMs, res.result] : [delay, res];
        if (ms === 0) call.respond(answer);
        else this.kernel.schedule(ms, () => call.respond(answer), 'fake.apply');
      });
    unary<RangeRequest, unknown>(M.KV.Range, (r) => this.range(m, r));
    unary<PutRequest, unknown>(M.KV.Put, (r) => this.write(m, (rev) => (this.applyPut(r, rev), {})));
    unary<DeleteRangeRequest, unknown>(M.KV.DeleteRange, (r) => this.write(m, (rev) => ({ deleted: this.applyDelete(r, rev), prevKvs: [] })));
    unary<TxnRequest, unknown>(M.KV.Txn, (r) => this.txn(m, r));
    unary<{ revision: number }, unknown>(M.KV.Compact, (r) => {
      if (this.leader === undefined) return this.proposalTimeout();
      if (r.revision <= this.compactRevision) return this.err('ErrCompacted');
      if (r.revision > this.revision) return this.err('ErrFutureRev');
      this.compactRevision = r.revision;
      return { header: this.header(m) };
    });
    unary<{ TTL: number }, unknown>(M.Lease.LeaseGrant, (r) => this.grant(m, r.TTL));
    unary<{ ID: number }, unknown>(M.Lease.LeaseRevoke, (r) => {
      if (this.leader === undefined) return this.proposalTimeout();
      if (!this.leases.has(r.ID)) return this.err('ErrLeaseNotFound');
      this.revoke(r.ID);
      return { header: this.header(m) };
    });
    unary<{ ID: number }, unknown>(M.Lease.LeaseTimeToLive, (r) => {
      const l = this.leases.get(r.ID);
      if (l === undefined) return { header: this.header(m), ID: r.ID, TTL: -1, grantedTTL: 0, keys: [] };
      return { header: this.header(m), ID: r.ID, TTL: Math.ceil((l.expiry - this.kernel.now) / 1000), grantedTTL: l.ttl, keys: [...l.keys] };
    });
    unary<object, unknown>(M.Lease.LeaseLeases, () => ({ header: this.header(m), leases: this.leaseIds().map((ID) => ({ ID })) }));
    unary<{ name: string; password: string }, unknown>(M.Auth.Authenticate, (r) => this.authenticate(m, r), this.authDelay);
    unary<object, unknown>(M.Cluster.MemberList, () => ({
      header: this.header(m),
      members: this.opts.members.map((name, i) => ({ ID: i + 1, name, peerURLs: [`http://${name}:2380`], clientURLs: [`http://${name}:2379`], isLearner: this.learners.has(name) })),
    }));
    unary<object, unknown>(M.Maintenance.Status, () => ({
      header: this.header(m),
      version: this.version === '3.6' ? '3.6.0' : '3.5.21',
      dbSize: 0,
      dbSizeInUse: 0,
      leader: this.leader === undefined ? 0 : this.opts.members.indexOf(this.leader) + 1,
      raftIndex: this.revision,
      raftTerm: 2,
      raftAppliedIndex: this.revision,
      errors: this.leader === undefined ? ['etcdserver: no leader'] : [],
      isLearner: this.learners.has(m),
    }));
    s.stream<object, unknown>(M.Maintenance.Snapshot, (stream) => {
      // The store as JSON, in 64-byte chunks.
      const blob = JSON.stringify([...this.versions.entries()]);
      for (let i = 0; i < blob.length; i += 64) {
        stream.send({ header: this.header(m), remainingBytes: Math.max(0, blob.length - i - 64), blob: blob.slice(i, i + 64) });
      }
      stream.end();
    });
    s.stream<{ ID: number }, unknown>(M.Lease.LeaseKeepAlive, (stream) => this.keepAliveStream(stream));
    s.stream<WatchRequest, WatchResponse>(M.Watch.Watch, (stream) => this.watchStream(m, stream));
  }

  /** etcd's interceptors (server.md §2.1), an injected fault, then the token check. */
  private intercept(m: string, info: CallInfo): StatusError | undefined {
    this.requests.push({ t: this.kernel.now, member: m, method: info.method, token: info.metadata.token });
    if (this.learners.has(m) && info.method !== M.Maintenance.Status) return this.err('ErrGRPCNotSupportedForLearner');
    if (info.metadata.hasleader === 'true' && this.leader === undefined) return this.err('ErrNoLeader');
    const i = this.injected.findIndex((x) => x.member === m && x.method === info.method && x.times > 0);
    if (i >= 0) {
      const inj = this.injected[i];
      if (--inj.times === 0) this.injected.splice(i, 1);
      return inj.err;
    }
    // Auth: Authenticate is not checked (PR #12165); watch reports auth failures per watcher.
    if (!this.authEnabled || info.method === M.Auth.Authenticate || info.method === M.Watch.Watch) return undefined;
    return this.tokenError(info.metadata.token);
  }

  private tokenError(token: string | undefined): StatusError | undefined {
    if (!this.authEnabled) return undefined;
    if (token === undefined) return this.err('ErrUserEmpty');
    return this.tokens.has(token) ? undefined : this.err('ErrInvalidAuthToken');
  }

  private authenticate(m: string, r: { name: string; password: string }): unknown {
    if (!this.authEnabled) return this.err('ErrAuthNotEnabled');
    if (this.users.get(r.name) !== r.password) return this.err('ErrAuthFailed');
    if (this.leader === undefined) return this.proposalTimeout();
    const rng = this.kernel.random(`fake/${this.clusterId}/token`);
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let token = '';
    for (let i = 0; i < 16; i++) token += letters[rng.int(0, letters.length - 1)];
    token += `.${this.revision}`;
    this.tokens.set(token, r.name);
    return { header: this.header(m), token };
  }

  // --- KV ---

  private at(key: string, rev: number): KeyValue | undefined {
    const vs = this.versions.get(key);
    if (vs === undefined) return undefined;
    for (let i = vs.length - 1; i >= 0; i--) {
      if (vs[i].modRevision <= rev) return vs[i].createRevision === 0 ? undefined : vs[i];
    }
    return undefined;
  }

  private keysIn(key: string, rangeEnd: string | undefined): string[] {
    const all = [...this.versions.keys()].sort();
    if (rangeEnd === undefined || rangeEnd === '') return all.filter((k) => k === key);
    if (rangeEnd === '\0') return all.filter((k) => k >= key);
    return all.filter((k) => k >= key && k < rangeEnd);
  }

  private range(m: string, r: RangeRequest): unknown {
    if (r.key === '') return this.err('ErrEmptyKey');
    const rev = r.revision !== undefined && r.revision > 0 ? r.revision : this.revision;
    if (rev < this.compactRevision) return this.err('ErrCompacted');
    if (rev > this.revision) return this.err('ErrFutureRev');
    // Without a leader a linearizable read waits for a ReadIndex until the request timeout.
    if (!r.serializable && this.leader === undefined) return new Later(REQUEST_TIMEOUT_MS, this.err('ErrTimeout'));
    const kvs = this.keysIn(r.key, r.rangeEnd).flatMap((k) => this.at(k, rev) ?? []);
    const limited = r.limit !== undefined && r.limit > 0 ? kvs.slice(0, r.limit) : kvs;
    return { header: this.header(m), kvs: r.countOnly ? [] : limited, more: limited.length < kvs.length, count: kvs.length };
  }

  /** Without a leader a proposal blocks until the request timeout and fails with the raw context error. */
  private proposalTimeout(): Later {
    return new Later(REQUEST_TIMEOUT_MS, new StatusError(Code.DeadlineExceeded, 'context deadline exceeded'));
  }

  /** A write needs a leader; it takes the next revision if it changed anything. */
  private write(m: string, apply: (rev: number) => object): unknown {
    if (this.leader === undefined) return this.proposalTimeout();
    const res = apply(this.revision + 1);
    this.commit();
    return { header: this.header(m), ...res };
  }

  private applyPut(r: PutRequest, rev: number): void {
    const prev = this.at(r.key, rev);
    const kv: KeyValue = {
      key: r.key,
      value: r.value ?? '',
      createRevision: prev?.createRevision ?? rev,
      modRevision: rev,
      version: (prev?.version ?? 0) + 1,
      lease: r.lease ?? 0,
    };
    if (prev !== undefined && prev.lease !== kv.lease) this.leases.get(prev.lease)?.keys.delete(r.key);
    if (kv.lease !== 0) this.leases.get(kv.lease)?.keys.add(r.key);
    this.record(kv, { type: 'PUT', kv });
  }

  private applyDelete(r: DeleteRangeRequest, rev: number): number {
    const keys = this.keysIn(r.key, r.rangeEnd).filter((k) => this.at(k, rev) !== undefined);
    for (const k of keys) {
      const tomb: KeyValue = { key: k, value: '', createRevision: 0, modRevision: rev, version: 0, lease: 0 };
      this.record(tomb, { type: 'DELETE', kv: tomb });
    }
    return keys.length;
  }

  private record(kv: KeyValue, ev: Event): void {
    const vs = this.versions.get(kv.key) ?? [];
    vs.push(kv);
    this.versions.set(kv.key, vs);
    this.pending.push(ev);
  }

  /** Ends a write: bumps the revision if events were recorded and notifies watchers. */
  private commit(): number {
    if (this.pending.length === 0) return this.revision;
    this.revision++;
    const evs = this.pending;
    this.pending = [];
    this.events.push(...evs);
    for (const ws of this.watchStreams) this.notify(ws, evs);
    return this.revision;
  }

  private compare(c: Compare): boolean {
    const kv = this.at(c.key, this.revision);
    const [have, want]: [number | string, number | string] =
      c.target === CompareTarget.VALUE
        ? [kv?.value ?? '', c.value ?? '']
        : c.target === CompareTarget.VERSION
          ? [kv?.version ?? 0, c.version ?? 0]
          : c.target === CompareTarget.CREATE
            ? [kv?.createRevision ?? 0, c.createRevision ?? 0]
            : c.target === CompareTarget.MOD
              ? [kv?.modRevision ?? 0, c.modRevision ?? 0]
              : [kv?.lease ?? 0, c.lease ?? 0];
    if (c.target === CompareTarget.VALUE && kv === undefined) return false;
    switch (c.result) {
      case CompareResult.EQUAL:
        return have === want;
      case CompareResult.NOT_EQUAL:
        return have !== want;
      case CompareResult.GREATER:
        return have > want;
      case CompareResult.LESS:
        return have < want;
    }
  }

  private txn(m: string, r: TxnRequest): unknown {
    const ops = [...(r.success ?? []), ...(r.failure ?? [])];
    const writes = ops.some((o) => o.requestPut !== undefined || o.requestDeleteRange !== undefined);
    if (ops.some((o) => o.requestTxn !== undefined)) return new StatusError(Code.Unimplemented, 'fake cluster: nested txn');
    if (writes && this.leader === undefined) return this.proposalTimeout();
    const succeeded = (r.compare ?? []).every((c) => this.compare(c));
    const rev = this.revision + 1;
    const responses: ResponseOp[] = (succeeded ? (r.success ?? []) : (r.failure ?? [])).map((o: RequestOp) => {
      if (o.requestPut !== undefined) {
        this.applyPut(o.requestPut, rev);
        return { responsePut: { header: { clusterId: 0, memberId: 0, revision: rev, raftTerm: 0 } } };
      }
      if (o.requestDeleteRange !== undefined) {
        const deleted = this.applyDelete(o.requestDeleteRange, rev);
        return { responseDeleteRange: { header: { clusterId: 0, memberId: 0, revision: rev, raftTerm: 0 }, deleted, prevKvs: [] } };
      }
      return { responseRange: this.range(m, o.requestRange as RangeRequest) as never };
    });
    this.commit();
    return { header: this.header(m), succeeded, responses };
  }

  // --- leases ---

  private grant(m: string, ttl: number): unknown {
    if (this.leader === undefined) return this.proposalTimeout();
    const id = this.nextLease++;
    const l: LeaseState = { ttl, expiry: 0, timer: undefined, keys: new Set() };
    this.leases.set(id, l);
    this.armLease(id, l);
    return { header: this.header(m), ID: id, TTL: ttl, error: '' };
  }

  private armLease(id: number, l: LeaseState): void {
    if (l.timer !== undefined) this.kernel.cancel(l.timer);
    l.expiry = this.kernel.now + l.ttl * 1000;
    // Only a leader revokes an expired lease.
    l.timer = this.kernel.at(l.expiry, () => {
      if (this.leader !== undefined) this.revoke(id);
    }, 'fake.lease-expiry');
  }

  private revoke(id: number): void {
    const l = this.leases.get(id);
    if (l === undefined) return;
    if (l.timer !== undefined) this.kernel.cancel(l.timer);
    this.leases.delete(id);
    const rev = this.revision + 1;
    for (const k of [...l.keys].sort()) this.applyDelete({ key: k }, rev);
    this.commit();
  }

  private keepAliveStream(stream: ServerStream<{ ID: number }, unknown>): void {
    if (stream.metadata.hasleader === 'true') {
      this.hasLeaderStreams.add(stream as ServerStream);
      stream.onCancel(() => this.hasLeaderStreams.delete(stream as ServerStream));
    }
    stream.onMessage((req) => {
      // A follower forwards renewals to the leader; with none, the request goes unanswered.
      if (this.leader === undefined) return;
      const l = this.leases.get(req.ID);
      if (l === undefined) return stream.send({ header: this.header(this.leader), ID: req.ID, TTL: 0 });
      this.armLease(req.ID, l);
      stream.send({ header: this.header(this.leader), ID: req.ID, TTL: l.ttl });
    });
  }

  // --- watch ---

  private watchStream(m: string, stream: ServerStream<WatchRequest, WatchResponse>): void {
    const ws: FakeWatchStream = { member: m, stream, watchers: new Map(), nextId: 0 };
    this.watchStreams.add(ws);
    stream.onCancel(() => this.watchStreams.delete(ws));
    if (stream.metadata.hasleader === 'true') {
      this.hasLeaderStreams.add(stream as ServerStream);
      stream.onCancel(() => this.hasLeaderStreams.delete(stream as ServerStream));
    }
    stream.onMessage((req) => {
      if (req.createRequest !== undefined) this.createWatch(ws, req.createRequest);
      else if (req.cancelRequest !== undefined) {
        if (ws.watchers.delete(req.cancelRequest.watchId)) stream.send(this.watchResp(m, req.cancelRequest.watchId, { canceled: true }));
      } else if (req.progressRequest !== undefined && ws.watchers.size > 0) {
        stream.send(this.watchResp(m, -1, {}));
      }
    });
  }

  private watchResp(m: string, watchId: number, f: Partial<WatchResponse>): WatchResponse {
    return { header: this.header(m), watchId, created: false, canceled: false, compactRevision: 0, cancelReason: '', fragment: false, events: [], ...f };
  }

  private createWatch(ws: FakeWatchStream, r: WatchCreateRequest): void {
    const tokenErr = this.tokenError(ws.stream.metadata.token);
    if (tokenErr !== undefined) {
      ws.stream.send(this.watchResp(ws.member, -1, { created: true, canceled: true, cancelReason: tokenErr.message }));
      return;
    }
    const w: FakeWatcher = { id: ws.nextId++, key: r.key === '' ? '\0' : r.key, rangeEnd: r.rangeEnd ?? '', filters: r.filters ?? [] };
    ws.watchers.set(w.id, w);
    ws.stream.send(this.watchResp(ws.member, w.id, { created: true }));
    const start = r.startRevision ?? 0;
    if (start > 0 && start < this.compactRevision) {
      ws.watchers.delete(w.id);
      ws.stream.send(this.watchResp(ws.member, w.id, { canceled: true, compactRevision: this.compactRevision }));
      return;
    }
    if (start > 0 && start <= this.revision) {
      const evs = this.events.filter((e) => e.kv.modRevision >= start && this.matches(w, e));
      if (evs.length > 0) ws.stream.send(this.watchResp(ws.member, w.id, { events: evs }));
    }
  }

  private matches(w: FakeWatcher, e: Event): boolean {
    if (w.filters.includes(e.type === 'PUT' ? 0 : 1)) return false;
    const k = e.kv.key;
    if (w.rangeEnd === '') return k === w.key;
    if (w.rangeEnd === '\0') return k >= w.key;
    return k >= w.key && k < w.rangeEnd;
  }

  private notify(ws: FakeWatchStream, evs: Event[]): void {
    if (!this.servers.get(ws.member)?.isServing || ws.stream.done) return;
    for (const w of ws.watchers.values()) {
      const mine = evs.filter((e) => this.matches(w, e));
      if (mine.length > 0) ws.stream.send(this.watchResp(ws.member, w.id, { events: mine }));
    }
  }
}
