import { at, defineScenario, get, request, when } from './helpers';

const LEASE = 0x1234;
const CRASH_AT = 3000;

export const leaseLeaderChange = defineScenario({
  version: 1,
  name: 'lease-leader-change',
  title: 'Lease expiry across a leader change',
  description:
    'Only the leader expires leases: its lessor is the primary, and it revokes an expired lease through Raft. When the leader dies, the new leader\'s lessor is promoted and gives every lease a fresh full TTL (plus an election timeout), because it cannot know how long the old leader had left. A lease can therefore outlive its TTL across a leader change, never expire early.',
  seed: 1,
  otherSeeds: [2, 3, 4],
  world: { members: 3 },
  steps: [
    when({ type: 'leader' }, '$old leads.', [], { bind: { old: '@leader', a: '@follower', b: '@follower2' } }),
    at(1500, 'A client that uses the two followers grants a lease of 5 s (ID 1234) and attaches a key to it. Nobody will keep the lease alive.', [
      { type: 'client-add', settings: { endpoints: ['http://$a:2379', 'http://$b:2379'] } },
      request('c1', 'grant', { op: 'lease-grant', ttl: 5, id: LEASE }),
    ]),
    when({ type: 'response', label: 'grant' }, 'The lease exists; the key is put with it.', [request('c1', 'put', { op: 'put', key: 'session', value: 'alive', lease: LEASE })]),
    at(CRASH_AT, 'The leader $old crashes about 1.5 s into the lease\'s 5 s. Its lessor, the only one counting down, dies with it.', [{ type: 'crash', member: '$old' }]),
    when({ type: 'leader', not: '$old' }, '$new is elected. Its lessor is promoted: every lease now expires at now + TTL + election timeout, i.e. the countdown starts over.', [], { bind: { new: '@leader' } }),
    at(7000, 'At t=7 s the original 5 s have long passed, but the lease is still alive: the key is still there.', [get('c1', 'still-there', 'session')]),
    at(14_000, 'Well after the renewed TTL, the new leader has revoked the lease through Raft, deleting its key on every member.', [get('c1', 'gone', 'session')]),
  ],
  durationMs: 15_000,
  conclusion: 'Lease TTLs are a lower bound: a leader change extends them. Code that relies on a lease to expire "in exactly N seconds" is wrong; code that relies on it not expiring early is right.',
  expectations: [
    { type: 'request-succeeds', label: 'grant' },
    { type: 'request-succeeds', label: 'put' },
    { type: 'event-occurs', match: { kind: 'server.lease', source: '$new', fields: { event: 'lessor-promoted' } }, afterMs: CRASH_AT, teaches: 'the new leader\'s lessor is promoted' },
    { type: 'request-succeeds', label: 'still-there', result: 'session=alive', teaches: 'the lease outlives its TTL across the leader change' },
    { type: 'event-occurs', match: { kind: 'server.lease.revoke', source: '$new' }, afterMs: 7000, teaches: 'the new leader revokes the expired lease' },
    { type: 'request-succeeds', label: 'gone', result: 'no key', teaches: 'revoking the lease deleted its key' },
    { type: 'no-invariant-violations' },
  ],
});
