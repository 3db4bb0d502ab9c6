import { describe, expect, it } from 'vitest';
import { FlagError, goQuote, parseFlags, parseGoInt } from './flags';
import type { FlagDef } from './flags';

const defs: FlagDef[] = [
  { name: 'prefix', type: 'bool', def: false, usage: '' },
  { name: 'rev', type: 'int64', def: 0, usage: '' },
  { name: 'write-out', shorthand: 'w', type: 'string', def: 'simple', usage: '' },
  { name: 'interactive', shorthand: 'i', type: 'bool', def: false, usage: '' },
  { name: 'endpoints', type: 'stringSlice', def: ['127.0.0.1:2379'], usage: '' },
];

describe('pflag parsing', () => {
  it('takes --x=v, --x v, -w v, -wv, -iw v, bools and interspersed arguments', () => {
    const p = parseFlags(defs, ['a', '--rev=3', 'b', '-iwjson', '--prefix', '--endpoints', 'x,y', '--endpoints=z', '--', '--rev']);
    expect(p.args).toEqual(['a', 'b', '--rev']);
    expect(Object.fromEntries(p.values)).toEqual({ prefix: true, rev: 3, 'write-out': 'json', interactive: true, endpoints: ['x', 'y', 'z'] });
    expect([...p.changed].sort()).toEqual(['endpoints', 'interactive', 'prefix', 'rev', 'write-out']);
  });

  it("reports errors in pflag's words", () => {
    const err = (args: string[]) => {
      try {
        parseFlags(defs, args);
      } catch (e) {
        if (e instanceof FlagError) return e.message;
      }
      return 'no error';
    };
    expect(err(['--nope'])).toBe('unknown flag: --nope');
    expect(err(['-x'])).toBe("unknown shorthand flag: 'x' in -x");
    expect(err(['--rev'])).toBe('flag needs an argument: --rev');
    expect(err(['-w'])).toBe("flag needs an argument: 'w' in -w");
    expect(err(['--rev=1x'])).toBe('invalid argument "1x" for "--rev" flag: strconv.ParseInt: parsing "1x": invalid syntax');
    expect(err(['-i=maybe'])).toBe('invalid argument "maybe" for "-i, --interactive" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  });

  it('parses integers as strconv does', () => {
    expect(parseGoInt('0x10', 0, false)).toBe(16);
    expect(parseGoInt('010', 0, false)).toBe(8);
    expect(parseGoInt('ff', 16, true)).toBe(255);
    expect(() => parseGoInt('-1', 16, true)).toThrow('strconv.ParseUint: parsing "-1": invalid syntax');
    expect(() => parseGoInt('9223372036854775808', 10, false)).toThrow('value out of range');
  });

  it('quotes as Go %q', () => {
    expect(goQuote('a"b\\\n\0')).toBe('"a\\"b\\\\\\n\\x00"');
  });
});
