// gRPC status codes (google.golang.org/grpc/codes), with grpc-go's names as printed in
// "rpc error: code = <Name> desc = ..." (spec server.md §11.1 for the numbers etcd uses).

export const Code = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type CodeName = keyof typeof Code;
export type Code = (typeof Code)[CodeName];

const NAMES = Object.keys(Code) as CodeName[];

/** "Unavailable" for 14; "Code(99)" for a number grpc-go does not know, as it prints it. */
export function codeName(code: number): string {
  return NAMES.find((n) => Code[n] === code) ?? `Code(${code})`;
}
