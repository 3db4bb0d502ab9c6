// etcdctl's global flags and what every command derives from them
// (ctlv3/command/global.go): the client configuration, the client, the printer.

import type { ClientConfig, EtcdctlBackend } from '../../backend';
import type { Invocation } from '../../cobra';
import type { FlagDef } from '../../flags';
import { Exit, ExitBadConnection, ExitBadFeature, ExitError } from '../../io';
import { FieldsPrinter } from './printer-fields';
import { JsonPrinter } from './printer-json';
import { SimplePrinter } from './printer-simple';
import { TablePrinter } from './printer-table';
import { UnsupportedPrinter } from './printer';
import type { Printer } from './printer';

export const DEFAULT_ENDPOINT = '127.0.0.1:2379';

export const globalFlags: FlagDef[] = [
  { name: 'endpoints', type: 'stringSlice', def: [DEFAULT_ENDPOINT], usage: 'gRPC endpoints' },
  { name: 'debug', type: 'bool', def: false, usage: 'enable client-side debug logging' },
  { name: 'write-out', shorthand: 'w', type: 'string', def: 'simple', usage: 'set the output format (fields, json, protobuf, simple, table)' },
  { name: 'hex', type: 'bool', def: false, usage: 'print byte strings as hex encoded strings' },
  { name: 'dial-timeout', type: 'duration', def: 2000, usage: 'dial timeout for client connections' },
  { name: 'command-timeout', type: 'duration', def: 5000, usage: 'timeout for short running command (excluding dial timeout)' },
  { name: 'keepalive-time', type: 'duration', def: 2000, usage: 'keepalive time for client connections' },
  { name: 'keepalive-timeout', type: 'duration', def: 6000, usage: 'keepalive timeout for client connections' },
  { name: 'insecure-transport', type: 'bool', def: true, usage: 'disable transport security for client connections' },
  { name: 'insecure-discovery', type: 'bool', def: true, usage: 'accept insecure SRV records describing cluster endpoints' },
  {
    name: 'insecure-skip-tls-verify',
    type: 'bool',
    def: false,
    usage: 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)',
  },
  { name: 'cert', type: 'string', def: '', usage: 'identify secure client using this TLS certificate file' },
  { name: 'key', type: 'string', def: '', usage: 'identify secure client using this TLS key file' },
  { name: 'cacert', type: 'string', def: '', usage: 'verify certificates of TLS-enabled secure servers using this CA bundle' },
  { name: 'user', type: 'string', def: '', usage: 'username[:password] for authentication (prompt if password is not supplied)' },
  {
    name: 'password',
    type: 'string',
    def: '',
    usage: "password for authentication (if this option is used, --user option shouldn't include password)",
  },
  { name: 'discovery-srv', shorthand: 'd', type: 'string', def: '', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { name: 'discovery-srv-name', type: 'string', def: '', usage: 'service name to query when using DNS discovery' },
];

/** The --endpoints value; without the flag, the environment's default cluster endpoints. */
export function endpointsFromCmd(inv: Invocation): string[] {
  if (inv.flags.changed('endpoints')) return inv.flags.strings('endpoints');
  return inv.env.defaultEndpoints ?? inv.flags.strings('endpoints');
}

/** authCfgFromCmd: --user "name[:password]" and --password. */
function authFromCmd(inv: Invocation): { username?: string; password?: string } {
  const user = inv.flags.string('user');
  const password = inv.flags.string('password');
  if (user === '') return {};
  if (password !== '') return { username: user, password };
  const colon = user.indexOf(':');
  // etcdctl would prompt on the terminal here; the simulator has none to prompt on.
  if (colon < 0) throw new Exit(ExitError, 'password prompt is not available: use --user=name:password or --password');
  return { username: user.slice(0, colon), password: user.slice(colon + 1) };
}

export function clientConfigFromCmd(inv: Invocation, endpoints = endpointsFromCmd(inv), withAuth = true): ClientConfig {
  return {
    endpoints,
    dialTimeoutMs: inv.flags.int('dial-timeout'),
    commandTimeoutMs: inv.flags.int('command-timeout'),
    keepAliveTimeMs: inv.flags.int('keepalive-time'),
    keepAliveTimeoutMs: inv.flags.int('keepalive-timeout'),
    ...(withAuth ? authFromCmd(inv) : {}),
  };
}

/** mustClient: a client, or exit 2 with the dial/authentication error. */
export async function mustClient(config: ClientConfig, inv: Invocation): Promise<EtcdctlBackend> {
  let c: EtcdctlBackend;
  try {
    c = await inv.env.connect(config);
  } catch (err) {
    throw new Exit(ExitBadConnection, (err as Error).message);
  }
  inv.atExit.push(() => c.close());
  return c;
}

export function mustClientFromCmd(inv: Invocation): Promise<EtcdctlBackend> {
  return mustClient(clientConfigFromCmd(inv), inv);
}

/** NewPrinter for --write-out and --hex (initDisplayFromCmd). */
export function display(inv: Invocation, valueOnly = false): Printer {
  const isHex = inv.flags.bool('hex');
  switch (inv.flags.string('write-out')) {
    case 'simple':
      return new SimplePrinter(inv.io, isHex, valueOnly);
    case 'json':
      return new JsonPrinter(inv.io);
    case 'table':
      return new TablePrinter(inv.io);
    case 'fields':
      return new FieldsPrinter(inv.io);
    case 'protobuf':
      // etcdctl writes marshaled protobuf bytes; the simulator does not encode them.
      return new UnsupportedPrinter(inv.io, 'protobuf');
    default:
      throw new Exit(ExitBadFeature, 'unsupported output format');
  }
}

/** An RPC error exits 1 with its message (ExitWithError(ExitError, err)). */
export async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof Exit) throw err;
    throw new Exit(ExitError, (err as Error).message);
  }
}

/** endpointsFromCluster: --cluster takes the client URLs of every member. */
export async function endpointsFromCluster(inv: Invocation): Promise<string[]> {
  if (!inv.flags.bool('cluster')) return endpointsFromCmd(inv);
  // Without auth: MemberList needs none, and etcdctl asks for no needless password.
  const c = await mustClient(clientConfigFromCmd(inv, endpointsFromCmd(inv), false), inv);
  try {
    const resp = await c.memberList();
    return resp.members.flatMap((m) => m.clientURLs);
  } catch (err) {
    throw new Exit(ExitError, `failed to fetch endpoints from etcd cluster member list: ${(err as Error).message}`);
  }
}
