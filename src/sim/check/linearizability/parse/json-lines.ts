import { ParseError } from './parse-error';

/** One JSON value per non-blank line, with its line number. */
export function readJsonLines(text: string): { value: unknown; line: number }[] {
  const records: { value: unknown; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      records.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (e) {
      throw new ParseError(i + 1, `not JSON: ${(e as Error).message}`);
    }
  });
  return records;
}
