import { describe, expect, it } from 'vitest';
import { CommittedPrefix } from './committed-prefix';

describe('CommittedPrefix', () => {
  it('extends only contiguously and reports a different committed term', () => {
    const p = new CommittedPrefix();
    expect(p.note(1, 1, 1)).toBeUndefined();
    expect(p.note(3, 1, 1)).toBeUndefined(); // cannot be placed yet: skipped
    expect(p.lastIndex).toBe(1);
    expect(p.note(2, 2, 2)).toBeUndefined();
    expect(p.note(2, 3, 3)).toBe(2);
    expect(p.note(1, 1, 5)).toBeUndefined();
  });

  it('finds the last index committed before a term, lowering earlier runs', () => {
    const p = new CommittedPrefix();
    p.note(1, 1, 1);
    p.note(2, 1, 3);
    p.note(3, 3, 3);
    p.note(4, 3, 5);
    expect(p.lastIndexCommittedBefore(1)).toBe(0);
    expect(p.lastIndexCommittedBefore(2)).toBe(1);
    expect(p.lastIndexCommittedBefore(4)).toBe(3);
    expect(p.lastIndexCommittedBefore(6)).toBe(4);
    // Index 5 committed in term 2 commits 1-4 by term 2 at the latest.
    p.note(5, 3, 2);
    expect(p.lastIndexCommittedBefore(2)).toBe(1);
    expect(p.lastIndexCommittedBefore(3)).toBe(5);
  });
});
