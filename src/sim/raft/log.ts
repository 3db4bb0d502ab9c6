// The raft log: stable storage plus the unstable tail, and the commit/apply cursors
// (log.go, spec §4.1-§4.7).
import type { Entry, Snapshot } from './raftpb';
import { noEntries } from './raftpb';
import type { Logger } from './logger';
import { LogLevel } from './logger';
import type { Storage } from './storage';
import { ErrCompacted, ErrUnavailable } from './storage';
import { Unstable } from './log-unstable';
import { entsSize, limitSize } from './util';

export class RaftLog {
  readonly unstable: Unstable;
  /** Highest index known to be committed on a quorum. */
  committed: number;
  /** Highest index handed to the application for applying. */
  applying: number;
  /** Highest index the application confirmed applied. Invariant: applied <= applying <= committed. */
  applied: number;
  /** Encoded bytes of entries being applied, and whether that paused delivery. */
  applyingEntsSize = 0;
  applyingEntsPaused = false;
  /**
   * Injected bug (check/fuzz/inject.ts, set by Raft): an append replaces everything after
   * its previous entry, and a stale one is not turned away below the commit index
   * (Raft.handleAppendEntries), so it drops later entries, committed ones included.
   */
  bugTruncateCommitted = false;

  constructor(
    readonly storage: Storage,
    private readonly logger: Logger,
    readonly maxApplyingEntsSize: number,
  ) {
    const firstIndex = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    this.unstable = new Unstable(lastIndex + 1, lastIndex + 1, logger);
    this.committed = firstIndex - 1;
    this.applying = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  toString(): string {
    return `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, unstable.offset=${this.unstable.offset}, unstable.offsetInProgress=${this.unstable.offsetInProgress}, len(unstable.Entries)=${this.unstable.entries.length}`;
  }

  /**
   * Appends a leader's entries after (prevIndex, prevTerm) if that entry matches, skipping
   * the prefix already present (§4.3). Returns the last new index, or -1 on mismatch.
   */
  maybeAppend(prevIndex: number, prevTerm: number, committed: number, ents: readonly Entry[]): number {
    if (!this.matchTerm(prevIndex, prevTerm)) return -1;
    const lastNew = prevIndex + ents.length;
    if (this.bugTruncateCommitted && ents.length > 0 && lastNew < this.lastIndex()) {
      this.unstable.truncateAndAppend(ents);
      this.commitTo(Math.min(committed, lastNew));
      return lastNew;
    }
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        this.logger.panic(`entry ${ci} conflict with committed entry [committed(${this.committed})]`);
      }
      const offset = prevIndex + 1;
      this.append(ci - offset === 0 ? ents : ents.slice(ci - offset));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0].index - 1;
    if (after < this.committed) {
      this.logger.panic(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** Index of the first entry that does not match the log (0 if all match). */
  findConflict(ents: readonly Entry[]): number {
    for (let i = 0; i < ents.length; i++) {
      const ne = ents[i];
      if (!this.matchTerm(ne.index, ne.term)) {
        if (ne.index <= this.lastIndex() && this.logger.enabled(LogLevel.Info)) {
          const existing = this.zeroTermOnOutOfBounds(ne.index);
          this.logger.info(
            `found conflict at index ${ne.index} [existing term: ${existing}, conflicting term: ${ne.term}]`,
            { event: 'log-conflict', index: ne.index, existingTerm: existing, conflictingTerm: ne.term },
          );
        }
        return ne.index;
      }
    }
    return 0;
  }

  /**
   * The largest index <= index whose term is <= term, or whose term is unknown; returns
   * [index, term] with term 0 when unknown (§4.4).
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      const ourTerm = this.termOrNegative(index);
      if (ourTerm < 0) return [index, 0];
      if (ourTerm <= term) return [index, ourTerm];
    }
    return [0, 0];
  }

  nextUnstableEnts(): Entry[] | undefined {
    return this.unstable.nextEntries();
  }

  hasNextUnstableEnts(): boolean {
    return this.unstable.hasNextEntries();
  }

  hasNextOrInProgressUnstableEnts(): boolean {
    return this.unstable.entries.length > 0;
  }

  /** Committed entries ready to hand to the application (§4.7). */
  nextCommittedEnts(allowUnstable: boolean): Entry[] | undefined {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return undefined;
    const lo = this.applying + 1;
    const hi = this.maxAppliableIndex(allowUnstable) + 1;
    if (lo >= hi) return undefined;
    const maxSize = this.maxApplyingEntsSize - this.applyingEntsSize;
    if (maxSize <= 0) {
      this.logger.panic(`applying entry size (${this.applyingEntsSize}-${this.maxApplyingEntsSize})=${maxSize} not positive`);
    }
    return this.slice(lo, hi, maxSize);
  }

  hasNextCommittedEnts(allowUnstable: boolean): boolean {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return false;
    return this.applying + 1 < this.maxAppliableIndex(allowUnstable) + 1;
  }

  /** Without allowUnstable, only entries already durable locally may be applied. */
  maxAppliableIndex(allowUnstable: boolean): number {
    const hi = this.committed;
    return allowUnstable ? hi : Math.min(hi, this.unstable.offset - 1);
  }

  nextUnstableSnapshot(): Snapshot | undefined {
    return this.unstable.nextSnapshot();
  }

  hasNextUnstableSnapshot(): boolean {
    return this.unstable.nextSnapshot() !== undefined;
  }

  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    const i = this.unstable.maybeFirstIndex();
    return i !== 0 ? i : this.storage.firstIndex();
  }

  lastIndex(): number {
    const i = this.unstable.maybeLastIndex();
    return i !== 0 ? i : this.storage.lastIndex();
  }

  commitTo(tocommit: number): void {
    if (this.committed < tocommit) {
      if (this.lastIndex() < tocommit) {
        this.logger.panic(
          `tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]. Was the raft log corrupted, truncated, or lost?`,
        );
      }
      this.committed = tocommit;
    }
  }

  appliedTo(i: number, size: number): void {
    if (this.committed < i || i < this.applied) {
      this.logger.panic(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = i;
    this.applying = Math.max(this.applying, i);
    this.applyingEntsSize = this.applyingEntsSize > size ? this.applyingEntsSize - size : 0;
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize;
  }

  acceptApplying(i: number, size: number, allowUnstable: boolean): void {
    if (this.committed < i) {
      this.logger.panic(`applying(${i}) is out of range [prevApplying(${this.applying}), committed(${this.committed})]`);
    }
    this.applying = i;
    this.applyingEntsSize += size;
    // Pause when the size budget is used up, or when we returned fewer entries than
    // available (the budget cut the batch short).
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize || i < this.maxAppliableIndex(allowUnstable);
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  acceptUnstable(): void {
    this.unstable.acceptInProgress();
  }

  lastTerm(): number {
    const t = this.termOrNegative(this.lastIndex());
    if (t < 0) this.logger.panic(`unexpected error when getting the last term`);
    return t;
  }

  /** Term of entry i; throws ErrCompacted or ErrUnavailable when it is not known. */
  term(i: number): number {
    const t = this.termOrNegative(i);
    if (t === -1) throw ErrCompacted;
    if (t === -2) throw ErrUnavailable;
    return t;
  }

  /**
   * Term of entry i, or -1 (compacted) / -2 (unavailable). The non-throwing form for hot
   * paths. The term at firstIndex-1 (the snapshot point) is always known.
   */
  termOrNegative(i: number): number {
    // An unstable entry, looked up directly (what maybeTerm finds first).
    const u = this.unstable;
    const k = i - u.offset;
    if (k >= 0 && k < u.entries.length) return u.entries[k].term;
    const ut = u.maybeTerm(i);
    if (ut >= 0) return ut;
    if (i + 1 < this.firstIndex()) return -1;
    if (i > this.lastIndex()) return -2;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err === ErrCompacted) return -1;
      if (err === ErrUnavailable) return -2;
      throw err;
    }
  }

  zeroTermOnOutOfBounds(i: number): number {
    const t = this.termOrNegative(i);
    return t < 0 ? 0 : t;
  }

  /** Entries from i to the end, limited to maxSize encoded bytes. Throws ErrCompacted. */
  entries(i: number, maxSize: number): readonly Entry[] {
    // Asked after the last entry (a caught-up follower): nothing to copy.
    if (i > this.lastIndex()) return noEntries;
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  allEntries(): readonly Entry[] {
    return this.entries(this.firstIndex(), Infinity);
  }

  /** Whether a log ending at (index, term) is at least as up to date as ours (§4.5). */
  isUpToDate(index: number, term: number): boolean {
    const lastTerm = this.lastTerm();
    return term > lastTerm || (term === lastTerm && index >= this.lastIndex());
  }

  matchTerm(index: number, term: number): boolean {
    return this.termOrNegative(index) === term;
  }

  /** Commits up to index if it is in the given term (the leader's own), §4.6. */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.matchTerm(index, term)) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    if (this.logger.enabled(LogLevel.Info)) {
      this.logger.info(`log [${this.toString()}] starts to restore snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`, {
        event: 'log-restore',
        index: s.metadata.index,
        term: s.metadata.term,
      });
    }
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries in [lo, hi) from storage and the unstable tail; throws ErrCompacted (§4.1). */
  slice(lo: number, hi: number, maxSize: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    if (lo === hi) return [];
    const uOffset = this.unstable.offset;
    if (lo >= uOffset) return limitSize(this.unstable.slice(lo, hi), maxSize);
    const cut = Math.min(hi, uOffset);
    let ents: Entry[];
    try {
      ents = this.storage.entries(lo, cut, maxSize);
    } catch (err) {
      if (err === ErrCompacted) throw err;
      if (err === ErrUnavailable) this.logger.panic(`entries[${lo}:${cut}) is unavailable from storage`);
      throw err;
    }
    if (hi <= uOffset) return ents;
    // Storage hit the size limit: do not add unstable entries.
    if (ents.length < cut - lo) return ents;
    const size = entsSize(ents);
    if (size >= maxSize) return ents;
    const rest = limitSize(this.unstable.slice(uOffset, hi), maxSize - size);
    // Only the whole-entry rule of limitSize can let one entry exceed the budget.
    if (rest.length === 1 && size + entsSize(rest) > maxSize) return ents;
    for (let i = 0; i < rest.length; i++) ents.push(rest[i]);
    return ents;
  }

  private mustCheckOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) this.logger.panic(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw ErrCompacted;
    const li = this.lastIndex();
    if (hi > li + 1) this.logger.panic(`slice[${lo},${hi}) out of bound [${fi},${li}]`);
  }
}
