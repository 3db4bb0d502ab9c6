import { at, defineScenario, get, put, when } from './helpers';

export const restartFromWal = defineScenario({
  version: 1,
  name: 'restart-from-wal',
  title: 'Restart of a member from its WAL',
  description:
    'A follower crashes after some writes and restarts. It finds its WAL, reads the last hard state (term, vote, commit) and the entries since its last snapshot, recovers the key-value store from its backend, and rejoins as a follower; the leader sends it the entries it missed while it was down.',
  seed: 1,
  otherSeeds: [2, 3, 4, 5],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$leader leads; $f follows.', [], { bind: { leader: '@leader', f: '@follower', other: '@follower2' } }),
    at(1000, 'A client that talks only to the other follower $other writes a key.', [
      { type: 'client-add', settings: { endpoints: ['http://$other:2379'] } },
      put('c1', 'before', 'k', 'before-crash'),
    ]),
    at(2000, '$f crashes: whatever was not fsynced is lost, but every entry it acknowledged was synced first.', [{ type: 'crash', member: '$f' }]),
    at(2500, 'The cluster still has a majority (2 of 3): a second write commits without $f.', [put('c1', 'during', 'k', 'while-down')]),
    at(4000, '$f restarts. Its WAL exists, so this is a restart, not a bootstrap: it replays the WAL, recovers its backend at the consistent index it had applied, and starts as a follower at its saved term.', [
      { type: 'restart', member: '$f' },
    ]),
    when({ type: 'event', match: { kind: 'server.role', source: '$f', fields: { role: 'follower' } } }, '$f hears the leader\'s heartbeat; the leader finds where their logs match and sends the missing entry with MsgApp.', [], {
      afterMs: 1000,
    }),
    at(7000, 'A serializable read on $f now answers from its own store, which has caught up.', [
      { type: 'client-add', settings: { endpoints: ['http://$f:2379'] } },
      get('c2', 'on-restarted', 'k', true),
    ]),
  ],
  durationMs: 8000,
  conclusion: 'What a member acknowledged is on its disk before the acknowledgement; a restart replays it, and whatever it missed comes from the leader.',
  expectations: [
    { type: 'request-succeeds', label: 'before' },
    { type: 'request-succeeds', label: 'during', teaches: 'a majority commits without the crashed member' },
    { type: 'event-occurs', match: { kind: 'server.start', source: '$f', fields: { mode: 'restart' } }, afterMs: 4000, teaches: 'the member restarts from its WAL' },
    { type: 'request-succeeds', label: 'on-restarted', result: 'k=while-down', teaches: 'it caught up with the write it missed' },
    { type: 'no-acknowledged-write-lost', teaches: 'the restarted member has every acknowledged write' },
    { type: 'no-invariant-violations' },
  ],
});
