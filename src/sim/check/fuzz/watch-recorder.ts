// Opens watches through the world's clients (client.watcher.watch, the real clientv3
// watch path with its stream resumption) and records every response the application
// would see, for the watch checker (check/watch). A watch that ends (compacted, no
// leader, ...) is reopened from the revision after the last one it saw, as an
// application resuming a watch does: that is what the Resumable guarantee is about.
// Progress is requested now and then so responses include bookmarks.

import type { World, WorldClient } from '../../world/world';
import type { Client } from '../../client/client';
import type { ClientWatchResponse } from '../../client/watch';
import type { Event, KeyValue } from '../../mvcc/mvccpb';
import type { RecordedKeyValue, RecordedWatch, RecordedEvent } from '../watch/history';
import { getPrefixRangeEnd } from '../../mvcc/bytes';

const POLL_MS = 50;
const REOPEN_MS = 100;
const PROGRESS_EVERY_MS = 700;
/** An application closes and resumes each watch this often, exercising Resumable. */
const RESUME_EVERY_MS = 1500;

export interface WatchRecorderOptions {
  /** The watched prefix (the workload's keys). */
  prefix: string;
  watchesPerClient: number;
  /**
   * Injected application bug: resume from the last revision seen instead of the one
   * after it (a duplicate event, which Unique must catch).
   */
  resumeAtLastRevision?: boolean;
}

export class WatchRecorder {
  readonly watches: RecordedWatch[] = [];
  private stopped = false;
  private readonly cancels: (() => void)[] = [];

  constructor(
    private readonly world: World,
    private readonly options: WatchRecorderOptions,
  ) {
    // With no watches nothing is scheduled, so the run stays replayable by World.replay.
    if (options.watchesPerClient === 0) return;
    for (const wc of world.clients) this.whenConnected(wc, (c) => this.startClient(c));
  }

  /** Stops reopening and closes every watch (their records stay). */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** The highest revision each open watch has seen (event or bookmark), for waiting until they catch up. */
  openWatchesSeenUpTo(): number[] {
    return this.watches.filter((w) => w.closed === undefined).map(seenUpTo);
  }

  /** Asks every client's watch streams for a progress notification. */
  requestProgress(): void {
    for (const wc of this.world.clients) wc.client?.watcher.requestProgress(wc.client.ctx);
  }

  private whenConnected(wc: WorldClient, then: (c: Client) => void): void {
    if (this.stopped || wc.error !== undefined) return;
    if (wc.client !== undefined) return then(wc.client);
    this.world.kernel.schedule(POLL_MS, () => this.whenConnected(wc, then), 'fuzz.watch-wait');
  }

  private startClient(c: Client): void {
    // The first watch starts at "now" and lives long (a lost event shows as a gap); others
    // replay the whole history from revision 1 and are closed and resumed now and then.
    for (let i = 0; i < this.options.watchesPerClient; i++) this.open(c, i === 0 ? 0 : 1, i > 0);
    const progress = (): void => {
      if (this.stopped) return;
      c.watcher.requestProgress(c.ctx);
      this.world.kernel.schedule(PROGRESS_EVERY_MS, progress, 'fuzz.watch-progress');
    };
    this.world.kernel.schedule(PROGRESS_EVERY_MS, progress, 'fuzz.watch-progress');
  }

  private open(c: Client, startRevision: number, resumeOften: boolean, resumes?: number): void {
    if (this.stopped || c.isClosed) return;
    const { prefix } = this.options;
    const record: RecordedWatch = {
      id: this.watches.length,
      client: c.name,
      key: prefix,
      rangeEnd: getPrefixRangeEnd(prefix),
      startRevision,
      prevKv: true,
      opened: c.kernel.now,
      responses: [],
      ...(resumes === undefined ? {} : { resumes }),
    };
    this.watches.push(record);
    const [ctx, cancel] = c.ctx.withCancel();
    this.cancels.push(cancel);
    if (resumeOften) this.world.kernel.schedule(RESUME_EVERY_MS, cancel, 'fuzz.watch-resume');
    c.watcher.watch(ctx, prefix, { rev: startRevision, rangeEnd: record.rangeEnd, prevKv: true, createdNotify: true, progressNotify: true }, {
      onResponse: (r) => record.responses.push(recordResponse(c.kernel.now, r)),
      onClose: () => {
        record.closed = c.kernel.now;
        if (this.stopped) return;
        const last = lastEventRevision(record);
        const next = last === 0 ? record.startRevision : this.options.resumeAtLastRevision ? last : last + 1;
        const compacted = record.responses.some((r) => r.compactRevision !== 0);
        this.world.kernel.schedule(REOPEN_MS, () => this.open(c, compacted ? 0 : next, resumeOften, compacted ? undefined : record.id), 'fuzz.watch-reopen');
      },
    });
  }
}

function seenUpTo(w: RecordedWatch): number {
  let rev = 0;
  for (const r of w.responses) {
    if (r.progressNotify) rev = Math.max(rev, r.revision);
    for (const e of r.events) rev = Math.max(rev, e.kv.modRevision);
  }
  return rev;
}

function lastEventRevision(w: RecordedWatch): number {
  let rev = 0;
  for (const r of w.responses) for (const e of r.events) rev = Math.max(rev, e.kv.modRevision);
  return rev;
}

function recordResponse(t: number, r: ClientWatchResponse): RecordedWatch['responses'][number] {
  return {
    t,
    revision: r.header.revision,
    events: r.events.map(recordEvent),
    created: r.created,
    progressNotify: r.isProgressNotify,
    canceled: r.canceled,
    compactRevision: r.compactRevision,
    ...(r.err === undefined ? {} : { error: r.err.message }),
  };
}

export function recordEvent(e: Event): RecordedEvent {
  return { type: e.type, kv: recordKv(e.kv), ...(e.prevKv === undefined ? {} : { prevKv: recordKv(e.prevKv) }) };
}

function recordKv(kv: KeyValue): RecordedKeyValue {
  return { key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}
