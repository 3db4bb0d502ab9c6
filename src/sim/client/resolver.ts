// The etcd-endpoints manual resolver (client/v3/internal/resolver/resolver.go, spec
// client.md §2.4): holds the endpoint list and pushes it to the channel once built.

import type { Resolver, ResolverTarget } from '../grpc/resolver';
import { interpret } from './endpoint';

export const SCHEME = 'etcd-endpoints';

export class EtcdEndpointsResolver implements Resolver {
  private target: ResolverTarget | undefined;

  constructor(private endpoints: readonly string[]) {}

  build(target: ResolverTarget): void {
    this.target = target;
    this.updateState();
  }

  close(): void {
    this.target = undefined;
  }

  setEndpoints(endpoints: readonly string[]): void {
    this.endpoints = endpoints;
    this.updateState();
  }

  /** Before Build this is a silent no-op: the list waits for Build. */
  private updateState(): void {
    this.target?.updateState({ endpoints: this.endpoints.map((ep) => interpret(ep).addr) });
  }
}
