import { at, defineScenario, put, request, when } from './helpers';

export const watchCompaction = defineScenario({
  version: 1,
  name: 'watch-resume-compacted',
  title: 'A watch resuming after compaction',
  description:
    'A client watch survives the loss of its member: the client reconnects elsewhere and resumes from the next revision it has not seen. But if, meanwhile, the history it needs was compacted, the member cannot replay it: the watch is canceled with ErrCompacted and the compact revision, and the application must re-read the current state and watch again from there.',
  seed: 1,
  otherSeeds: [2, 3, 4],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$leader leads; $f and $o follow.', [], { bind: { leader: '@leader', f: '@follower', o: '@follower2' } }),
    at(1500, 'Client c1 watches through $f only; client c2 writes through the leader.', [
      { type: 'client-add', settings: { endpoints: ['http://$f:2379'] } },
      { type: 'client-add', settings: { endpoints: ['http://$leader:2379'] } },
    ]),
    at(2000, 'c1 watches key k from now on; c2 puts k=v1 (revision 2). The watch delivers it.', [
      request('c1', 'watch', { op: 'watch', key: 'k' }, 20_000),
      put('c2', 'v1', 'k', 'v1'),
    ]),
    at(2500, '$f crashes: c1\'s watch stream breaks. The watcher remembers the next revision it needs (3) and waits to reconnect; its only endpoint is down.', [{ type: 'crash', member: '$f' }]),
    at(3000, 'Meanwhile c2 puts v2, v3, v4 (revisions 3 to 5)...', [put('c2', 'v2', 'k', 'v2'), put('c2', 'v3', 'k', 'v3'), put('c2', 'v4', 'k', 'v4')]),
    at(3500, '... and compacts the history up to revision 5: the old versions of k are gone.', [request('c2', 'compact', { op: 'compact', revision: 5 })]),
    at(4000, 'c1\'s endpoints are changed to $o. The watch resumes there from revision 3, which was compacted: the member cancels it with compact revision 5 and "mvcc: required revision has been compacted". The events of revisions 3 and 4 are lost to this watcher.', [
      { type: 'client-endpoints', client: 'c1', endpoints: ['http://$o:2379'] },
    ]),
  ],
  durationMs: 6000,
  conclusion: 'A watcher that falls behind a compaction must resynchronize: get the current value (with its revision) and watch again from revision + 1. Compacting too eagerly turns short disconnections into full resyncs.',
  expectations: [
    { type: 'event-occurs', match: { kind: 'world.watch', fields: { label: 'watch', events: 'k=v1@2' } }, teaches: 'the watch delivers the first put' },
    { type: 'request-succeeds', label: 'compact' },
    { type: 'event-occurs', match: { kind: 'world.watch', fields: { label: 'watch', compactRevision: 5 } }, afterMs: 4000, teaches: 'the resumed watch learns the compact revision' },
    { type: 'request-fails', label: 'watch', message: 'mvcc: required revision has been compacted', teaches: 'and is canceled with ErrCompacted' },
    { type: 'no-invariant-violations' },
  ],
});
