// gRPC status errors (google.golang.org/grpc/status). An RPC fails with a StatusError;
// its text is grpc-go's "rpc error: code = <Name> desc = <message>".

import { Code, codeName } from './codes';

export class StatusError extends Error {
  constructor(
    readonly code: Code,
    /** The status message ("desc"), which etcd's client compares as a string. */
    readonly details: string,
  ) {
    super(`rpc error: code = ${codeName(code)} desc = ${details}`);
    this.name = 'StatusError';
  }
}

/** Wire form of a status, as carried in a trailers frame. */
export interface Status {
  code: Code;
  message: string;
}

export function fromStatus(s: Status): StatusError {
  return new StatusError(s.code, s.message);
}

export function toStatus(err: StatusError): Status {
  return { code: err.code, message: err.details };
}

/** status.Code(err): OK for none, the code of a status error, Unknown for anything else. */
export function codeOf(err: Error | undefined): Code {
  if (err === undefined) return Code.OK;
  return err instanceof StatusError ? err.code : Code.Unknown;
}

/** The message grpc carries: a status's desc, or a plain error's text. */
export function messageOf(err: Error): string {
  return err instanceof StatusError ? err.details : err.message;
}
