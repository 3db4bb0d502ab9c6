// The scenario library, by name, in the order a course would teach them.

import type { Scenario } from '../schema';
import { allEndpointsDown } from './all-endpoints-down';
import { authTokenLost35, authTokenLost36 } from './auth-token-lost';
import { authOtherCluster35, authOtherCluster36 } from './auth-other-cluster';
import { bootstrap } from './bootstrap';
import { restartFromWal } from './restart-from-wal';
import { forceNewCluster } from './force-new-cluster';
import { clientEndpointDead } from './client-endpoint-dead';
import { leaderCrash } from './leader-crash';
import { figure8 } from './figure-8';
import { leadershipTransfer } from './leadership-transfer';
import { staleReadPartition } from './stale-read-partition';
import { requestTooLarge } from './request-too-large';
import { tooManyRequests } from './too-many-requests';
import { putEndToEnd } from './put-end-to-end';
import { memberJoin } from './member-join';
import { learnerPromoted } from './learner';
import { slowFollowerSnapshot } from './slow-follower-snapshot';
import { leaseLeaderChange } from './lease-leader-change';
import { watchCompaction } from './watch-compaction';
import { majorityPartition } from './majority-partition';
import { leaderMinorityPartition } from './leader-minority-partition';
import { rejoinWithoutPreVote, rejoinWithPreVote } from './rejoining-member';

export const library: readonly Scenario[] = [bootstrap, restartFromWal, forceNewCluster, leaderCrash, leaderMinorityPartition, majorityPartition, rejoinWithoutPreVote, rejoinWithPreVote, figure8, clientEndpointDead, allEndpointsDown, putEndToEnd, leadershipTransfer, memberJoin, learnerPromoted, slowFollowerSnapshot, leaseLeaderChange, watchCompaction, staleReadPartition, authTokenLost35, authTokenLost36, authOtherCluster35, authOtherCluster36, requestTooLarge, tooManyRequests];
