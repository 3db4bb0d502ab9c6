// How the leader replicates to a follower (tracker/state.go, spec §5.1).
export enum ProgressStateType {
  /** One MsgApp at a time until the follower's match point is found. */
  StateProbe = 0,
  /** Optimistic streaming of MsgApps, bounded by Inflights. */
  StateReplicate = 1,
  /** A snapshot is in flight; nothing else is sent. */
  StateSnapshot = 2,
}

export function progressStateName(s: ProgressStateType): string {
  return ProgressStateType[s] ?? `StateType(${s as number})`;
}
