import { expect, it } from 'vitest';
import { ShellSyntaxError, splitCommandLine } from './shell';

it('splits a command line as a shell does', () => {
  expect(splitCommandLine(`put  'a b' "c \\"d\\" \\$x" e\\ f ""`)).toEqual(['put', 'a b', 'c "d" $x', 'e f', '']);
  expect(() => splitCommandLine(`put 'a`)).toThrow(ShellSyntaxError);
});
