// The server's trace events (DESIGN.md principle 5). Each carries the decision and its
// cause; the words go in the event's `reason`. Events of the parts the server hosts
// (raft's logger, the disk/WAL/snapshotter, MVCC, lessor, auth store) are forwarded under
// their own kinds so the page can filter them.

import type { AuthEvent } from '../auth/events';
import type { LeaseEvent } from '../lease/events';
import type { MvccEvent } from '../mvcc/kv';
import type { StorageEvent } from '../storage/events';

type Without<T, K extends string> = T extends unknown ? Omit<T, K> : never;

declare module '../trace/trace' {
  interface TraceKinds {
    /** A raft logger line with etcd's text (raft.md Appendix B). */
    'raft.log': { member: string; level: string; text: string; randomizedElectionTimeout?: number };
    'server.start': { id: string; mode: BootstrapMode; applied: number; commit: number; term: number };
    /** The server stopped: crashed, stopped by request, or (removed) after its own removal from the cluster. */
    'server.stop': { id: string; crash: boolean; removed?: boolean };
    'server.role': { role: string; term: number; lead: string; prevLead: string };
    /** adjustTicks (raft.md §10.2): raft ticked `ticks` times at once at start-up. */
    'server.ticks.advance': { ticks: number; electionTicks: number; activeRemoteMembers: number };
    /** A proposal handed to raft (or refused before it). */
    'server.propose': { reqId: string; op: string; bytes: number; outcome: 'proposed' | 'queued' | 'rejected'; error?: string };
    /** A Ready handled: what it carried and what the node does with it. */
    'server.ready': {
      entries: number;
      committed: number;
      messages: number;
      snapshot: number;
      hardState: string;
      mustSync: boolean;
      leaderSendsFirst: boolean;
    };
    /** `terms`: the persisted entries' terms as runs "term:count,..." ('' for none). */
    'server.persisted': { entries: number; lastIndex: number; terms: string; hardState: string; synced: boolean };
    /** The leader's Progress of one peer when its state or match moved (raft.md §5.1); next and inflights as they were then. */
    'server.progress': { peer: string; state: string; match: number; next: number; inflights: number; learner: boolean; paused: boolean };
    /** A peer left the configuration: the leader's tracker dropped its Progress. */
    'server.progress.remove': { peer: string };
    'server.messages': { to: string; count: number; types: string; afterPersist: boolean };
    'server.apply': { first: number; last: number; entries: number; applied: number; consistentIndex: number };
    'server.apply.snapshot': { index: number; term: number; members: number };
    'server.request.done': { reqId: string; op: string; error?: string; revision?: number };
    'server.request.timeout': { reqId: string; op: string; error: string };
    'server.snapshot': { index: number; toDisk: boolean; compactTo: number };
    'server.snapshot.send': { to: string; index: number; bytes: number; outcome: 'sent' | 'finish' | 'failure' };
    'server.snapshot.receive': { from: string; index: number; bytes: number };
    'server.backend.commit': { consistentIndex: number; bytes: number };
    'server.readindex': { round: number; reqId: string; outcome: 'sent' | 'confirmed' | 'retry' | 'error'; index?: number; error?: string; batch: number };
    'server.member': { op: string; member: string; error?: string };
    'server.lease.revoke': { id: string; outcome: 'proposed' | 'skipped' };
    'server.peer': { peer: string; active: boolean };
    'server.unreachable': { peer: string };
    'server.storage': Without<StorageEvent, 'at' | 'cause'>;
    'server.mvcc': Without<MvccEvent, 'cause'>;
    'server.lease': Without<LeaseEvent, 'cause' | 'kind'> & { event: LeaseEvent['kind'] };
    'server.auth': Without<AuthEvent, 'cause' | 'kind'> & { event: AuthEvent['kind'] };
  }
}

/** How a member came up (spec server.md §4.3). */
export type BootstrapMode = 'new' | 'join' | 'restart' | 'force-new-cluster';
