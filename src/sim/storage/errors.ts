// Go-style sentinel errors. A wrapped error keeps its sentinel in `cause`, so
// errorIs (Go's errors.Is) still recognises it after context has been added.

export const EOF = new Error('EOF');
export const ErrUnexpectedEOF = new Error('unexpected EOF');
export const ErrExist = new Error('file already exists');
export const ErrNotExist = new Error('file does not exist');

export function wrapError(base: Error, detail: string): Error {
  return new Error(`${base.message}: ${detail}`, { cause: base });
}

/** Go's fmt.Errorf("context: %w", err): the context first, err still matched by errorIs. */
export function withContext(context: string, err: Error): Error {
  return new Error(`${context}: ${err.message}`, { cause: err });
}

export function errorIs(err: unknown, target: Error): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e === target) return true;
  }
  return false;
}
