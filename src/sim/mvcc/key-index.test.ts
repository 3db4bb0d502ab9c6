import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index';
import type { RevisionSet } from './revision';
import { revisionKey } from './revision';

const r = (main: number, sub = 0) => ({ main, sub });

// put(2); put(4); tombstone(6); put(8); put(10); tombstone(12); put(14); put(16)
function sample(): KeyIndex {
  const ki = new KeyIndex('foo');
  ki.put(r(2));
  ki.put(r(4));
  ki.tombstone(r(6));
  ki.put(r(8));
  ki.put(r(10));
  ki.tombstone(r(12));
  ki.put(r(14));
  ki.put(r(16));
  return ki;
}

describe('KeyIndex', () => {
  it('gets the revision, creation and version at a revision', () => {
    const ki = sample();
    expect(ki.get(1)).toBeUndefined();
    expect(ki.get(3)).toEqual({ modified: r(2), created: r(2), version: 1 });
    expect(ki.get(5)).toEqual({ modified: r(4), created: r(2), version: 2 });
    expect(ki.get(6)).toBeUndefined(); // deleted at 6
    expect(ki.get(7)).toBeUndefined();
    expect(ki.get(9)).toEqual({ modified: r(8), created: r(8), version: 1 }); // version resets
    expect(ki.get(13)).toBeUndefined();
    expect(ki.get(100)).toEqual({ modified: r(16), created: r(14), version: 2 });
  });

  it('refuses a tombstone on a deleted key and a put going back in time', () => {
    const ki = new KeyIndex('k');
    ki.put(r(2));
    expect(ki.tombstone(r(3))).toBe(true);
    expect(ki.tombstone(r(4))).toBe(false);
    expect(() => ki.put(r(3))).toThrow(/smaller revision/);
  });

  it('compacts as etcd: keeps the newest revision <= rev, tombstone at rev kept', () => {
    let ki = sample();
    let avail: RevisionSet = new Set();
    ki.compact(4, avail);
    expect([...avail]).toEqual([revisionKey(r(4))]);
    expect(ki.generations.map((g) => g.revs.map((x) => x.main))).toEqual([[4, 6], [8, 10, 12], [14, 16]]);

    avail = new Set();
    ki.compact(6, avail);
    expect([...avail]).toEqual([revisionKey(r(6))]);
    expect(ki.generations.map((g) => g.revs.map((x) => x.main))).toEqual([[6], [8, 10, 12], [14, 16]]);

    avail = new Set();
    ki.compact(7, avail);
    expect([...avail]).toEqual([]);
    expect(ki.generations.map((g) => g.revs.map((x) => x.main))).toEqual([[8, 10, 12], [14, 16]]);

    ki = sample();
    avail = new Set();
    ki.compact(17, avail);
    expect([...avail]).toEqual([revisionKey(r(16))]);
    expect(ki.generations.map((g) => g.revs.map((x) => x.main))).toEqual([[16]]);
    expect(ki.get(20)).toEqual({ modified: r(16), created: r(14), version: 2 });
  });

  it('keep excludes a tombstone selected at the compaction revision', () => {
    const ki = sample();
    const avail: RevisionSet = new Set();
    ki.keep(6, avail);
    expect([...avail]).toEqual([]);
    ki.keep(10, avail);
    expect([...avail]).toEqual([revisionKey(r(10))]);
    expect(ki.generations.length).toBe(3); // keep does not modify
  });

  it('becomes empty once compacted past its last tombstone', () => {
    const ki = new KeyIndex('k');
    ki.put(r(2));
    ki.tombstone(r(3));
    ki.compact(4, new Set());
    expect(ki.isEmpty()).toBe(true);
  });
});
