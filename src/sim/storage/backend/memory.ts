// In-memory backend for fast headless runs: durable state lives in plain
// growable byte buffers and every commit applies synchronously.

import type { Backend, FileOp } from './backend';
import { describeOp } from './backend';

interface StoredFile {
  buf: Uint8Array;
  size: number;
}

export class MemoryBackend implements Backend {
  readonly kind = 'memory';
  private readonly files = new Map<string, StoredFile>();

  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()].sort());
  }

  readFile(name: string): Promise<Uint8Array | undefined> {
    const f = this.files.get(name);
    return Promise.resolve(f?.buf.slice(0, f.size));
  }

  commit(ops: readonly FileOp[]): undefined {
    // Validate first so that a bad batch changes nothing (all or nothing).
    const sizes = new Map<string, number | undefined>();
    const sizeOf = (name: string) => (sizes.has(name) ? sizes.get(name) : this.files.get(name)?.size);
    for (const op of ops) {
      if (op.op === 'put') sizes.set(op.name, op.data.length);
      else if (op.op === 'remove') sizes.set(op.name, undefined);
      else if (op.op === 'rename') {
        sizes.set(op.to, sizeOf(op.from));
        sizes.set(op.from, undefined);
      } else {
        const size = sizeOf(op.name);
        if (size === undefined) throw new Error(`memory backend: ${describeOp(op)}: file does not exist`);
        if (op.op === 'append' && op.offset !== size) {
          throw new Error(`memory backend: append ${op.name} at ${op.offset}, but its size is ${size}`);
        }
        sizes.set(op.name, op.op === 'append' ? size + op.data.length : Math.min(size, op.size));
      }
    }
    for (const op of ops) this.apply(op);
    return undefined;
  }

  close(): void {}

  private apply(op: FileOp): void {
    switch (op.op) {
      case 'put':
        this.files.set(op.name, { buf: op.data.slice(), size: op.data.length });
        return;
      case 'append': {
        const f = this.files.get(op.name) as StoredFile;
        const need = f.size + op.data.length;
        if (need > f.buf.length) {
          const grown = new Uint8Array(Math.max(need, f.buf.length * 2, 4096));
          grown.set(f.buf.subarray(0, f.size));
          f.buf = grown;
        }
        f.buf.set(op.data, f.size);
        f.size = need;
        return;
      }
      case 'truncate': {
        const f = this.files.get(op.name) as StoredFile;
        f.size = Math.min(f.size, op.size);
        return;
      }
      case 'rename': {
        const f = this.files.get(op.from);
        this.files.delete(op.from);
        if (f) this.files.set(op.to, f);
        else this.files.delete(op.to);
        return;
      }
      case 'remove':
        this.files.delete(op.name);
        return;
    }
  }
}
