import type { Operation } from './model';

/**
 * The call/return entry list the checker searches, as in Porcupine: a doubly
 * linked list in time order, from which a linearized operation is lifted out
 * (its call and its return) and put back when the search backtracks.
 */
export interface EntryNode {
  /** The operation's index in the history being checked. */
  readonly id: number;
  /** On a call entry, its return entry; null on a return entry. */
  readonly match: EntryNode | null;
  prev: EntryNode | null;
  next: EntryNode | null;
}

interface Entry {
  id: number;
  call: boolean;
  time: number;
}

/**
 * Entries sorted by time. At equal times calls come before returns, so
 * operations that touch at one instant count as concurrent; an unknown outcome
 * (return Infinity) sorts after everything. The sort is stable.
 */
export function makeEntries(history: readonly Operation<unknown, unknown>[]): Entry[] {
  const entries: Entry[] = [];
  history.forEach((op, id) => {
    entries.push({ id, call: true, time: op.call });
    entries.push({ id, call: false, time: op.return });
  });
  return entries.sort((a, b) => (a.time !== b.time ? a.time - b.time : Number(b.call) - Number(a.call)));
}

/** Links the entries into a list behind a sentinel head, which is returned. */
export function linkEntries(entries: readonly Entry[]): EntryNode {
  const returns = new Map<number, EntryNode>();
  const head: EntryNode = { id: -1, match: null, prev: null, next: null };
  let tail = head;
  for (const e of entries) {
    let node: EntryNode;
    if (e.call) {
      const match: EntryNode = { id: e.id, match: null, prev: null, next: null };
      returns.set(e.id, match);
      node = { id: e.id, match, prev: tail, next: null };
    } else {
      node = returns.get(e.id) as EntryNode;
      node.prev = tail;
    }
    tail.next = node;
    tail = node;
  }
  return head;
}

/** Takes a call entry and its return out of the list. */
export function lift(call: EntryNode): void {
  const ret = call.match as EntryNode;
  (call.prev as EntryNode).next = call.next;
  (call.next as EntryNode).prev = call.prev;
  (ret.prev as EntryNode).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts back what lift took out (in reverse order, so the links are restored exactly). */
export function unlift(call: EntryNode): void {
  const ret = call.match as EntryNode;
  (ret.prev as EntryNode).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as EntryNode).next = call;
  (call.next as EntryNode).prev = call;
}
