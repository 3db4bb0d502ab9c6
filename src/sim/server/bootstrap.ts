// How a member comes up (etcd server/etcdserver/bootstrap.go, spec server.md §4.3):
//   new               no WAL, --initial-cluster-state=new: create the WAL; raft starts
//                     with every initial member as a peer (one AddNode entry each);
//   join              no WAL, state existing: adopt the ID and cluster ID the running
//                     cluster gave this peer URL at MemberAdd; raft starts empty;
//   restart           WAL exists: snapshot + WAL + backend (storage/storage.ts);
//   force-new-cluster WAL exists + --force-new-cluster: as restart, then drop uncommitted
//                     entries and append conf changes leaving this member alone.

import type { Disk } from '../storage/disk';
import { walDir } from '../storage/datadir';
import type { BackendImage } from '../storage/db';
import { Snapshotter } from '../storage/snap/snapshotter';
import { Storage, recoverStorage } from '../storage/storage';
import type { WALOptions } from '../storage/wal/wal';
import { WAL } from '../storage/wal/wal';
import type { Entry, HardState, Snapshot } from '../raft/raftpb';
import { ConfChangeType, EntryType, marshalConfChange, unmarshalConfChange } from '../raft/raftpb';
import { MemoryStorage } from '../raft/storage';
import type { Peer } from '../raft/rawnode';
import type { ServerConfig } from './config';
import type { BootstrapMode } from './events';
import type { ClusterSnapshot, ConfigChangeContext } from './membership/cluster';
import { RaftCluster } from './membership/cluster';
import { computeClusterId, computeMemberId } from './membership/member';
import type { Member } from './membership/member';

export interface Bootstrapped {
  mode: BootstrapMode;
  id: number;
  clusterId: number;
  /** Membership as of the raft snapshot (or empty): the replayed log rebuilds the rest. */
  cluster: RaftCluster;
  /** Who the transport talks to at start. */
  peers: Member[];
  memStorage: MemoryStorage;
  storage: Storage;
  snapshot?: Snapshot;
  /** The committed db, if any; entries up to its consistent index are not re-applied. */
  backend?: BackendImage;
  /** New cluster: raft's bootstrap peers. */
  bootstrapPeers?: Peer[];
  /** Force-new-cluster: what the standalone restart changed. */
  forced?: ForcedRestart;
}

/** What restartAsStandaloneNode did to the recovered log. */
export interface ForcedRestart {
  /** Uncommitted entries dropped (above max(commit, consistent index)). */
  discarded: number;
  /** Members removed by the appended RemoveNode entries, ascending. */
  removed: number[];
  /** Whether an AddNode(self) was appended first. */
  addedSelf: boolean;
  /**
   * The HardState on disk: the appended entries are written with an empty HardState, so
   * the raised commit is volatile until raft next persists one (as in etcd).
   */
  durable: HardState;
}

interface WalMetadata {
  nodeId: number;
  clusterId: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function hasWAL(disk: Disk): boolean {
  return disk.list(walDir).some((n) => n.endsWith('.wal'));
}

export function encodeConfigChangeContext(ctx: ConfigChangeContext): Uint8Array {
  return encoder.encode(JSON.stringify(ctx));
}

export function decodeConfigChangeContext(data: Uint8Array | undefined): ConfigChangeContext | undefined {
  if (data === undefined || data.length === 0) return undefined;
  return JSON.parse(decoder.decode(data)) as ConfigChangeContext;
}

/** The initial members with etcd's IDs (derived from peer URLs and the cluster token). */
export function initialMembers(cfg: ServerConfig): Member[] {
  return cfg.initialCluster.map((m) => ({
    id: computeMemberId([m.peerURL], cfg.initialClusterToken),
    name: m.name,
    peerURLs: [m.peerURL],
    clientURLs: [],
    isLearner: false,
  }));
}

export function bootstrapNew(disk: Disk, cfg: ServerConfig, walOptions: WALOptions): Bootstrapped {
  const members = initialMembers(cfg);
  const self = members.find((m) => m.name === cfg.name);
  if (self === undefined) throw new Error(`couldn't find local name "${cfg.name}" in the initial cluster configuration`);
  const clusterId = computeClusterId(members.map((m) => m.id));
  const storage = createStorage(disk, { nodeId: self.id, clusterId }, walOptions);
  return {
    mode: 'new',
    id: self.id,
    clusterId,
    cluster: new RaftCluster(clusterId, cfg.maxLearners),
    peers: members,
    memStorage: new MemoryStorage(),
    storage,
    bootstrapPeers: members.map((m) => ({ id: m.id, context: encodeConfigChangeContext({ member: m }) })),
  };
}

/** Join: `remote` is the running cluster's membership, fetched from a peer. */
export function bootstrapJoin(disk: Disk, cfg: ServerConfig, remote: ClusterSnapshot, walOptions: WALOptions): Bootstrapped {
  const self = remote.members.find((m) => m.peerURLs.includes(cfg.peerURL));
  if (self === undefined) {
    throw new Error(`member with peer URL ${cfg.peerURL} is not in the cluster: add it with MemberAdd first`);
  }
  const storage = createStorage(disk, { nodeId: self.id, clusterId: remote.clusterId }, walOptions);
  return {
    mode: 'join',
    id: self.id,
    clusterId: remote.clusterId,
    cluster: new RaftCluster(remote.clusterId, cfg.maxLearners),
    peers: remote.members,
    memStorage: new MemoryStorage(),
    storage,
  };
}

export function bootstrapFromWAL(disk: Disk, cfg: ServerConfig, walOptions: WALOptions): Bootstrapped {
  const rec = recoverStorage(disk, walOptions);
  const meta = JSON.parse(decoder.decode(rec.metadata)) as WalMetadata;
  const cluster = new RaftCluster(meta.clusterId, cfg.maxLearners);
  if (rec.snapshot?.data !== undefined && rec.snapshot.data.length > 0) {
    cluster.restore(JSON.parse(decoder.decode(rec.snapshot.data)) as ClusterSnapshot);
  }
  const memStorage = new MemoryStorage();
  if (rec.snapshot !== undefined) memStorage.applySnapshot(rec.snapshot);
  let state = rec.state;
  let ents = rec.ents;
  let forcedRestart: ForcedRestart | undefined;
  if (cfg.forceNewCluster) {
    const forced = forceNewClusterEntries(meta.nodeId, cfg, rec.snapshot, state, ents, rec.backend?.consistentIndex ?? 0);
    rec.storage.save({ term: 0, vote: 0, commit: 0 }, forced.added);
    rec.storage.sync();
    forcedRestart = { discarded: ents.length - (forced.ents.length - forced.added.length), removed: forced.removed, addedSelf: forced.addedSelf, durable: rec.state };
    ents = forced.ents;
    state = forced.state;
  }
  memStorage.setHardState(state);
  memStorage.append(ents);
  // Peers come from the snapshot's membership and every member the log mentions.
  const peers = new Map<number, Member>(cluster.list().map((m) => [m.id, m]));
  for (const e of ents) {
    if (e.type !== EntryType.EntryConfChange) continue;
    const ctx = decodeConfigChangeContext(unmarshalConfChange(e.data).context);
    if (ctx !== undefined && !ctx.isPromote) peers.set(ctx.member.id, ctx.member);
  }
  return {
    mode: forcedRestart !== undefined ? 'force-new-cluster' : 'restart',
    id: meta.nodeId,
    clusterId: meta.clusterId,
    cluster,
    peers: [...peers.values()],
    memStorage,
    storage: rec.storage,
    snapshot: rec.snapshot,
    backend: rec.backend,
    forced: forcedRestart,
  };
}

function createStorage(disk: Disk, meta: WalMetadata, walOptions: WALOptions): Storage {
  const wal = WAL.create(disk, walDir, encoder.encode(JSON.stringify(meta)), undefined, walOptions);
  return new Storage(wal, new Snapshotter(disk));
}

/**
 * restartAsStandaloneNode (§4.3 case 4): keep entries up to max(commit, consistent
 * index); then AddNode(self) if needed and RemoveNode for every other member, ascending,
 * at the current term; the new entries are committed.
 */
function forceNewClusterEntries(
  selfId: number,
  cfg: ServerConfig,
  snapshot: Snapshot | undefined,
  st: HardState,
  ents: Entry[],
  consistentIndex: number,
): { ents: Entry[]; added: Entry[]; state: HardState; removed: number[]; addedSelf: boolean } {
  const commit = Math.max(st.commit, consistentIndex);
  const kept = ents.filter((e) => e.index <= commit);
  const ids = new Set<number>([...(snapshot?.metadata.confState.voters ?? []), ...(snapshot?.metadata.confState.learners ?? [])]);
  for (const e of kept) {
    if (e.type !== EntryType.EntryConfChange) continue;
    const cc = unmarshalConfChange(e.data);
    if (cc.type === ConfChangeType.ConfChangeAddNode || cc.type === ConfChangeType.ConfChangeAddLearnerNode) ids.add(cc.nodeID);
    else if (cc.type === ConfChangeType.ConfChangeRemoveNode) ids.delete(cc.nodeID);
  }
  const changes: { type: ConfChangeType; nodeID: number; context?: Uint8Array }[] = [];
  if (!ids.has(selfId)) {
    const self: Member = { id: selfId, name: cfg.name, peerURLs: ['http://localhost:2380'], clientURLs: [], isLearner: false };
    changes.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: selfId, context: encodeConfigChangeContext({ member: self }) });
  }
  const removed = [...ids].filter((id) => id !== selfId).sort((a, b) => a - b);
  for (const id of removed) changes.push({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: id });
  const lastIndex = kept.length > 0 ? kept[kept.length - 1].index : (snapshot?.metadata.index ?? 0);
  const added: Entry[] = changes.map((cc, i) => ({
    term: st.term,
    index: lastIndex + 1 + i,
    type: EntryType.EntryConfChange,
    data: marshalConfChange({ id: 0, ...cc }),
  }));
  const all = [...kept, ...added];
  const last = all.length > 0 ? all[all.length - 1].index : lastIndex;
  return { ents: all, added, state: { term: st.term, vote: st.vote, commit: last }, removed, addedSelf: !ids.has(selfId) };
}
