// Each member's key-value state as the trace tells it: keys (from the store's write
// events), the current and compacted revisions, watchers and leases. Folded like the rest
// of the frame, so the view at any cursor shows that moment.

/** How many keys a member's frame keeps; writes to further keys are only counted. */
export const KV_KEYS = 200;

export interface KeyView {
  createRevision: number;
  modRevision: number;
  version: number;
  /** Lease ID (0: none). */
  lease: number;
  /** Deleted, with its history still kept (until a compaction passes it). */
  deleted: boolean;
}

export interface WatcherView {
  /** "stream/watch" IDs as the server numbers them. */
  id: string;
  key: string;
  /** Range end: absent for one key, '' for every key from `key`. */
  end?: string;
  startRevision: number;
  /** Set when the watcher was told its start revision was compacted. */
  compactedAt?: number;
}

export interface LeaseView {
  id: number;
  /** Granted TTL, seconds. */
  ttl: number;
  /** Virtual ms at which the lease expires, or 'forever' on a member that is not the primary lessor. */
  expiry: number | 'forever' | 'unknown';
  /** Keys attached. */
  keys: string[];
  /** Remaining TTL last checkpointed (seconds), if any. */
  checkpointed?: number;
}

export interface KvFrame {
  revision: number;
  /** -1 before any compaction. */
  compacted: number;
  keys: Record<string, KeyView>;
  /** Keys written past KV_KEYS, not shown. */
  hidden: number;
  watchers: WatcherView[];
  leases: LeaseView[];
  /** Set when a snapshot replaced the store with keys this frame has not seen written. */
  restoredAt?: number;
}

export function emptyKv(): KvFrame {
  return { revision: 1, compacted: -1, keys: {}, hidden: 0, watchers: [], leases: [] };
}

type Fields = Record<string, unknown>;

interface Change {
  key: string;
  createRevision: number;
  version: number;
  lease: number;
}

/** The changes of an mvcc.write event: the first in its scalar fields, then `more`. */
export function writeChanges(ev: Fields): Change[] {
  const first = { key: String(ev.key), createRevision: Number(ev.createRevision), version: Number(ev.version), lease: Number(ev.lease) };
  return [first, ...((ev.more as Change[] | undefined) ?? [])];
}

/** Folds one 'server.mvcc' event. */
export function foldMvcc(kv: KvFrame, ev: Fields): void {
  switch (ev.type) {
    case 'mvcc.write': {
      const rev = Number(ev.revision);
      kv.revision = rev;
      for (const c of writeChanges(ev)) {
        if (!(c.key in kv.keys) && Object.keys(kv.keys).length >= KV_KEYS) {
          kv.hidden++;
          continue;
        }
        const prev = kv.keys[c.key];
        // A deletion record (create revision 0) keeps what the key was, marked deleted.
        kv.keys[c.key] =
          c.createRevision === 0
            ? { createRevision: prev?.createRevision ?? 0, modRevision: rev, version: prev?.version ?? 0, lease: 0, deleted: true }
            : { createRevision: c.createRevision, modRevision: rev, version: c.version, lease: c.lease, deleted: false };
      }
      break;
    }
    case 'mvcc.compact': {
      const rev = Number(ev.revision);
      kv.compacted = rev;
      // A deleted key's history goes once the compaction reaches its deletion.
      for (const [k, v] of Object.entries(kv.keys)) if (v.deleted && v.modRevision <= rev) delete kv.keys[k];
      break;
    }
    case 'mvcc.restore': {
      kv.revision = Number(ev.currentRevision);
      kv.compacted = Number(ev.compactRevision);
      const live = Object.values(kv.keys).filter((v) => !v.deleted).length;
      if (live !== Number(ev.keys)) kv.restoredAt = kv.revision;
      break;
    }
    case 'watch.created':
      kv.watchers = [
        ...kv.watchers,
        {
          id: `${String(ev.streamId)}/${String(ev.watchId)}`,
          key: String(ev.key),
          ...(ev.end === undefined ? {} : { end: String(ev.end) }),
          startRevision: Number(ev.startRevision),
        },
      ];
      break;
    case 'watch.compacted': {
      const id = `${String(ev.streamId)}/${String(ev.watchId)}`;
      kv.watchers = kv.watchers.map((w) => (w.id === id ? { ...w, compactedAt: Number(ev.compactRevision) } : w));
      break;
    }
    case 'watch.canceled': {
      const id = `${String(ev.streamId)}/${String(ev.watchId)}`;
      kv.watchers = kv.watchers.filter((w) => w.id !== id);
      break;
    }
  }
}

/** Folds one 'server.lease' event at time t. */
export function foldLease(kv: KvFrame, ev: Fields, t: number): void {
  const id = Number(ev.id);
  const find = () => kv.leases.find((l) => l.id === id);
  switch (ev.event) {
    case 'lease-granted':
      kv.leases = [...kv.leases.filter((l) => l.id !== id), { id, ttl: Number(ev.ttl), expiry: ev.expiry as number | 'forever', keys: [] }];
      break;
    case 'lease-revoked':
      kv.leases = kv.leases.filter((l) => l.id !== id);
      break;
    case 'lease-renewed': {
      const l = find();
      if (l !== undefined) {
        l.ttl = Number(ev.ttl);
        l.expiry = Number(ev.expiry);
        delete l.checkpointed;
      }
      break;
    }
    case 'lease-checkpointed': {
      const l = find();
      if (l !== undefined) l.checkpointed = Number(ev.remainingTTL);
      break;
    }
    case 'lease-attached':
    case 'lease-detached': {
      const l = find();
      if (l === undefined) break;
      const keys = ev.keys as string[];
      const others = l.keys.filter((k) => !keys.includes(k));
      l.keys = ev.event === 'lease-attached' ? [...others, ...keys].sort() : others;
      break;
    }
    case 'lessor-promoted':
      // The rule the lessor states: expiry = now + extendMs + remaining TTL (checkpointed,
      // else full). Staggered expiries (over etcd's revoke rate) are not traced per lease.
      for (const l of kv.leases) {
        l.expiry = Number(ev.staggered) > 0 ? 'unknown' : t + Number(ev.extendMs) + (l.checkpointed ?? l.ttl) * 1000;
      }
      break;
    case 'lessor-demoted':
      for (const l of kv.leases) l.expiry = 'forever';
      break;
  }
}

/** Seconds left on a lease at time t: undefined when it is not counting down here. */
export function remainingTTL(l: LeaseView, t: number): number | undefined {
  return typeof l.expiry === 'number' ? Math.max(0, (l.expiry - t) / 1000) : undefined;
}
