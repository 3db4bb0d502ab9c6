import { describe, expect, it } from 'vitest';
import { readEdnForms } from './edn';

describe('readEdnForms', () => {
  it('reads the elements of a top-level vector with their lines, skipping comments and commas', () => {
    const text = '; a history\n[{:process 1, :type :invoke, :value [1 2]}\n ; between\n {:f :read :value nil :ok true}]';
    expect(readEdnForms(text)).toEqual([
      { value: { ':process': 1, ':type': ':invoke', ':value': [1, 2] }, line: 2 },
      { value: { ':f': ':read', ':value': null, ':ok': true }, line: 4 },
    ]);
  });

  it('reads one form per line when there is no enclosing vector', () => {
    expect(readEdnForms('{:a "x \\"y\\""}\n{:b -3.5}\n').map((f) => f.line)).toEqual([1, 2]);
    expect(readEdnForms('{:a "x \\"y\\""}')[0].value).toEqual({ ':a': 'x "y"' });
  });

  it('reads lists, sets and discards', () => {
    expect(readEdnForms('(#{1 2} #_ {:gone 1} sym 12N)').map((f) => f.value)).toEqual([[1, 2], 'sym', 12]);
  });

  it('says where the input is broken', () => {
    expect(() => readEdnForms('[{:a 1}\n{:b 2')).toThrow('line 2: unclosed collection opened on line 2: expected "}"');
    expect(() => readEdnForms('[{:a 1 :b}]')).toThrow('line 1: map opened on line 1 has an odd number of forms');
    expect(() => readEdnForms('[1] 2')).toThrow('unexpected "2" after the history\'s closing ]');
    expect(() => readEdnForms('#inst "2020"')).toThrow('tagged literals');
    expect(() => readEdnForms('"abc')).toThrow('unterminated string starting on line 1');
  });
});
