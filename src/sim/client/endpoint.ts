// Endpoint strings to gRPC addresses (client/v3/internal/endpoint/endpoint.go, spec
// client.md §2.1). Host names are opaque node addresses in the simulator (§2.3).

export type CredsRequirement = 'require' | 'drop' | 'optional';

export interface Interpreted {
  /** What the dialer connects to, e.g. "m1:2379". */
  addr: string;
  serverName: string;
  creds: CredsRequirement;
}

function requirement(scheme: string): CredsRequirement {
  if (scheme === 'https' || scheme === 'unixs') return 'require';
  if (scheme === 'http') return 'drop';
  return 'optional';
}

function lastPathElement(p: string): string {
  const parts = p.split('/').filter((x) => x !== '');
  return parts.length === 0 ? p : parts[parts.length - 1];
}

export function interpret(ep: string): Interpreted {
  for (const scheme of ['unixs', 'unix']) {
    if (!ep.startsWith(`${scheme}:`)) continue;
    const creds = requirement(scheme);
    if (ep.startsWith(`${scheme}:///`)) {
      const path = ep.slice(scheme.length + 3);
      return { addr: `unix://${path}`, serverName: lastPathElement(path), creds };
    }
    const rest = ep.startsWith(`${scheme}://`) ? ep.slice(scheme.length + 3) : ep.slice(scheme.length + 1);
    return { addr: `unix:${rest}`, serverName: lastPathElement(rest), creds };
  }
  const i = ep.indexOf('://');
  if (i >= 0) {
    const scheme = ep.slice(0, i);
    const rest = ep.slice(i + 3);
    const host = rest.split('/')[0];
    if (host === '') return { addr: ep, serverName: ep, creds: 'optional' };
    if (scheme === 'http' || scheme === 'https') return { addr: host, serverName: host, creds: requirement(scheme) };
    return { addr: ep, serverName: host, creds: requirement(scheme) };
  }
  return { addr: ep, serverName: ep, creds: 'optional' };
}

/** authority(ep) for the dial target (§1.3). */
export function authority(ep: string): string {
  const i = ep.indexOf('://');
  if (i >= 0) return ep.slice(i + 3);
  if (ep.startsWith('unixs:')) return ep.slice(6);
  if (ep.startsWith('unix:')) return ep.slice(5);
  return ep;
}
