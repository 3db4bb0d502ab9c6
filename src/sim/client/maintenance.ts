// The Maintenance API (client/v3/maintenance.go). Status, HashKV and Defragment address
// one endpoint through their own connection, opened and closed per call (§1.3); Alarm,
// MoveLeader and Downgrade use the balanced connection.

import type { Context } from '../grpc/context';
import type { HashKVResponse } from '../mvcc/rpc';
import * as M from './methods';
import type {
  AlarmRequest,
  AlarmResponse,
  AlarmType,
  HeaderOnlyResponse,
  MoveLeaderRequest,
  SnapshotRequest,
  SnapshotResponse,
  StatusRequest,
  StatusResponse,
} from './rpc-types';
import { contextError } from './rpctypes';
import type { Client } from './client';
import type { Done } from './kv';

export class Maintenance {
  constructor(private readonly client: Client) {}

  alarmList(ctx: Context, done: Done<AlarmResponse>): void {
    this.client.unary(ctx, M.Maintenance.Alarm, { action: 'GET', memberID: 0, alarm: 'NONE' } satisfies AlarmRequest, done);
  }
  alarmDisarm(ctx: Context, memberID: number, alarm: AlarmType, done: Done<AlarmResponse>): void {
    this.client.unary(ctx, M.Maintenance.Alarm, { action: 'DEACTIVATE', memberID, alarm } satisfies AlarmRequest, done);
  }
  moveLeader(ctx: Context, targetID: number, done: Done<HeaderOnlyResponse>): void {
    this.client.unary(ctx, M.Maintenance.MoveLeader, { targetID } satisfies MoveLeaderRequest, done);
  }
  /**
   * Snapshot: streams the backend in chunks. Until the first chunk arrives, a failing
   * stream is retried like a repeatable unary call; then errors end the snapshot.
   */
  snapshot(ctx: Context, listener: { onChunk(chunk: SnapshotResponse): void; onEnd(err: Error | undefined): void }): void {
    const v = this.client.version;
    this.client.retryingServerStream(
      ctx,
      M.Maintenance.Snapshot,
      {} satisfies SnapshotRequest,
      { onMessage: (m) => listener.onChunk(m as SnapshotResponse), onEnd: (err) => listener.onEnd(err === undefined ? undefined : contextError(ctx, err, v)) },
      (r) => {
        if (!r.ok) listener.onEnd(contextError(ctx, r.error, v));
      },
    );
  }

  status(ctx: Context, endpoint: string, done: Done<StatusResponse>): void {
    this.onEndpoint(ctx, endpoint, M.Maintenance.Status, {} satisfies StatusRequest, done);
  }
  hashKV(ctx: Context, endpoint: string, revision: number, done: Done<HashKVResponse>): void {
    this.onEndpoint(ctx, endpoint, M.Maintenance.HashKV, { revision }, done);
  }
  defragment(ctx: Context, endpoint: string, done: Done<HeaderOnlyResponse>): void {
    this.onEndpoint(ctx, endpoint, M.Maintenance.Defragment, {}, done);
  }

  private onEndpoint<Res>(ctx: Context, endpoint: string, method: M.Method, req: unknown, done: Done<Res>): void {
    const d = this.client.dial(endpoint);
    d.unary<Res>(ctx, method, req, (r) => {
      d.conn.close();
      done(r);
    });
  }
}
