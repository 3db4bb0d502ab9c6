// A command's standard output and error, and etcdctl's exits (pkg/cobrautl/error.go).

export type Stream = 'stdout' | 'stderr';

export interface Chunk {
  stream: Stream;
  text: string;
}

/** Receives output as it is written, so long-running commands stream. */
export type Sink = (chunk: Chunk) => void;

export class Io {
  constructor(private readonly sink: Sink) {}

  out(text: string): void {
    if (text !== '') this.sink({ stream: 'stdout', text });
  }

  err(text: string): void {
    if (text !== '') this.sink({ stream: 'stderr', text });
  }

  /** fmt.Println to stdout. */
  println(...parts: (string | number | boolean)[]): void {
    this.out(`${parts.join(' ')}\n`);
  }
}

export const ExitError = 1;
export const ExitBadConnection = 2;
export const ExitInvalidInput = 3;
export const ExitBadFeature = 4;
export const ExitInterrupted = 5;
export const ExitBadArgs = 128;

/** os.Exit(code), after an optional "Error: <message>" line (ExitWithError). */
export class Exit extends Error {
  constructor(
    readonly code: number,
    /** Printed as "Error: <message>" on stderr; undefined exits silently. */
    readonly errorMessage?: string,
  ) {
    super(errorMessage ?? `exit ${code}`);
    this.name = 'Exit';
  }
}

/** A Go panic: "panic: <message>" (and a stack trace) on stderr, exit status 2. */
export class Panic extends Exit {
  constructor(readonly panicMessage: string) {
    super(2);
  }
}
