import { ParseError } from './parse-error';

/**
 * A reader for the subset of EDN that Jepsen and Knossos histories use: nil,
 * booleans, numbers, strings, keywords, symbols, vectors, lists, maps, sets,
 * `;` comments and `#_` discards. Keywords become strings that keep their
 * colon (":read"), as in the normalized JSON files; vectors, lists and sets
 * become arrays; maps become objects.
 */

export type EdnValue = null | boolean | number | string | EdnValue[] | { [key: string]: EdnValue };

/** A top-level form and the line it starts on. */
export interface EdnForm {
  value: EdnValue;
  line: number;
}

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * The forms of a history file: the elements of its one top-level vector or
 * list, or else each top-level form (one map per line, as in Porcupine's kv files).
 */
export function readEdnForms(text: string): EdnForm[] {
  const reader = new EdnReader(text);
  reader.skipBlank();
  const opener = reader.peek();
  if (opener === '[' || opener === '(') {
    reader.advance();
    const forms = reader.readSequence(CLOSERS[opener], true);
    reader.skipBlank();
    if (!reader.atEnd()) reader.fail(`unexpected ${JSON.stringify(reader.peek())} after the history's closing ${CLOSERS[opener]}`);
    return forms;
  }
  const forms: EdnForm[] = [];
  for (;;) {
    reader.skipBlank();
    if (reader.atEnd()) return forms;
    const line = reader.line;
    forms.push({ value: reader.readValue(), line });
  }
}

class EdnReader {
  private pos = 0;
  line = 1;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos];
  }

  advance(): string {
    const c = this.text[this.pos++];
    if (c === '\n') this.line++;
    return c;
  }

  fail(reason: string): never {
    throw new ParseError(this.line, reason);
  }

  /** Skips whitespace, commas, comments and #_ discarded forms. */
  skipBlank(): void {
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === ';') {
        while (!this.atEnd() && this.peek() !== '\n') this.advance();
      } else if (c === ',' || /\s/.test(c)) {
        this.advance();
      } else if (c === '#' && this.text[this.pos + 1] === '_') {
        this.advance();
        this.advance();
        this.readValue();
      } else {
        return;
      }
    }
  }

  /** Reads forms up to the closing delimiter (the opener already consumed). */
  readSequence(closer: string, withLines: true): EdnForm[];
  readSequence(closer: string, withLines: false): EdnValue[];
  readSequence(closer: string, withLines: boolean): (EdnForm | EdnValue)[] {
    const startLine = this.line;
    const items: (EdnForm | EdnValue)[] = [];
    for (;;) {
      this.skipBlank();
      if (this.atEnd()) this.fail(`unclosed collection opened on line ${startLine}: expected ${JSON.stringify(closer)}`);
      if (this.peek() === closer) {
        this.advance();
        return items;
      }
      const line = this.line;
      const value = this.readValue();
      items.push(withLines ? { value, line } : value);
    }
  }

  readValue(): EdnValue {
    this.skipBlank();
    if (this.atEnd()) this.fail('unexpected end of input');
    const c = this.advance();
    switch (c) {
      case '[':
      case '(':
        return this.readSequence(CLOSERS[c], false);
      case '{':
        return this.readMap();
      case '"':
        return this.readString();
      case '#':
        if (this.peek() === '{') {
          this.advance();
          return this.readSequence('}', false);
        }
        return this.fail('tagged literals (#tag) are not supported in histories');
      case ')':
      case ']':
      case '}':
        return this.fail(`unexpected ${JSON.stringify(c)}`);
      default:
        return this.readAtom(c);
    }
  }

  private readMap(): { [key: string]: EdnValue } {
    const startLine = this.line;
    const items = this.readSequence('}', false);
    if (items.length % 2 !== 0) this.fail(`map opened on line ${startLine} has an odd number of forms`);
    const map: { [key: string]: EdnValue } = {};
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      map[typeof key === 'string' ? key : JSON.stringify(key)] = items[i + 1];
    }
    return map;
  }

  private readString(): string {
    const startLine = this.line;
    let s = '';
    for (;;) {
      if (this.atEnd()) this.fail(`unterminated string starting on line ${startLine}`);
      const c = this.advance();
      if (c === '"') return s;
      if (c !== '\\') {
        s += c;
        continue;
      }
      const e = this.advance();
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (!(e in escapes)) this.fail(`unsupported escape \\${e} in string`);
      s += escapes[e];
    }
  }

  private readAtom(first: string): EdnValue {
    let token = first;
    while (!this.atEnd() && !DELIMITERS.has(this.peek()) && this.peek() !== ',' && !/\s/.test(this.peek())) {
      token += this.advance();
    }
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[+-]?\d/.test(token)) {
      const n = Number(token.replace(/[NM]$/, ''));
      if (Number.isNaN(n)) this.fail(`bad number ${JSON.stringify(token)}`);
      return n;
    }
    // Keywords keep their colon; symbols are plain strings.
    return token;
  }
}
