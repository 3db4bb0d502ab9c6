// The raft configuration the etcd server uses (etcd:server/etcdserver/bootstrap.go
// raftConfig and embed/config.go, spec §10.1). The library's own defaults for omitted
// fields stay those of go.etcd.io/raft (pre-vote and check-quorum off), as the transcripts
// expect; a server builds its config from these values instead.
import type { Config } from './raft';

export const etcdRaftDefaults = {
  electionTick: 10,
  heartbeatTick: 1,
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 512,
  checkQuorum: true,
  preVote: true,
} as const satisfies Partial<Config>;

/** A Config with etcd's server values; `c` supplies id, storage and any overrides. */
export function etcdRaftConfig(c: Pick<Config, 'id' | 'storage'> & Partial<Config>): Config {
  return { ...etcdRaftDefaults, ...c };
}
