// A joint configuration: an incoming and an outgoing majority, both must agree
// (quorum/joint.go, spec §3.8, §4.6). Outside joint consensus the outgoing half is empty.
import type { AckedIndexer } from './quorum';
import { VoteResult } from './quorum';
import { MajorityConfig } from './majority';

export class JointConfig {
  constructor(
    public incoming: MajorityConfig = new MajorityConfig(),
    public outgoing: MajorityConfig = new MajorityConfig(),
  ) {}

  clone(): JointConfig {
    return new JointConfig(this.incoming.clone(), this.outgoing.clone());
  }

  isJoint(): boolean {
    return this.outgoing.size > 0;
  }

  /** Union of both halves, ascending. */
  ids(): number[] {
    const s = new Set<number>(this.incoming.ids);
    for (const id of this.outgoing.ids) s.add(id);
    return Array.from(s).sort((a, b) => a - b);
  }

  has(id: number): boolean {
    return this.incoming.has(id) || this.outgoing.has(id);
  }

  toString(): string {
    if (this.outgoing.size > 0) return this.incoming.toString() + '&&' + this.outgoing.toString();
    return this.incoming.toString();
  }

  committedIndex(l: AckedIndexer): number {
    // Outside a joint config the outgoing half is empty and would answer "unlimited".
    if (this.outgoing.size === 0) return this.incoming.committedIndex(l);
    return Math.min(this.incoming.committedIndex(l), this.outgoing.committedIndex(l));
  }

  voteResult(votes: ReadonlyMap<number, boolean> | undefined): VoteResult {
    const r1 = this.incoming.voteResult(votes);
    const r2 = this.outgoing.voteResult(votes);
    if (r1 === r2) return r1;
    if (r1 === VoteResult.VoteLost || r2 === VoteResult.VoteLost) return VoteResult.VoteLost;
    return VoteResult.VotePending;
  }
}
