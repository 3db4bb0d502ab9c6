// IndexedDB backend (through idb): one database per cluster and member, named
// "etcd-sim/<clusterId>/<memberName>". Appends are stored as chunks keyed
// [file, offset], so a WAL append costs one small put rather than rewriting a
// segment. Each commit is one readwrite transaction; IndexedDB runs
// transactions over the same stores in creation order, and commit() creates
// its transaction before returning, so commits apply in call order.

import { deleteDB, openDB } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import type { Backend, FileOp } from './backend';
import { describeOp } from './backend';

interface FilesSchema extends DBSchema {
  /** File name -> size. */
  files: { key: string; value: number };
  /** [file name, offset] -> bytes; a file's chunks tile [0, size). */
  chunks: { key: [string, number]; value: Uint8Array };
}

type Tx = IDBPTransaction<FilesSchema, ('files' | 'chunks')[], 'readwrite'>;

export function databaseName(clusterId: string, memberName: string): string {
  return `etcd-sim/${clusterId}/${memberName}`;
}

function chunksOf(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, 0], [name, Infinity]);
}

export class IndexedDBBackend implements Backend {
  readonly kind = 'indexeddb';

  private constructor(
    readonly name: string,
    private readonly db: IDBPDatabase<FilesSchema>,
  ) {}

  static async open(clusterId: string, memberName: string): Promise<IndexedDBBackend> {
    const name = databaseName(clusterId, memberName);
    const db = await openDB<FilesSchema>(name, 1, {
      upgrade(upgrading) {
        upgrading.createObjectStore('files');
        upgrading.createObjectStore('chunks');
      },
    });
    return new IndexedDBBackend(name, db);
  }

  /** Deletes a member's database (a fresh cluster, or a test's cleanup). */
  static async destroy(clusterId: string, memberName: string): Promise<void> {
    await deleteDB(databaseName(clusterId, memberName));
  }

  async list(): Promise<string[]> {
    return (await this.db.getAllKeys('files')).sort();
  }

  async readFile(name: string): Promise<Uint8Array | undefined> {
    const tx = this.db.transaction(['files', 'chunks'], 'readonly');
    const [size, keys, values] = await Promise.all([
      tx.objectStore('files').get(name),
      tx.objectStore('chunks').getAllKeys(chunksOf(name)),
      tx.objectStore('chunks').getAll(chunksOf(name)),
    ]);
    if (size === undefined) return undefined;
    const out = new Uint8Array(size);
    for (let i = 0; i < keys.length; i++) {
      const offset = keys[i][1];
      if (offset + values[i].length > size) throw new Error(`indexeddb backend: chunk of ${name} at ${offset} exceeds its size ${size}`);
      out.set(values[i], offset);
    }
    return out;
  }

  commit(ops: readonly FileOp[]): Promise<void> {
    // Copy now: the caller's views are only valid during this call.
    const owned = ops.map((op) => ('data' in op ? { ...op, data: op.data.slice() } : op));
    const tx = this.db.transaction(['files', 'chunks'], 'readwrite');
    return this.apply(tx, owned);
  }

  close(): void {
    this.db.close();
  }

  private async apply(tx: Tx, ops: readonly FileOp[]): Promise<void> {
    const files = tx.objectStore('files');
    const chunks = tx.objectStore('chunks');
    try {
      for (const op of ops) {
        switch (op.op) {
          case 'put':
            void chunks.delete(chunksOf(op.name));
            if (op.data.length > 0) void chunks.put(op.data, [op.name, 0]);
            void files.put(op.data.length, op.name);
            break;
          case 'append': {
            const size = await files.get(op.name);
            if (size !== op.offset) throw new Error(`${describeOp(op)} at ${op.offset}, but its size is ${size}`);
            if (op.data.length > 0) void chunks.put(op.data, [op.name, op.offset]);
            void files.put(op.offset + op.data.length, op.name);
            break;
          }
          case 'truncate': {
            const size = await files.get(op.name);
            if (size === undefined) throw new Error(`${describeOp(op)}: file does not exist`);
            if (op.size >= size) break;
            for (const key of await chunks.getAllKeys(chunksOf(op.name))) {
              const offset = key[1];
              if (offset >= op.size) void chunks.delete(key);
              else {
                const data = (await chunks.get(key)) as Uint8Array;
                if (offset + data.length > op.size) void chunks.put(data.slice(0, op.size - offset), key);
              }
            }
            void files.put(op.size, op.name);
            break;
          }
          case 'rename': {
            const size = await files.get(op.from);
            const keys = await chunks.getAllKeys(chunksOf(op.from));
            const values = await chunks.getAll(chunksOf(op.from));
            void chunks.delete(chunksOf(op.to));
            void chunks.delete(chunksOf(op.from));
            void files.delete(op.from);
            if (size === undefined) {
              void files.delete(op.to);
              break;
            }
            keys.forEach((key, i) => void chunks.put(values[i], [op.to, key[1]]));
            void files.put(size, op.to);
            break;
          }
          case 'remove':
            void chunks.delete(chunksOf(op.name));
            void files.delete(op.name);
            break;
        }
      }
    } catch (err) {
      tx.done.catch(() => undefined); // the abort below rejects it; the error thrown says why
      tx.abort();
      throw new Error(`indexeddb backend: ${(err as Error).message}`, { cause: err });
    }
    await tx.done;
  }
}
