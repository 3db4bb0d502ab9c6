import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRaftObservations } from './checker';
import { EtcdTraceError, parseEtcdTrace, readEtcdTrace } from './etcd-trace';
import type { RaftObservation } from './observation';
import type { InvariantName } from './violation';

const TRACE = path.resolve(process.cwd(), '../shared/vectors/etcd-raft-trace/example.ndjson');
const text = readFileSync(TRACE, 'utf8');

/** A trace line as JSON, for mutating. */
interface Line {
  event: {
    name: string;
    nid: string;
    state: { term: number; vote: string; commit: number };
    role: string;
    log: number;
    msg?: { type: string };
  };
}

function lines(): Line[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

function check(mutated: Line[]): InvariantName[] {
  const observations = readEtcdTrace(mutated.map((l) => JSON.stringify(l)).join('\n'));
  return checkRaftObservations(observations).map((v) => v.invariant);
}

/** Position of the first line after `from` matching `match`. */
function find(all: Line[], match: (l: Line) => boolean, from = 0): number {
  const i = all.findIndex((l, k) => k >= from && match(l));
  if (i < 0) throw new Error('no such line');
  return i;
}

/** A copy of the last line of `nid` with the given event fields replaced. */
function lastOf(all: Line[], nid: string, event: Partial<Line['event']>): Line {
  const last = [...all].reverse().find((l) => l.event.nid === nid);
  if (last === undefined) throw new Error(`no line of node ${nid}`);
  const copy = structuredClone(last);
  delete copy.event.msg;
  Object.assign(copy.event, event);
  return copy;
}

describe('etcd/raft trace', () => {
  it('accepts the real trace with zero violations', () => {
    const observations = readEtcdTrace(text);
    expect(checkRaftObservations(observations)).toEqual([]);
    // The derivation reaches the whole run: one leader, entries up to 129 on the leader.
    const leaders = observations.filter((o) => o.kind === 'state' && o.role === 'leader');
    expect(leaders).toEqual([{ kind: 'state', member: 2, t: 102, term: 2, vote: 2, role: 'leader' }]);
    const leaderEntries = observations.flatMap((o) => (o.kind === 'entries' && o.member === 2 ? o.entries : []));
    expect(leaderEntries.at(-1)).toEqual({ index: 129, term: 2 });
    expect(observations.filter((o) => o.kind === 'config').length).toBeGreaterThan(14);
  });

  it('accepts a restart that loses a volatile commit (InitState again)', () => {
    // Node 3 learns a commit from a heartbeat and restarts before a Ready persists it.
    const all = lines();
    let ready: Line | undefined;
    const at = find(all, (l) => {
      if (l.event.nid !== '3') return false;
      if (l.event.name === 'Ready') ready = l;
      return ready !== undefined && l.event.state.commit > ready.event.state.commit && l.event.log === ready.event.log;
    });
    const durable = ready?.event.state.commit ?? 0;
    all.splice(at + 1, 0, lastOf(all.slice(0, at + 1), '3', { name: 'InitState', state: ready?.event.state }));
    const observations = readEtcdTrace(all.map((l) => JSON.stringify(l)).join('\n'));
    expect(observations.filter((o) => o.kind === 'restart')).toEqual([{ kind: 'restart', member: 3, t: at + 2, applied: 0 }]);
    expect(all[at].event.state.commit).toBeGreaterThan(durable);
    expect(checkRaftObservations(observations)).toEqual([]);
  });

  it('rejects a second leader in term 2', () => {
    const all = lines();
    const at = find(all, (l) => l.event.nid === '3' && l.event.state.term === 2 && l.event.name === 'Ready');
    all.splice(at + 1, 0, lastOf(all.slice(0, at + 1), '3', { name: 'BecomeLeader', role: 'StateLeader' }));
    expect(check(all)).toEqual(['Election Safety']);
  });

  it('rejects a commit regression', () => {
    const all = lines();
    const at = find(all, (l) => l.event.nid === '3' && l.event.state.commit >= 60 && l.event.name !== 'Ready');
    all[at].event.state.commit -= 10;
    expect(check(all)).toEqual(['Monotonicity']);
  });

  it('rejects a term regression', () => {
    const all = lines();
    const at = find(all, (l) => l.event.nid === '6' && l.event.state.commit >= 90 && l.event.name !== 'Ready');
    all[at].event.state.term = 1;
    expect(check(all)).toEqual(['Monotonicity']);
  });

  it('rejects a stale member that wins term 3 and commits on its own, changing a committed entry', () => {
    // Node 1 was removed with a log ending at 42; entries up to 129 of term 2 are committed.
    const all = lines();
    const term3 = { term: 3, vote: '1', commit: 12 };
    all.push(
      lastOf(all, '1', { name: 'BecomeCandidate', role: 'StateCandidate', state: term3 }),
      lastOf(all, '1', { name: 'BecomeLeader', role: 'StateLeader', state: term3 }),
      lastOf(all, '1', { name: 'Replicate', role: 'StateLeader', state: term3 }),
      lastOf(all, '1', { name: 'Ready', role: 'StateLeader', state: term3, log: 43 }),
      lastOf(all, '1', { name: 'Commit', role: 'StateLeader', state: { ...term3, commit: 43 }, log: 43 }),
    );
    expect(check(all)).toEqual(['Leader Completeness', 'Quorum Log', 'Committed Prefix Agreement']);
  });

  it('rejects a leader committing before a quorum has persisted the entry', () => {
    // The leader's first commit advance (to 6) moved earlier, to its first Commit event.
    const all = lines();
    const from = find(all, (l) => l.event.nid === '2' && l.event.name === 'Commit');
    const to = find(all, (l) => l.event.nid === '2' && l.event.state.commit === 6);
    for (let i = from; i < to; i++) if (all[i].event.nid === '2') all[i].event.state.commit = 6;
    expect(check(all)).toEqual(['Quorum Log']);
  });

  it('rejects a leader committing its new entry before anyone persisted it', () => {
    // Commit 6 as soon as the leader appends entry 6, before any Ready persists it.
    const all = lines();
    const from = find(all, (l) => l.event.nid === '2' && l.event.log === 6);
    const to = find(all, (l) => l.event.nid === '2' && l.event.state.commit === 6);
    for (let i = from; i < to; i++) if (all[i].event.nid === '2') all[i].event.state.commit = 6;
    expect(check(all)).toEqual(['Quorum Log']);
  });

  // The trace has no applied entries and no payloads, so these mutate its observations.
  it('rejects an applied index beyond the commit index', () => {
    const observations = readEtcdTrace(text);
    const applies: RaftObservation[] = [];
    for (let index = 1; index <= 130; index++) {
      applies.push({ kind: 'apply', member: 3, entry: { index, term: index <= 5 ? 1 : 2 } });
    }
    const found = checkRaftObservations([...observations, ...applies]);
    expect(found.map((v) => v.invariant)).toEqual(['Monotonicity']);
    expect(found[0].message).toBe('Monotonicity: member 3 applied entry 130 beyond its commit index 129');
  });

  it('rejects a follower persisting a different entry at a committed index', () => {
    const changed: RaftObservation = { kind: 'entries', member: 3, entries: [{ index: 100, term: 3 }] };
    const found = checkRaftObservations([...readEtcdTrace(text), changed]);
    expect(found.map((v) => v.invariant)).toEqual(['Committed Prefix Agreement']);
    expect(found[0].message).toContain('member 3 replaced entry 100 of term 2 with term 3, at or below its commit 129');
  });

  describe('malformed input', () => {
    const good = text.split('\n')[0];
    const withEvent = (patch: Record<string, unknown>): string => {
      const line = JSON.parse(good) as { event: Record<string, unknown> };
      return JSON.stringify({ ...line, event: { ...line.event, ...patch } });
    };
    const errorOf = (input: string): EtcdTraceError => {
      try {
        readEtcdTrace(input);
      } catch (e) {
        if (e instanceof EtcdTraceError) return e;
        throw e;
      }
      throw new Error('no error');
    };

    it('names the line and what is wrong', () => {
      expect(errorOf(`${good}\n{"tag":`).message).toMatch(/^line 2: not valid JSON/);
      expect(errorOf(`${good}\n${good}\n${withEvent({ log: -1 })}`).message).toMatch(/^line 3: event\.log: /);
      expect(errorOf(withEvent({ role: 'StateBoss' })).message).toMatch(/^line 1: event\.role: /);
      expect(errorOf(withEvent({ nid: 'n1' })).message).toBe('line 1: event.nid: expected a decimal node id');
      expect(errorOf(withEvent({ name: 'SendAppendEntriesRequest' })).message).toBe(
        'line 1: event.msg: required on SendAppendEntriesRequest',
      );
      expect(errorOf('{"event":{}}').line).toBe(1);
    });

    it('skips blank lines and records not tagged "trace"', () => {
      const other = JSON.stringify({ level: 'info', msg: 'hello', tag: 'other', event: 1 });
      expect(parseEtcdTrace(`\n${other}\n${good}\n`)).toHaveLength(1);
      expect(parseEtcdTrace(`\n${good}`)[0].line).toBe(2);
    });

    it('refuses what it cannot derive', () => {
      const all = lines();
      const at = find(all, (l) => l.event.nid === '3' && l.event.log === 6);
      all[at].event.log = 7;
      expect(() => check(all)).toThrow(`line ${at + 1}: node 3: log grew from 6 to 7 with no MsgApp to explain it`);
      const snap = lines();
      const app = find(snap, (l) => l.event.msg?.type === 'MsgApp');
      snap[app].event.msg = { ...snap[app].event.msg, type: 'MsgSnap' };
      expect(() => check(snap)).toThrow('MsgSnap is not supported');
    });
  });
});
