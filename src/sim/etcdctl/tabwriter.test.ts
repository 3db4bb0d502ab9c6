import { expect, it } from 'vitest';
import { tabwrite } from './tabwriter';

it('pads tab-terminated cells to the widest cell of their column block, in tabs', () => {
  expect(tabwrite('a\tx\nlonger-than-eight\ty\n\nb\tz\n')).toBe('a\t\t\tx\nlonger-than-eight\ty\n\nb\tz\n');
  // A line without tabs ends a block; the last cell of a line is not part of a column.
  expect(tabwrite('\tgrant\tCreates\n\tkeep-alive\tKeeps\n')).toBe('\tgrant\t\tCreates\n\tkeep-alive\tKeeps\n');
});
