// The leader's view of one follower (tracker/progress.go, spec §5.1-§5.2).
import { Inflights } from './inflights';
import { ProgressStateType, progressStateName } from './state';

export class Progress {
  /** Highest index known replicated on the peer. */
  match = 0;
  /** Next index to send. Invariant: match < next. */
  next: number;
  /** Highest commit index sent to the peer (MsgApp or heartbeat). */
  sentCommit = 0;
  state = ProgressStateType.StateProbe;
  /** Index of the snapshot in flight (StateSnapshot only). */
  pendingSnapshot = 0;
  /** Heard from the peer since the last CheckQuorum round. */
  recentActive = false;
  /** Throttle: a probe is outstanding, or the inflight window is full. */
  msgAppFlowPaused = false;
  inflights: Inflights;
  isLearner: boolean;

  constructor(next: number, inflights: Inflights, isLearner: boolean, recentActive = false) {
    this.next = next;
    this.inflights = inflights;
    this.isLearner = isLearner;
    this.recentActive = recentActive;
  }

  /** A shallow copy sharing the Inflights, as the conf changer's copy in etcd. */
  copy(): Progress {
    const p = new Progress(this.next, this.inflights, this.isLearner, this.recentActive);
    p.match = this.match;
    p.sentCommit = this.sentCommit;
    p.state = this.state;
    p.pendingSnapshot = this.pendingSnapshot;
    p.msgAppFlowPaused = this.msgAppFlowPaused;
    return p;
  }

  /** Back to a fresh Probe progress at next, as raft.reset does (§3.2 step 5). */
  resetFresh(next: number): void {
    this.match = 0;
    this.next = next;
    this.sentCommit = 0;
    this.state = ProgressStateType.StateProbe;
    this.pendingSnapshot = 0;
    this.recentActive = false;
    this.msgAppFlowPaused = false;
    this.inflights.reset();
  }

  resetState(state: ProgressStateType): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === ProgressStateType.StateSnapshot) {
      // Resume after the snapshot if it was applied; otherwise from match.
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState(ProgressStateType.StateProbe);
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState(ProgressStateType.StateProbe);
      this.next = this.match + 1;
    }
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
  }

  becomeReplicate(): void {
    this.resetState(ProgressStateType.StateReplicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshoti: number): void {
    this.resetState(ProgressStateType.StateSnapshot);
    this.pendingSnapshot = snapshoti;
    this.next = snapshoti + 1;
    this.sentCommit = snapshoti;
  }

  /** Accounts for a MsgApp of `entries` entries with `bytes` payload just sent. */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case ProgressStateType.StateReplicate:
        if (entries > 0) {
          this.next += entries;
          this.inflights.add(this.next - 1, bytes);
        }
        this.msgAppFlowPaused = this.inflights.full();
        break;
      case ProgressStateType.StateProbe:
        // An empty probe does not pause: it only carries the commit index.
        if (entries > 0) this.msgAppFlowPaused = true;
        break;
      default:
        throw new Error(`sending append in unhandled state ${progressStateName(this.state)}`);
    }
  }

  canBumpCommit(index: number): boolean {
    // Sending is pointless when the peer has no entries to which the commit would apply.
    return index > this.sentCommit && this.sentCommit < this.next - 1;
  }

  sentCommitTo(commit: number): void {
    this.sentCommit = commit;
  }

  /** The peer acknowledged n; returns false if that is stale. */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** The peer rejected a MsgApp at `rejected`; returns false if the rejection is stale. */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressStateType.StateReplicate) {
      if (rejected <= this.match) return false;
      // In Replicate the hint is ignored: resume right after the known match.
      this.next = this.match + 1;
      this.sentCommit = Math.min(this.sentCommit, this.next - 1);
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case ProgressStateType.StateProbe:
      case ProgressStateType.StateReplicate:
        return this.msgAppFlowPaused;
      default:
        return true;
    }
  }

  toString(): string {
    let s = `${progressStateName(this.state)} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.count();
    if (n > 0) {
      s += ` inflight=${n}`;
      if (this.inflights.full()) s += '[full]';
    }
    return s;
  }
}
