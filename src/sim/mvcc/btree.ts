// sorted-btree is CommonJS. Bundlers (Vite, Vitest) hand its `exports.default` as the
// default import, Node's own ESM loader hands the whole `module.exports`: take the class
// from either, so the store runs in the page, in tests and in Node scripts alike.
import SortedBTree from 'sorted-btree';

type BTreeClass = typeof SortedBTree;

export const BTree: BTreeClass = (SortedBTree as BTreeClass & { default?: BTreeClass }).default ?? SortedBTree;
export type BTree<K, V> = SortedBTree<K, V>;
