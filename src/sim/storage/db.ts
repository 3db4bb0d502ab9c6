// The member's backend database "db" (etcd's bbolt file at member/snap/db,
// spec server.md §4.2, §3.4): the applied state plus the meta keys
// consistent_index, term and confState, committed atomically. The state is an
// opaque image from the MVCC, lease and auth stores; this module does not look
// inside it. On restart only WAL entries above consistentIndex are re-applied.

import type { ConfState } from '../raft/raftpb';
import { ProtoReader, ProtoWriter, WireBytes } from './codec/proto';
import { marshalConfState, readConfState, varint } from './codec/raftpb';
import { crc32c } from './crc32c';
import { backendPath } from './datadir';
import type { Disk, SyncDone } from './disk';
import { wrapError } from './errors';

export const ErrBackendCorrupt = new Error('backend: database file is corrupt');

export interface BackendImage {
  /** Index of the last entry whose effects `state` includes (meta key consistent_index). */
  consistentIndex: number;
  /** Term of that entry (meta key term). */
  term: number;
  confState?: ConfState;
  state: Uint8Array;
}

/** Layout: 4-byte little-endian CRC-32C of the rest, then {1 ci, 2 term, 3 confState, 4 state}. */
export function encodeBackend(image: BackendImage): Uint8Array {
  const w = new ProtoWriter(image.state.length + 64);
  w.pos = 4;
  w.uint(1, image.consistentIndex);
  w.uint(2, image.term);
  const cs = image.confState;
  if (cs !== undefined) w.message(3, (cw) => marshalConfState(cw, cs));
  w.bytes(4, image.state);
  const out = w.buf.slice(0, w.pos);
  new DataView(out.buffer).setUint32(0, crc32c(out.subarray(4)), true);
  return out;
}

export function decodeBackend(bytes: Uint8Array): BackendImage {
  if (bytes.length < 4) throw wrapError(ErrBackendCorrupt, `${bytes.length} bytes`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const body = bytes.subarray(4);
  if (crc32c(body) !== stored) throw wrapError(ErrBackendCorrupt, 'crc mismatch');
  const image: BackendImage = { consistentIndex: 0, term: 0, state: new Uint8Array(0) };
  try {
    const r = new ProtoReader(body);
    while (!r.done()) {
      const [field, wire] = r.tag();
      if (field === 1) image.consistentIndex = varint(r, field, wire);
      else if (field === 2) image.term = varint(r, field, wire);
      else if (field === 3) {
        r.expect(field, wire, WireBytes);
        image.confState = readConfState(r.sub());
      } else if (field === 4) {
        r.expect(field, wire, WireBytes);
        image.state = r.bytes();
      } else r.skip(wire);
    }
  } catch (err) {
    throw wrapError(ErrBackendCorrupt, (err as Error).message);
  }
  return image;
}

/**
 * Commits the image atomically (etcd's backend batch commit): until the fsync
 * completes a crash keeps the previous db. Returns the encoded bytes, which is
 * also what a leader streams to a follower with a raft snapshot.
 */
export function saveBackend(disk: Disk, image: BackendImage, done?: SyncDone): Uint8Array {
  const bytes = encodeBackend(image);
  disk.writeFile(backendPath, bytes);
  disk.emit({
    type: 'backend.committed',
    consistentIndex: image.consistentIndex,
    term: image.term,
    bytes: bytes.length,
    cause: `backend commit up to consistent index ${image.consistentIndex}`,
  });
  disk.fsync(backendPath, `backend commit at consistent index ${image.consistentIndex}`, done);
  return bytes;
}

/** The committed image, or undefined if the member has no db yet. */
export function loadBackend(disk: Disk): BackendImage | undefined {
  if (!disk.exists(backendPath)) return undefined;
  return decodeBackend(disk.readFile(backendPath));
}
