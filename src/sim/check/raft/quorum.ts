import type { MemberId, ObservedConfig } from './observation';

/**
 * Whether the members satisfying `has` form a quorum of `config`: a majority of the
 * incoming voters and, while joint, of the outgoing ones too. An empty voter set
 * imposes nothing, as in etcd's quorum package (raft.md §4.6).
 */
export function isQuorum(config: ObservedConfig, has: (id: MemberId) => boolean): boolean {
  return isMajority(config.voters, has) && isMajority(config.outgoing, has);
}

function isMajority(voters: readonly MemberId[], has: (id: MemberId) => boolean): boolean {
  let count = 0;
  for (const id of voters) if (has(id)) count++;
  return voters.length === 0 || count * 2 > voters.length;
}
