// Raft snapshots of one member run (etcd server.go snapshot/compactRaftLog and
// snapshot_merge.go, spec server.md §3.6-3.7): when to take an in-memory or disk
// snapshot and how far to compact the raft log (keeping SnapshotCatchUpEntries), the
// merged snapshots (membership + whole db) a leader sends to followers behind its
// compacted log, and a follower storing a received db before raft sees the snapshot.

import type { Kernel } from '../kernel/kernel';
import { SnapshotStatus } from '../raft/node';
import type { ConfState, Message, Snapshot } from '../raft/raftpb';
import { ErrCompacted, ErrSnapOutOfDate } from '../raft/storage';
import type { ServerConfig } from './config';
import { memorySnapshotCount } from './config';
import { formatMemberId } from './membership/member';
import type { RaftNode } from './raft-node';

/** What the snapshot code reads of its member. */
export interface SnapshotHost {
  readonly name: string;
  readonly kernel: Kernel;
  readonly config: ServerConfig;
  readonly node: RaftNode;
  /** The last applied entry and the configuration it left. */
  applied(): { index: number; term: number; confState: ConfState };
  /** The membership as raft snapshot data (etcd: the v2 store JSON). */
  clusterData(): Uint8Array;
  /** Force-commits the backend (bbolt commit), so the consistent index covers the snapshot. */
  commitBackend(why: string): void;
  /** The whole db as a merged snapshot carries it. */
  db(): Uint8Array;
  /** Schedules fn on the kernel for this run only (dropped when the member stops). */
  schedule(ms: number, fn: () => void, label: string): void;
}

export class RaftSnapshots {
  private diskSnapshotIndex: number;
  private memorySnapshotIndex: number;
  /** MsgSnap raft asked to send, waiting for the apply loop to merge them with the db. */
  private pending: Message[] = [];
  /** Merged snapshots in flight (and 30 s after each success): raft log compaction waits. */
  private inflight = 0;
  private stopped = false;

  constructor(
    private readonly host: SnapshotHost,
    snapshotIndex: number,
  ) {
    this.diskSnapshotIndex = snapshotIndex;
    this.memorySnapshotIndex = snapshotIndex;
  }

  /** The member stopped: late callbacks of this run do nothing. */
  stop(): void {
    this.stopped = true;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** A MsgSnap from raft: sent by the apply loop once its current work is done (§3.7). */
  queue(m: Message): void {
    this.pending.push(m);
  }

  /** A leader's snapshot was applied: the member's state now starts at `index`. */
  restored(index: number): void {
    this.diskSnapshotIndex = index;
    this.memorySnapshotIndex = index;
  }

  /** 3.6 snapshotIfNeededAndCompactRaftLog (§3.6), after each applied Ready is durable. */
  snapshotIfNeededAndCompactRaftLog(): void {
    const { host } = this;
    const { config, kernel, node } = host;
    const { index: applied, confState } = host.applied();
    const toDisk = applied - this.diskSnapshotIndex > config.snapshotCount;
    const toMemory = applied > this.memorySnapshotIndex + memorySnapshotCount;
    if (!toDisk && !toMemory) return;
    if (toDisk) host.commitBackend(`snapshot at index ${applied}`);
    let snap: Snapshot;
    try {
      snap = node.memStorage.createSnapshot(applied, confState, host.clusterData());
    } catch (err) {
      if (err === ErrSnapOutOfDate) return;
      throw err;
    }
    this.memorySnapshotIndex = applied;
    if (toDisk) {
      node.storage.saveSnap(snap);
      this.diskSnapshotIndex = applied;
      node.storage.release(snap);
    }
    let compactTo = 0;
    if (this.inflight === 0) {
      const catchUp = config.snapshotCatchUpEntries;
      compactTo = applied > catchUp ? applied - catchUp : 1;
      try {
        node.memStorage.compact(compactTo);
      } catch (err) {
        if (err !== ErrCompacted) throw err;
      }
    }
    if (toDisk || kernel.trace.enabled('debug')) {
      kernel.trace.emit(
        host.name,
        'server.snapshot',
        { index: applied, toDisk, compactTo },
        {
          reason: toDisk
            ? `applied index is more than snapshot-count (${config.snapshotCount}) past the last disk snapshot`
            : `in-memory snapshot every ${memorySnapshotCount} entries; raft log kept from ${compactTo}`,
        },
        toDisk ? 'info' : 'debug',
      );
    }
  }

  /** Merged snapshots (§3.7): metadata at the applied index, data = membership, plus the whole db. */
  sendPending(): void {
    const { host } = this;
    const msgs = this.pending;
    this.pending = [];
    const db = host.db();
    const { index, term, confState } = host.applied();
    for (const m of msgs) {
      const snapshot: Snapshot = { data: host.clusterData(), metadata: { index, term, confState } };
      this.inflight++;
      host.kernel.trace.emit(
        host.name,
        'server.snapshot.send',
        { to: formatMemberId(m.to), index, bytes: db.length, outcome: 'sent' },
        { reason: 'follower needs entries the leader has compacted: send the whole db' },
      );
      host.node.transport.sendSnapshot({ ...m, snapshot }, db);
    }
  }

  /** The transport's report of a merged snapshot sent to `id`. */
  report(id: number, ok: boolean): void {
    if (this.stopped) return;
    const { host } = this;
    host.node.rawNode.reportSnapshot(id, ok ? SnapshotStatus.SnapshotFinish : SnapshotStatus.SnapshotFailure);
    host.node.kick();
    host.kernel.trace.emit(
      host.name,
      'server.snapshot.send',
      { to: formatMemberId(id), index: 0, bytes: 0, outcome: ok ? 'finish' : 'failure' },
      { reason: ok ? 'follower stored the snapshot' : 'snapshot transfer failed' },
    );
    // etcd keeps log compaction paused 30 s more after a successful transfer.
    const release = () => {
      this.inflight = Math.max(0, this.inflight - 1);
    };
    if (ok) host.schedule(30_000, release, `${host.name} snapshot release`);
    else release();
  }

  /** A follower receives a merged snapshot: store its db, then let raft see it. */
  receive(m: Message, db: Uint8Array, done: (ok: boolean) => void): void {
    const { host } = this;
    const index = m.snapshot?.metadata.index ?? 0;
    host.kernel.trace.emit(
      host.name,
      'server.snapshot.receive',
      { from: formatMemberId(m.from), index, bytes: db.length },
      { reason: 'db saved as <index>.snap.db before raft sees the snapshot' },
    );
    host.node.storage.snapshotter.saveDBFrom(db, index, (err) => {
      if (this.stopped) return;
      if (err !== undefined) {
        done(false);
        return;
      }
      host.node.step(m);
      done(true);
    });
  }
}
