// The Storage interface raft reads its stable log through, and MemoryStorage (spec §4.9).
import type { ConfState, Entry, HardState, Snapshot } from './raftpb';
import { emptySnapshot } from './raftpb';
import { copyList, limitSize } from './util';

/** A storage error; compare by identity with the exported instances. */
export class StorageError extends Error {}

/** The requested index is older than the existing snapshot (compacted away). */
export const ErrCompacted = new StorageError('requested index is unavailable due to compaction');
/** The snapshot to apply or create is older than the existing one. */
export const ErrSnapOutOfDate = new StorageError('requested index is older than the existing snapshot');
/** The requested entry is beyond the last index. */
export const ErrUnavailable = new StorageError('requested entry at index is unavailable');
/** The snapshot is being prepared; raft will retry later. */
export const ErrSnapshotTemporarilyUnavailable = new StorageError('snapshot is temporarily unavailable');

/**
 * Read access to the stable log. Methods throw ErrCompacted / ErrUnavailable /
 * ErrSnapshotTemporarilyUnavailable where etcd returns them.
 */
export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi), limited to maxSize encoded bytes (at least one entry). Returns a
   * fresh array the caller may extend; the entries themselves are never mutated.
   */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  term(i: number): number;
  lastIndex(): number;
  firstIndex(): number;
  snapshot(): Snapshot;
}

/** An in-memory Storage, as etcd's raft.MemoryStorage. */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  protected snap: Snapshot = emptySnapshot();
  // ents[0] is a dummy holding the snapshot's (index, term); offset is its index, kept
  // apart because every bound check reads it.
  private ents: Entry[] = [{ term: 0, index: 0, type: 0, data: undefined }];
  private offset = 0;

  initialState(): { hardState: HardState; confState: ConfState } {
    const hs = this.hardState;
    return { hardState: { term: hs.term, vote: hs.vote, commit: hs.commit }, confState: this.snap.metadata.confState };
  }

  setHardState(st: HardState): void {
    // Copied in place: set on nearly every Ready, read only by initialState (which copies).
    const hs = this.hardState;
    hs.term = st.term;
    hs.vote = st.vote;
    hs.commit = st.commit;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.offset;
    if (lo <= offset) throw ErrCompacted;
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    if (this.ents.length === 1) throw ErrUnavailable;
    return limitSize(copyList(this.ents, lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.offset;
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.ents.length) throw ErrUnavailable;
    return this.ents[i - offset].term;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the contents with the snapshot; ErrSnapOutOfDate if it is not newer. */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 0, data: undefined }];
    this.offset = snap.metadata.index;
  }

  /** Records a snapshot at applied index i (no compaction); ErrSnapOutOfDate if not newer. */
  createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array | undefined): Snapshot {
    if (i <= this.snap.metadata.index) throw ErrSnapOutOfDate;
    const offset = this.offset;
    if (i > this.lastIndex()) throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    this.snap = {
      data,
      metadata: { index: i, term: this.ents[i - offset].term, confState: cs ?? this.snap.metadata.confState },
    };
    return this.snap;
  }

  /** Discards entries before compactIndex; afterwards FirstIndex is compactIndex+1. */
  compact(compactIndex: number): void {
    const offset = this.offset;
    if (compactIndex <= offset) throw ErrCompacted;
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const ents: Entry[] = [{ term: this.ents[i].term, index: this.ents[i].index, type: 0, data: undefined }];
    for (let k = i + 1; k < this.ents.length; k++) ents.push(this.ents[k]);
    this.ents = ents;
    this.offset = ents[0].index;
  }

  /** Appends entries, replacing any existing suffix from their first index on. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return;
    let from = 0;
    if (first > entries[0].index) from = first - entries[0].index;
    const offset = entries[from].index - this.offset;
    if (this.ents.length > offset) {
      this.ents.length = offset;
    } else if (this.ents.length < offset) {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[from].index}]`);
    }
    for (let k = from; k < entries.length; k++) this.ents.push(entries[k]);
  }
}
