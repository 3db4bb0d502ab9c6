// Client requests as world inputs: a person (in the page) or a scenario step asks a named
// client to send one etcd request with a deadline. The request and its outcome are trace
// events, so expectations, the page and a replay all read them from the same trace.

import { z } from 'zod';
import type { Kernel } from '../kernel/kernel';
import { Context } from '../grpc/context';
import type { Result } from '../grpc/result';
import type { Client } from '../client/client';
import type { RangeResponse, ResponseHeader } from '../mvcc/rpc';
import type { LeaseGrantRequest, LeaseGrantResponse } from '../client/rpc-types';
import * as M from '../client/methods';

declare module '../trace/trace' {
  interface TraceKinds {
    /** A request a person or a scenario asked a client to send. */
    /** A watch response delivered to the application. */
    'world.watch': { client: string; label: string; events: string; compactRevision: number; error?: string };
    'world.request': { client: string; label: string; op: string; detail: string; timeoutMs: number };
    /** Its outcome as the application sees it (after the client's retries). */
    'world.response': { client: string; label: string; op: string; outcome: 'ok' | 'error'; error?: string; result?: string; revision?: number; elapsedMs: number };
  }
}

const Key = z.string().min(1).max(1024);

/** The etcd request a client sends (clientv3 call names, etcdctl's vocabulary). */
export const RequestOpSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put'),
    key: Key,
    value: z.string().max(2_000_000),
    /** Repeat the value to this many bytes (a large request without a large scenario file). */
    valueSize: z.number().int().min(1).max(16 * 1024 * 1024).optional(),
    lease: z.number().int().min(0).optional(),
  }),
  /** `count` puts sent at once (an open-loop burst), to keys `<keyPrefix><i % 100>`. */
  z.object({ op: z.literal('put-burst'), keyPrefix: Key, value: z.string().max(1024), count: z.number().int().min(1).max(20_000) }),
  /** serializable: answered from the contacted member's own state, without a ReadIndex round. */
  z.object({ op: z.literal('get'), key: Key, serializable: z.boolean().default(false) }),
  z.object({ op: z.literal('delete'), key: Key }),
  /** Compacts the key-value history up to this revision (etcdctl compaction). */
  z.object({ op: z.literal('compact'), revision: z.number().int().min(1) }),
  /**
   * A watch on a key from a revision (0 = from now). Its events are traced as
   * world.watch; its outcome comes when it ends: an error (compacted, canceled) or, at
   * the deadline, ok with the events it saw.
   */
  z.object({ op: z.literal('watch'), key: Key, startRevision: z.number().int().min(0).default(0) }),
  /** id: the lease ID to ask for (0 = let the server choose), so later puts can name it. */
  z.object({ op: z.literal('lease-grant'), ttl: z.number().int().min(1).max(9_000_000_000), id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) }),
  z.object({ op: z.literal('member-add'), peerURLs: z.array(z.string().min(1)).min(1), learner: z.boolean().default(false) }),
  z.object({ op: z.literal('member-list') }),
  /** By member name; the world looks up its ID as etcdctl's user would from member list. */
  z.object({ op: z.literal('member-promote'), member: z.string().min(1) }),
  z.object({ op: z.literal('member-remove'), member: z.string().min(1) }),
  /**
   * What `etcdctl user add root` then `etcdctl auth enable` do: add the root user with the
   * password, add the root role when missing, grant it, enable authentication.
   */
  z.object({ op: z.literal('auth-enable'), rootPassword: z.string().min(1) }),
]);

export type RequestOp = z.infer<typeof RequestOpSchema>;
/** As written in an input: defaults may be left out. */
export type RequestOpInput = z.input<typeof RequestOpSchema>;

export const RequestInputFields = {
  client: z.string().min(1).max(64),
  /** Names the request in the trace and in expectations ("put-1"). */
  label: z.string().min(1).max(64),
  request: RequestOpSchema,
  /** The application's context deadline, in virtual ms. */
  timeoutMs: z.number().int().min(1).max(600_000).default(5000),
};

type Emit = (fields: { outcome: 'ok' | 'error'; error?: string; result?: string; revision?: number }) => void;

/** Sends the request through the client's API; reports its outcome once. */
export interface RequestHost {
  kernel: Kernel;
  client: Client;
  memberId(name: string): number;
  /** Traces one watch response. */
  watched(fields: { events: string; compactRevision: number; error?: string }): void;
}

export function sendRequest(host: RequestHost, op: RequestOp, timeoutMs: number, emit: Emit): void {
  const { kernel, client, memberId } = host;
  const [ctx, cancel] = Context.background(kernel).withTimeout(timeoutMs);
  const done = <T>(summarize: (v: T) => string) => (r: Result<T>) => {
    cancel();
    if (!r.ok) return emit({ outcome: 'error', error: r.error.message });
    const header = (r.value as { header?: ResponseHeader }).header;
    emit({ outcome: 'ok', result: summarize(r.value), revision: header?.revision });
  };
  switch (op.op) {
    case 'put':
      return client.kv.put(ctx, op.key, sized(op.value, op.valueSize), op.lease === undefined ? {} : { lease: op.lease }, done(() => 'OK'));
    case 'put-burst':
      return putBurst(client, ctx, op, (r) => {
        cancel();
        emit(r);
      });
    case 'get':
      return client.kv.get(ctx, op.key, { serializable: op.serializable }, done(describeRange));
    case 'compact':
      return client.kv.compact(ctx, op.revision, {}, done(() => `compacted revision ${op.revision}`));
    case 'watch':
      return watch(host, ctx, op, emit);
    case 'delete':
      return client.kv.delete(ctx, op.key, {}, done((v: { deleted: number }) => `deleted ${v.deleted}`));
    case 'lease-grant':
      return client.unary(ctx, M.Lease.LeaseGrant, { TTL: op.ttl, ID: op.id } satisfies LeaseGrantRequest, done((v: LeaseGrantResponse) => `lease ${v.ID.toString(16)} granted with TTL(${v.TTL}s)`));
    case 'member-add': {
      const add = op.learner ? client.cluster.memberAddAsLearner : client.cluster.memberAdd;
      return add.call(client.cluster, ctx, op.peerURLs, done((v) => `member ${v.member.ID.toString(16)} added`));
    }
    case 'member-list':
      return client.cluster.memberList(ctx, done((v) => `${v.members.length} members`));
    case 'member-promote':
      return client.cluster.memberPromote(ctx, memberId(op.member), done(() => `member ${op.member} promoted`));
    case 'member-remove':
      return client.cluster.memberRemove(ctx, memberId(op.member), done(() => `member ${op.member} removed`));
    case 'auth-enable':
      return enableAuth(client, ctx, op.rootPassword, done(() => 'Authentication Enabled'));
  }
}

/** A watch until its deadline (ok, with what it saw) or its first error. */
function watch(host: RequestHost, ctx: Context, op: Extract<RequestOp, { op: 'watch' }>, emit: Emit): void {
  const seen: string[] = [];
  let ended = false;
  const end = (r: Parameters<Emit>[0]) => {
    if (ended) return;
    ended = true;
    emit(r);
  };
  host.client.watcher.watch(ctx, op.key, { rev: op.startRevision }, {
    onResponse(resp) {
      const events = resp.events.map((e) => (e.type === 'PUT' ? `${e.kv.key}=${e.kv.value}@${e.kv.modRevision}` : `delete ${e.kv.key}@${e.kv.modRevision}`));
      seen.push(...events);
      host.watched({ events: events.join(', '), compactRevision: resp.compactRevision, error: resp.err?.message });
      if (resp.err !== undefined) end({ outcome: 'error', error: resp.err.message, result: seen.join(', ') });
    },
    onClose() {
      end({ outcome: 'ok', result: seen.length === 0 ? 'no events' : seen.join(', ') });
    },
  });
}

/** Reports once every put has answered: ok if all succeeded, else the first error and the tally. */
function putBurst(client: Client, ctx: Context, op: Extract<RequestOp, { op: 'put-burst' }>, emit: Emit): void {
  let pending = op.count;
  let failed = 0;
  let firstError: string | undefined;
  for (let i = 0; i < op.count; i++) {
    client.kv.put(ctx, `${op.keyPrefix}${i % 100}`, op.value, {}, (r) => {
      if (!r.ok) {
        failed++;
        firstError ??= r.error.message;
      }
      if (--pending > 0) return;
      const result = `${op.count - failed} of ${op.count} puts succeeded`;
      emit(firstError === undefined ? { outcome: 'ok', result } : { outcome: 'error', error: firstError, result });
    });
  }
}

/** A put's value repeated to `size` bytes (valueSize). */
export function sized(value: string, size: number | undefined): string {
  if (size === undefined) return value;
  const unit = value === '' ? 'x' : value;
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function describeRange(v: RangeResponse): string {
  if (v.kvs.length === 0) return 'no key';
  return v.kvs.map((kv) => `${kv.key}=${kv.value.length > 64 ? `${kv.value.slice(0, 64)}… (${kv.value.length} bytes)` : kv.value}`).join(', ');
}

/** etcdctl's user add + auth enable (etcdctl/ctlv3/command/auth_command.go): root role added on demand. */
function enableAuth(client: Client, ctx: Context, password: string, done: (r: Result<unknown>) => void): void {
  const then = (next: () => void) => (r: Result<unknown>) => (r.ok ? next() : done(r));
  const a = client.auth;
  a.userAdd(ctx, 'root', password, then(() => a.roleAdd(ctx, 'root', then(() => a.userGrantRole(ctx, 'root', 'root', then(() => a.authEnable(ctx, done)))))));
}
