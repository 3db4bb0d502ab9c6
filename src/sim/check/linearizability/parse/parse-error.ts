/** Bad input: what is wrong and on which line (1-based); the caller adds the file name. */
export class ParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ParseError';
  }
}
