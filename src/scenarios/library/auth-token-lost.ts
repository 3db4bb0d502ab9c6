// The same story with the 3.5 and the 3.6 client: a client's simple token stops being
// valid (client.md §5.3 and §5.5).

import type { Scenario } from '../schema';
import { at, defineScenario, get, request, when } from './helpers';

/** The token was last used at about 2.5 s; it expires 300 s later. */
const EXPIRES_AT = 304_000;
const READ_AT = 305_000;

function authTokenLost(version: '3.5' | '3.6'): Scenario {
  const v35 = version === '3.5';
  return defineScenario({
    version: 1,
    name: `auth-token-lost-${version.replace('.', '')}`,
    title: `An invalid auth token with the ${version} client`,
    description:
      'Authentication is on and a client holds a simple token. Simple tokens live only in the members\' memory and expire after five minutes without use; then (as when a client\'s endpoints are re-pointed to another cluster with the same user) the server answers "etcdserver: invalid auth token". The client re-authenticates with its user name and password; how it does so differs between 3.5 and 3.6.',
    seed: 1,
    otherSeeds: [2, 3],
    world: { members: 3, clients: [{}] },
    steps: [
      when({ type: 'leader' }, 'A leader is elected. The administrator\'s client c1 adds the root user and enables authentication, as etcdctl user add root and etcdctl auth enable do.', [
        request('c1', 'auth-enable', { op: 'auth-enable', rootPassword: 'secret' }),
      ]),
      at(2500, `An application client c2 (etcd client ${version}) starts with user root: clientv3.New authenticates and keeps the token it gets.`, [
        { type: 'client-add', settings: { version, username: 'root', password: 'secret' } },
      ]),
      at(EXPIRES_AT, 'c2 has been idle for five minutes. Each member\'s TTL keeper sweeps once a second and drops simple tokens unused for longer than --auth-token-ttl (300 s): c2\'s token is gone on every member.'),
      at(
        READ_AT,
        v35
          ? 'c2 reads. The member refuses the expired token with "invalid auth token"; the 3.5 client first clears its token, then sends Authenticate.'
          : 'c2 reads. The member refuses the expired token with "invalid auth token"; the 3.6 client keeps the old token while it sends Authenticate.',
        [get('c2', 'read-1', 'k')],
      ),
      at(
        READ_AT + 10,
        v35
          ? 'Two more reads go out while the refresh is under way. With the token cleared they carry none, and a server with auth on answers "etcdserver: user name is empty", which triggers more refreshes: each an Authenticate, itself a Raft proposal (etcd issues #13262, #13305).'
          : 'Two more reads go out while the refresh is under way. They carry the old token, are refused with "invalid auth token", and are refreshed and retried the same way; no request ever leaves without a token.',
        [get('c2', 'read-2', 'k'), get('c2', 'read-3', 'k')],
      ),
    ],
    durationMs: READ_AT + 3000,
    conclusion: 'Both clients recover transparently because they hold the password; the 3.5 client does it noisily, with requests refused for lack of any token, extra Authenticate calls (each a Raft proposal) and, under load, a storm of them.',
    expectations: [
      { type: 'request-succeeds', label: 'auth-enable' },
      { type: 'event-occurs', match: { kind: 'client.attempt', source: 'c2', fields: { message: 'etcdserver: invalid auth token' } }, afterMs: READ_AT, teaches: 'the old token is refused' },
      { type: 'event-occurs', match: { kind: 'client.retry', source: 'c2', fields: { verdict: 'refresh-token' } }, afterMs: READ_AT, teaches: 'the client re-authenticates' },
      v35
        ? { type: 'event-occurs', match: { kind: 'client.attempt', source: 'c2', fields: { message: 'etcdserver: user name is empty' } }, afterMs: READ_AT, teaches: 'with 3.5, a request sent while the token is cleared carries none' }
        : { type: 'no-event', match: { kind: 'client.attempt', source: 'c2', fields: { message: 'etcdserver: user name is empty' } }, teaches: 'with 3.6, no request ever goes without a token' },
      { type: 'request-succeeds', label: 'read-1' },
      { type: 'request-succeeds', label: 'read-2' },
      { type: 'request-succeeds', label: 'read-3' },
      { type: 'no-invariant-violations' },
    ],
  });
}

export const authTokenLost35 = authTokenLost('3.5');
export const authTokenLost36 = authTokenLost('3.6');
