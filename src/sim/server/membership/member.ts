// A cluster member as etcd's api/membership/member.go: ID, name, peer and client URLs,
// learner flag. IDs follow etcd's rule (spec server.md §4.3 case 2): a hash of the sorted
// peer URLs, the cluster token and, for members added later, the time of the add.

import { sha256Hex } from '../../auth/sha256';

export interface Member {
  id: number;
  /** Empty until the member has published itself (etcd: not "started"). */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/**
 * etcd takes the first 8 bytes of SHA-1 over (sorted peer URLs + token [+ unix seconds]).
 * The simulator has SHA-256 at hand and needs IDs exact in a JS number, so it takes the
 * first 52 bits of SHA-256 over the same string. Never 0 (raft's None).
 */
export function computeMemberId(peerURLs: readonly string[], clusterToken: string, nowSeconds?: number): number {
  let b = [...peerURLs].sort().join('') + clusterToken;
  if (nowSeconds !== undefined) b += String(Math.floor(nowSeconds));
  const id = parseInt(sha256Hex(b).slice(0, 13), 16);
  return id === 0 ? 1 : id;
}

/** The cluster ID: a hash of the sorted member IDs (etcd genID). */
export function computeClusterId(memberIds: readonly number[]): number {
  const s = [...memberIds].sort((a, b) => a - b).map((id) => id.toString(16).padStart(16, '0')).join('');
  return parseInt(sha256Hex(s).slice(0, 13), 16);
}

/** Member IDs print as 16 hex digits, as etcd's types.ID.String(). */
export function formatMemberId(id: number): string {
  return id.toString(16).padStart(16, '0');
}

/** Network address of a peer URL: "http://m1:2380" -> "m1:2380". */
export function urlAddress(url: string): string {
  const i = url.indexOf('://');
  return i < 0 ? url : url.slice(i + 3);
}

/** etcd validates member URLs with url.Parse and requires scheme http(s) and host:port. */
export function isValidPeerURL(url: string): boolean {
  return /^https?:\/\/[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(url);
}

export function cloneMember(m: Member): Member {
  return { ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] };
}
