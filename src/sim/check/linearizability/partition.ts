import type { Operation } from './model';

/**
 * Splits a history into groups of operations that touch disjoint sets of keys
 * (an operation over several keys joins their groups). Groups are listed in
 * the order of their first operation, so the result is deterministic.
 */
export function partitionByKeys<I, O>(
  history: readonly Operation<I, O>[],
  keysOf: (op: Operation<I, O>) => readonly string[],
): number[][] {
  const parent: number[] = [];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const keyGroup = new Map<string, number>();
  history.forEach((op, i) => {
    parent.push(i);
    for (const key of keysOf(op)) {
      const other = keyGroup.get(key);
      if (other === undefined) keyGroup.set(key, i);
      else parent[find(other)] = find(i);
    }
  });
  const groups = new Map<number, number[]>();
  for (let i = 0; i < history.length; i++) {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].sort((a, b) => a[0] - b[0]);
}
