// The storage backend: where a member's files survive crashes and page reloads.
// It is a small file store that only ever sees durable state: the simulated disk
// (../disk.ts) hands it the bytes an fsync makes durable, the directory
// operations (durable at once) and, after a crash, the corrections that make it
// equal to what survived. File names are paths like "member/wal/<seq>-<index>.wal".

export type FileOp =
  /** Create the file, or replace all of its content. */
  | { op: 'put'; name: string; data: Uint8Array }
  /** Write at `offset`, which is the file's current size. */
  | { op: 'append'; name: string; offset: number; data: Uint8Array }
  | { op: 'truncate'; name: string; size: number }
  /** Moves `from` over `to`; if `from` is missing, `to` is removed. */
  | { op: 'rename'; from: string; to: string }
  | { op: 'remove'; name: string };

export interface Backend {
  readonly kind: 'memory' | 'indexeddb';
  /** Every stored file name, sorted. */
  list(): Promise<string[]>;
  readFile(name: string): Promise<Uint8Array | undefined>;
  /**
   * Applies `ops` in order, all or nothing, after every earlier commit. The data
   * views are only valid during the call: a backend that keeps them copies them.
   * Returns undefined when the commit was applied synchronously (memory), else a
   * promise that settles when it is durable.
   */
  commit(ops: readonly FileOp[]): Promise<void> | undefined;
  close(): void;
}

export function describeOp(op: FileOp): string {
  return op.op === 'rename' ? `rename ${op.from} -> ${op.to}` : `${op.op} ${op.name}`;
}
