// A payload identity for the Raft invariant checker (check/raft/observation.ts): FNV-1a
// over the entry type and data, enough to tell two different entries at one (index, term).

import type { Entry } from '../raft/raftpb';

export function entryDigest(e: Entry): string {
  let h = (0x811c9dc5 ^ e.type) >>> 0;
  const d = e.data;
  if (d !== undefined) {
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 0x01000193) >>> 0;
  }
  return `${e.type}:${d?.length ?? 0}:${h.toString(16)}`;
}
