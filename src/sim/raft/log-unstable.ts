// The not-yet-durable tail of the log: an optional incoming snapshot followed by entries
// (log_unstable.go, spec §4.2). Entries below offsetInProgress were handed out in a Ready.
import type { Entry, Snapshot } from './raftpb';
import type { Logger } from './logger';
import { LogLevel } from './logger';
import { clearList, copyList } from './util';

export class Unstable {
  snapshot: Snapshot | undefined = undefined;
  entries: Entry[] = [];
  snapshotInProgress = false;

  constructor(
    public offset: number,
    public offsetInProgress: number,
    private readonly logger: Logger,
  ) {}

  /** First index if a snapshot is pending, else 0 (unknown). */
  maybeFirstIndex(): number {
    return this.snapshot !== undefined ? this.snapshot.metadata.index + 1 : 0;
  }

  /** Last index held here, else 0 (unknown). */
  maybeLastIndex(): number {
    if (this.entries.length !== 0) return this.offset + this.entries.length - 1;
    if (this.snapshot !== undefined) return this.snapshot.metadata.index;
    return 0;
  }

  /** Term of entry i if held here, else -1. */
  maybeTerm(i: number): number {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return -1;
    }
    const last = this.maybeLastIndex();
    if (last === 0 || i > last) return -1;
    return this.entries[i - this.offset].term;
  }

  /** Entries not yet handed out in a Ready (a copy), or undefined. */
  nextEntries(): Entry[] | undefined {
    const inProgress = this.offsetInProgress - this.offset;
    if (this.entries.length === inProgress) return undefined;
    return copyList(this.entries, inProgress, this.entries.length);
  }

  hasNextEntries(): boolean {
    return this.entries.length > this.offsetInProgress - this.offset;
  }

  nextSnapshot(): Snapshot | undefined {
    return this.snapshotInProgress ? undefined : this.snapshot;
  }

  /** Marks everything currently held as handed out to storage. */
  acceptInProgress(): void {
    if (this.entries.length > 0) this.offsetInProgress = this.entries[this.entries.length - 1].index + 1;
    if (this.snapshot !== undefined) this.snapshotInProgress = true;
  }

  /** Entries up to (index, term) are durable: drop them, unless the log changed meanwhile. */
  stableTo(index: number, term: number): void {
    const gt = this.maybeTerm(index);
    if (gt < 0) {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`entry at index ${index} missing from unstable log; ignoring`, { event: 'stable-to-ignored', index, term });
      }
      return;
    }
    if (index < this.offset) {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`entry at index ${index} matched unstable snapshot; ignoring`, { event: 'stable-to-ignored', index, term });
      }
      return;
    }
    if (gt !== term) {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(
          `entry at (index,term)=(${index},${term}) mismatched with entry at (${index},${gt}) in unstable log; ignoring`,
          { event: 'stable-to-ignored', index, term, unstableTerm: gt },
        );
      }
      return;
    }
    // Usually everything held is now durable: empty the list in place (no removed-items array).
    const n = index + 1 - this.offset;
    if (n === this.entries.length) clearList(this.entries);
    else this.entries.splice(0, n);
    this.offset = index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  stableSnapTo(i: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === i) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = s;
    this.snapshotInProgress = false;
  }

  truncateAndAppend(ents: readonly Entry[]): void {
    const fromIndex = ents[0].index;
    if (fromIndex === this.offset + this.entries.length) {
      // The common case: directly after the current tail.
    } else if (fromIndex <= this.offset) {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`replace the unstable entries from index ${fromIndex}`, { event: 'unstable-replace', index: fromIndex });
      }
      // The log is being truncated to before our current offset: replace everything.
      this.entries = [];
      this.offset = fromIndex;
      this.offsetInProgress = fromIndex;
    } else {
      if (this.logger.enabled(LogLevel.Info)) {
        this.logger.info(`truncate the unstable entries before index ${fromIndex}`, { event: 'unstable-truncate', index: fromIndex });
      }
      this.mustCheckOutOfBounds(this.offset, fromIndex);
      this.entries.length = fromIndex - this.offset;
      this.offsetInProgress = Math.min(this.offsetInProgress, fromIndex);
    }
    for (let i = 0; i < ents.length; i++) this.entries.push(ents[i]);
  }

  /** Entries in [lo, hi) (a copy); both must lie within the unstable entries. */
  slice(lo: number, hi: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    return copyList(this.entries, lo - this.offset, hi - this.offset);
  }

  private mustCheckOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) this.logger.panic(`invalid unstable.slice ${lo} > ${hi}`);
    const upper = this.offset + this.entries.length;
    if (lo < this.offset || hi > upper) this.logger.panic(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`);
  }
}
