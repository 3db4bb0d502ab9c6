// Name resolution as grpc-go's ClientConn sees it: a resolver pushes a state (the
// endpoints, one address each for etcd) to the channel (spec client.md §2.4).

export interface ResolverState {
  /** G71 (etcd 3.6, 3.5.22+): one endpoint per address. G59 reads the same list as flat addresses. */
  endpoints: readonly string[];
}

/** The channel's side of the resolver API. */
export interface ResolverTarget {
  updateState(state: ResolverState): void;
}

export interface Resolver {
  /** Called once by the channel when it starts; the resolver pushes its state from then on. */
  build(target: ResolverTarget): void;
  close(): void;
}
