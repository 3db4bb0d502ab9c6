import { at, defineScenario, get, when } from './helpers';

const HEAL_AT = 8000;

export const slowFollowerSnapshot = defineScenario({
  version: 1,
  name: 'slow-follower-snapshot',
  title: 'A follower far behind is caught up by a snapshot',
  description:
    'A follower is cut off while the others keep committing. The leader snapshots its state every --snapshot-count applied entries and then compacts its Raft log, keeping only the last --snapshot-catchup-entries. When the follower returns, the entries it needs are gone from the leader\'s log, so the leader sends it the whole state as a snapshot instead.',
  seed: 1,
  otherSeeds: [2, 3],
  world: { members: 3, snapshotCount: 50, snapshotCatchUpEntries: 10 },
  steps: [
    when({ type: 'leader' }, '$leader leads; $f and $other follow. Small limits for the lesson: a snapshot every 50 entries, keeping 10 entries after it.', [], {
      bind: { leader: '@leader', f: '@follower', other: '@follower2' },
    }),
    at(1000, 'A client that uses $leader and $other starts a write workload.', [
      { type: 'client-add', settings: { endpoints: ['http://$leader:2379', 'http://$other:2379'] } },
      { type: 'workload-start', client: 'c1', workload: { rate: 60, concurrency: 3, keys: 5 } },
    ]),
    at(2000, 'The network isolates $f.', [{ type: 'partition', groups: [['$f'], ['$leader', '$other', 'c1']] }]),
    at(HEAL_AT - 500, 'Hundreds of entries were committed without $f; the leader snapshotted several times and compacted its log past what $f has. The workload stops.', [
      { type: 'workload-stop', client: 'c1' },
    ]),
    at(HEAL_AT, 'The partition heals. The leader probes $f, finds that the next entry $f needs was compacted away, and sends a snapshot (MsgSnap, with the backend database) instead of entries.', [{ type: 'heal' }]),
    at(HEAL_AT + 3000, '$f applied the snapshot: its store is the leader\'s as of the snapshot, and the entries after it followed as usual. A serializable read on $f sees the latest data.', [
      { type: 'client-add', settings: { endpoints: ['http://$f:2379'] } },
      get('c2', 'on-f', 'k/0', true),
    ]),
  ],
  durationMs: HEAL_AT + 4000,
  conclusion: 'Log compaction bounds a member\'s memory and disk; the price is that a follower too far behind needs a full snapshot, which costs far more than a few entries.',
  expectations: [
    { type: 'event-occurs', match: { kind: 'server.snapshot', source: '$leader' }, afterMs: 2000, beforeMs: HEAL_AT, teaches: 'the leader snapshots while the follower is away' },
    { type: 'event-occurs', match: { kind: 'server.snapshot.send', source: '$leader', fields: { outcome: 'sent' } }, afterMs: HEAL_AT, teaches: 'the leader sends a snapshot to the follower' },
    { type: 'event-occurs', match: { kind: 'server.apply.snapshot', source: '$f' }, afterMs: HEAL_AT, teaches: 'the follower applies it' },
    { type: 'request-succeeds', label: 'on-f' },
    { type: 'linearizable', client: 'c1', teaches: 'the workload\'s history stays linearizable' },
    { type: 'no-acknowledged-write-lost', teaches: 'the follower caught up by snapshot has every acknowledged write' },
    { type: 'no-invariant-violations' },
  ],
});
