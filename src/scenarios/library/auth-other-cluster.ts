// A client re-pointed to another cluster with auth on, with the 3.5 and the 3.6 client
// (client.md §5.3, §5.5 and rule 9: nothing checks the cluster's identity).

import type { Scenario } from '../schema';
import { at, defineScenario, get, put, request } from './helpers';

const B_ENDPOINTS = ['http://b1:2379', 'http://b2:2379', 'http://b3:2379'];
const MOVE_AT = 4000;

function authOtherCluster(version: '3.5' | '3.6'): Scenario {
  const v35 = version === '3.5';
  return defineScenario({
    version: 1,
    name: `auth-other-cluster-${version.replace('.', '')}`,
    title: `Endpoints re-pointed to another cluster with auth on (${version} client)`,
    description:
      'Two independent clusters, m1..m3 and b1..b3, each with authentication on and the same root user and password. An application client authenticated against the first holds a simple token that only the first cluster\'s members know. An operator then re-points the client\'s endpoints to the second cluster. The client does not check which cluster it talks to: the new members refuse the token, and the client re-authenticates; how it does so differs between 3.5 and 3.6.',
    seed: 1,
    otherSeeds: [2, 3],
    world: { members: 3, otherClusters: [{ name: 'b', members: 3 }], clients: [{}, { endpoints: B_ENDPOINTS }] },
    steps: [
      at(1500, 'Both clusters have elected leaders. Administrator clients enable authentication on each: c1 on m1..m3, c2 on b1..b3, with the same root password.', [
        request('c1', 'auth-a', { op: 'auth-enable', rootPassword: 'secret' }),
        request('c2', 'auth-b', { op: 'auth-enable', rootPassword: 'secret' }),
      ]),
      at(2500, `The application client c3 (etcd client ${version}) starts against the first cluster as root; clientv3.New authenticates and keeps the token.`, [
        { type: 'client-add', settings: { version, username: 'root', password: 'secret' } },
      ]),
      at(3000, 'c3 writes on the first cluster with its token.', [put('c3', 'write-a', 'where', 'cluster-a')]),
      at(MOVE_AT, 'The operator re-points c3\'s endpoints to b1..b3 (clientv3 SetEndpoints). The balancer connects to the new members; nothing compares cluster IDs.', [
        { type: 'client-endpoints', client: 'c3', endpoints: B_ENDPOINTS },
      ]),
      at(
        MOVE_AT + 1000,
        v35
          ? 'c3 reads. The second cluster never issued its token: "etcdserver: invalid auth token". The 3.5 client first clears its token, then sends Authenticate.'
          : 'c3 reads. The second cluster never issued its token: "etcdserver: invalid auth token". The 3.6 client keeps the old token while it sends Authenticate.',
        [get('c3', 'read-1', 'where')],
      ),
      at(
        MOVE_AT + 1010,
        v35
          ? 'Two more reads go out during the refresh. They carry no token at all, and a server with auth on answers "etcdserver: user name is empty"; each such answer starts yet another refresh (etcd issues #13262, #13305).'
          : 'Two more reads go out during the refresh. They carry the old token, are refused with "invalid auth token", refreshed and retried; no request leaves without a token.',
        [get('c3', 'read-2', 'where'), get('c3', 'read-3', 'where')],
      ),
    ],
    durationMs: MOVE_AT + 4000,
    conclusion:
      'Both clients end up silently working against the other cluster, which does not have the key written on the first: no error says that the cluster changed. The 3.5 client gets there through requests refused for carrying no token at all.',
    expectations: [
      { type: 'request-succeeds', label: 'auth-a' },
      { type: 'request-succeeds', label: 'auth-b' },
      { type: 'request-succeeds', label: 'write-a' },
      { type: 'event-occurs', match: { kind: 'client.attempt', source: 'c3', fields: { message: 'etcdserver: invalid auth token' } }, afterMs: MOVE_AT, teaches: 'the other cluster refuses the token' },
      { type: 'event-occurs', match: { kind: 'client.retry', source: 'c3', fields: { verdict: 'refresh-token' } }, afterMs: MOVE_AT, teaches: 'the client re-authenticates against the other cluster' },
      v35
        ? { type: 'event-occurs', match: { kind: 'client.attempt', source: 'c3', fields: { message: 'etcdserver: user name is empty' } }, afterMs: MOVE_AT, teaches: 'with 3.5, requests sent while the token is cleared carry none' }
        : { type: 'no-event', match: { kind: 'client.attempt', source: 'c3', fields: { message: 'etcdserver: user name is empty' } }, teaches: 'with 3.6, no request ever goes without a token' },
      { type: 'request-succeeds', label: 'read-1', result: 'no key', teaches: 'the read is served by the other cluster, which never had the key' },
      { type: 'request-succeeds', label: 'read-2' },
      { type: 'request-succeeds', label: 'read-3' },
      { type: 'no-invariant-violations' },
    ],
  });
}

export const authOtherCluster35 = authOtherCluster('3.5');
export const authOtherCluster36 = authOtherCluster('3.6');
