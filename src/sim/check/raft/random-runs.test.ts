import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRaftObservations } from './checker';
import type { MemberId, RaftObservation } from './observation';

// A small Raft model that follows the protocol's rules (with instant persistence) and
// reports what it does as observations: elections with the up-to-date vote rule,
// stale leaders that keep replicating, truncation at the first conflict, commits of
// own-term entries acknowledged by a majority, applies, crashes and restarts. A correct
// checker finds nothing in any of its runs.

interface Member {
  id: MemberId;
  up: boolean;
  term: number;
  vote: MemberId;
  leader: boolean;
  log: number[]; // log[i - 1] is the term of entry i
  commit: number;
  applied: number;
  /** As leader: how far each member acknowledged its log in its term. */
  match: Map<MemberId, number>;
}

const lastTerm = (m: Member): number => m.log.at(-1) ?? 0;

class Model {
  readonly members: Member[];
  readonly out: RaftObservation[] = [];

  constructor(n: number) {
    const ids = Array.from({ length: n }, (_, k) => k + 1);
    this.members = ids.map((id) => ({
      id,
      up: true,
      term: 0,
      vote: 0,
      leader: false,
      log: [],
      commit: 0,
      applied: 0,
      match: new Map(),
    }));
    for (const id of ids) this.out.push({ kind: 'config', member: id, voters: ids, outgoing: [] });
  }

  private majority(count: number): boolean {
    return count * 2 > this.members.length;
  }

  private setTerm(m: Member, term: number, vote: MemberId, leader: boolean): void {
    m.term = term;
    m.vote = vote;
    m.leader = leader;
    const role = leader ? 'leader' : 'follower';
    this.out.push({ kind: 'state', member: m.id, term, vote, role });
    this.out.push({ kind: 'hard-state', member: m.id, term, vote, commit: m.commit });
  }

  private persist(m: Member, from: number, terms: number[]): void {
    m.log.length = from - 1;
    m.log.push(...terms);
    const entries = terms.map((term, k) => ({ index: from + k, term, digest: `${from + k}@${term}` }));
    if (entries.length > 0) this.out.push({ kind: 'entries', member: m.id, entries });
  }

  private advanceCommit(m: Member, commit: number): void {
    if (commit <= m.commit) return;
    m.commit = commit;
    this.out.push({ kind: 'commit', member: m.id, commit });
    this.out.push({ kind: 'hard-state', member: m.id, term: m.term, vote: m.vote, commit });
  }

  elect(c: Member): void {
    if (!c.up) return;
    const term = Math.max(...this.members.map((m) => m.term)) + 1;
    const upToDate = (v: Member): boolean =>
      lastTerm(c) > lastTerm(v) || (lastTerm(c) === lastTerm(v) && c.log.length >= v.log.length);
    const voters = this.members.filter((v) => v.up && upToDate(v));
    if (!this.majority(voters.length)) return;
    for (const v of voters) if (v !== c) this.setTerm(v, term, c.id, false);
    this.setTerm(c, term, c.id, true);
    c.match = new Map();
    this.propose(c); // the new leader's empty entry
  }

  propose(l: Member): void {
    if (!l.up || !l.leader) return;
    this.persist(l, l.log.length + 1, [l.term]);
    l.match.set(l.id, l.log.length);
  }

  replicate(l: Member, f: Member): void {
    if (!l.up || !l.leader || !f.up || f === l || f.term > l.term) return;
    if (f.term < l.term) this.setTerm(f, l.term, 0, false);
    const conflict = l.log.findIndex((term, k) => f.log[k] !== term);
    if (conflict >= 0) this.persist(f, conflict + 1, l.log.slice(conflict));
    l.match.set(f.id, l.log.length);
    this.advanceCommit(f, Math.min(l.commit, l.log.length));
  }

  commit(l: Member): void {
    if (!l.up || !l.leader) return;
    for (let c = l.log.length; c > l.commit; c--) {
      if (l.log[c - 1] !== l.term) break; // only own-term entries commit by counting (§4.6)
      // Only acks received in its term count, however the logs changed since.
      const acks = this.members.filter((m) => (l.match.get(m.id) ?? 0) >= c);
      if (this.majority(acks.length)) return this.advanceCommit(l, c);
    }
  }

  apply(m: Member): void {
    if (!m.up || m.applied >= m.commit) return;
    m.applied++;
    const term = m.log[m.applied - 1];
    this.out.push({ kind: 'apply', member: m.id, entry: { index: m.applied, term, digest: `${m.applied}@${term}` } });
  }

  crashAndRestart(m: Member): void {
    if (!m.up) return;
    this.out.push({ kind: 'crash', member: m.id });
    m.leader = false;
    m.applied = Math.min(m.applied, m.commit); // its state machine resumes where it was durable
    this.out.push({ kind: 'restart', member: m.id, applied: m.applied });
  }
}

const step = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(), fc.nat());
const steps = (minLength: number) => fc.array(step, { minLength, maxLength: 400, size: 'max' });

function run(size: number, steps: [number, number, number][]): Model {
  const model = new Model(size);
  const pick = (k: number): Member => model.members[k % size];
  // Mostly the newest leader acts; sometimes any member (perhaps a stale leader).
  const newest = (): Member | undefined =>
    model.members.filter((m) => m.leader).sort((x, y) => y.term - x.term)[0];
  for (const [action, a, b] of steps) {
    const m = action !== 0 && a % 4 !== 0 ? (newest() ?? pick(a)) : pick(a);
    if (action === 0) model.elect(m);
    else if (action <= 2) model.propose(m);
    else if (action <= 5) model.replicate(m, pick(b));
    else if (action <= 6) model.commit(m);
    else if (action <= 8) model.apply(m);
    else model.crashAndRestart(m);
  }
  return model;
}

describe('random Raft runs', () => {
  it('raise no alarm', () => {
    fc.assert(
      fc.property(fc.constantFrom(3, 5), steps(0), (size, actions) => {
        expect(checkRaftObservations(run(size, actions).out)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('catch a committed entry that one member changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(3, 5), steps(50), fc.nat(), (size, actions, k) => {
        const model = run(size, actions);
        const committed = model.members.filter((m) => m.up && m.commit > 0);
        fc.pre(committed.length > 0);
        const m = committed[k % committed.length];
        const index = 1 + (k % m.commit);
        const changed: RaftObservation = {
          kind: 'entries',
          member: m.id,
          entries: [{ index, term: m.log[index - 1] + 1 }],
        };
        const found = checkRaftObservations([...model.out, changed]);
        expect(found.map((v) => v.invariant)).toContain('Committed Prefix Agreement');
      }),
      { numRuns: 200 },
    );
  });
});
