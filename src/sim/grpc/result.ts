// The outcome of an asynchronous simulated call, handed to its continuation. (Promises
// cannot be used: their continuations would run outside the kernel's virtual time.)

export type Result<T> = { ok: true; value: T } | { ok: false; error: Error };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: Error): Result<T> {
  return { ok: false, error };
}
