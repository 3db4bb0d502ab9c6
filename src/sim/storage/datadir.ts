// A member's data layout inside its backend, as etcd's datadir package
// (spec server.md §4.1): member/wal for segments, member/snap for snapshots,
// received snapshot databases and the backend file "db".

export const memberDir = 'member';
export const walDir = 'member/wal';
export const snapDir = 'member/snap';
export const backendPath = 'member/snap/db';

