// etcdctl check perf (ctlv3/command/check.go): 60 seconds of rate-limited writes from many
// clients, then a verdict on throughput, slowest request and latency spread. Time is
// virtual, so a simulated minute passes as fast as the simulation runs. `check datascale`
// reads the server's process memory from /metrics, which the simulation has not.

import type { EtcdctlBackend } from '../../backend';
import type { Command, Invocation } from '../../cobra';
import { formatDuration } from '../../go-format';
import { Exit, ExitBadFeature, ExitError, ExitInvalidInput } from '../../io';
import { getPrefixRangeEnd } from '../../../mvcc/bytes';
import { call, clientConfigFromCmd, mustClient } from './global';

const PERF_LOADS: Record<string, { limit: number; clients: number; duration: number }> = {
  s: { limit: 150, clients: 50, duration: 60 },
  m: { limit: 1000, clients: 200, duration: 60 },
  l: { limit: 8000, clients: 500, duration: 60 },
  xl: { limit: 15000, clients: 1000, duration: 60 },
};
const LOAD_ALIASES: Record<string, string> = { s: 's', small: 's', m: 'm', medium: 'm', l: 'l', large: 'l', xl: 'xl', xLarge: 'xl' };

const loadFlags = (what: string, prefix: string) => [
  {
    name: 'load',
    type: 'string' as const,
    def: 's',
    usage: `The ${what} check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)`,
  },
  { name: 'prefix', type: 'string' as const, def: prefix, usage: `The prefix for writing the ${what} check's keys.` },
  { name: 'auto-compact', type: 'bool' as const, def: false, usage: 'Compact storage with last revision after test is finished.' },
  { name: 'auto-defrag', type: 'bool' as const, def: false, usage: 'Defragment storage after test is finished.' },
];

/** A 256-byte key: the prefix, then a number as a Go varint, then zero bytes. */
function perfKey(prefix: string, n: number): string {
  let s = '';
  // binary.PutVarint: zig-zag, then 7 bits per byte.
  let u = BigInt(n) * 2n;
  while (u >= 0x80n) {
    s += String.fromCharCode(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  s += String.fromCharCode(Number(u));
  return prefix + s.padEnd(256, '\0');
}

/**
 * The cheggaaa/pb progress bar etcdctl draws while the check runs, as it looks when standard
 * output is not a terminal: "\r 12 / 60   20.00% 00m48s", redrawn here once a second
 * (pb redraws every 200 ms), and " 60 / 60  100.00% 1m0s" with a newline at the end.
 */
async function progressBar(inv: Invocation, seconds: number): Promise<void> {
  const line = (n: number, time: string) => `\r ${n} / ${seconds} ${((100 * n) / seconds).toFixed(2).padStart(7)}%${time}`;
  inv.io.out(line(0, ''));
  for (let n = 1; n < seconds; n++) {
    await inv.env.sleep(1000);
    const left = seconds - n;
    inv.io.out(line(n, ` ${String(Math.floor(left / 60)).padStart(2, '0')}m${String(left % 60).padStart(2, '0')}s`));
  }
  await inv.env.sleep(1000);
  inv.io.out(`${line(seconds, ` ${formatDuration(seconds * 1000)}`)}\n`);
}

const perf: Command = {
  use: 'perf [options]',
  short: 'Check the performance of the etcd cluster',
  flags: loadFlags('performance', '/etcdctl-check-perf/'),
  run: async (inv) => {
    const load = inv.flags.string('load');
    const model = LOAD_ALIASES[load];
    if (model === undefined) throw new Exit(ExitBadFeature, `unknown load option ${load}`);
    const cfg = PERF_LOADS[model];
    const prefix = inv.flags.string('prefix');
    const clients: EtcdctlBackend[] = [];
    for (let i = 0; i < cfg.clients; i++) clients.push(await mustClient(clientConfigFromCmd(inv), inv));
    const c0 = clients[0];
    const existing = await call(c0.get({ key: prefix, rangeEnd: getPrefixRangeEnd(prefix), limit: 1 }));
    if (existing.kvs.length > 0) {
      throw new Exit(ExitInvalidInput, `prefix "${prefix}" has keys. Delete with etcdctl del --prefix ${prefix} first`);
    }

    const now = () => inv.env.now();
    const bar = progressBar(inv, cfg.duration);
    const start = now();
    const end = start + cfg.duration * 1000;
    let keyNumber = 0; // etcdctl draws random keys; distinct ones are all that matters
    const value = '\0'.repeat(1024);
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    // Each client sends the next request the rate limiter admits, one at a time.
    let nextSlot = start;
    const admit = (): number | undefined => {
      const slot = Math.max(nextSlot, now());
      if (slot >= end) return undefined;
      nextSlot = slot + 1000 / cfg.limit;
      return slot;
    };
    await Promise.all(
      clients.map(async (c) => {
        for (let slot = admit(); slot !== undefined; slot = admit()) {
          await inv.env.sleep(slot - now());
          const st = now();
          try {
            await c.put({ key: perfKey(prefix, keyNumber++), value });
          } catch (err) {
            const msg = (err as Error).message;
            errors.set(msg, (errors.get(msg) ?? 0) + 1);
          }
          latencies.push((now() - st) / 1000);
        }
      }),
    );
    const totalSeconds = (now() - start) / 1000;
    await bar;

    const del = await call(c0.delete({ key: prefix, rangeEnd: getPrefixRangeEnd(prefix) }));
    if (inv.flags.bool('auto-compact')) {
      const rev = del.header.revision;
      inv.io.println(`Compacting with revision ${rev}`);
      await call(c0.compact({ revision: rev, physical: true }));
      inv.io.println(`Compacted with revision ${rev}`);
    }
    if (inv.flags.bool('auto-defrag')) {
      for (const ep of c0.endpoints()) {
        inv.io.println(`Defragmenting "${ep}"`);
        await call(c0.defragment(ep));
        inv.io.println(`Defragmented "${ep}"`);
      }
    }

    let ok = true;
    if (errors.size > 0) {
      inv.io.println('FAIL: too many errors');
      for (const [k, v] of [...errors].sort()) inv.io.println(`FAIL: ERROR(${k}) -> ${v}`);
      ok = false;
    }
    const rps = latencies.length / totalSeconds;
    const slowest = Math.max(0, ...latencies);
    const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
    const stddev = Math.sqrt(latencies.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, latencies.length));
    if (rps / cfg.limit <= 0.9) {
      inv.io.println(`FAIL: Throughput too low: ${Math.floor(rps) + 1} writes/s`);
      ok = false;
    } else inv.io.println(`PASS: Throughput is ${Math.floor(rps) + 1} writes/s`);
    if (slowest > 0.5) {
      inv.io.println(`Slowest request took too long: ${slowest.toFixed(6)}s`);
      ok = false;
    } else inv.io.println(`PASS: Slowest request took ${slowest.toFixed(6)}s`);
    if (stddev > 0.1) {
      inv.io.println(`Stddev too high: ${stddev.toFixed(6)}s`);
      ok = false;
    } else inv.io.println(`PASS: Stddev is ${stddev.toFixed(6)}s`);
    inv.io.println(ok ? 'PASS' : 'FAIL');
    if (!ok) throw new Exit(ExitError);
  },
};

const datascale: Command = {
  use: 'datascale [options]',
  short: 'Check the memory usage of holding data for different workloads on a given server endpoint.',
  long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
  flags: loadFlags('datascale', '/etcdctl-check-datascale/'),
  run: async (inv) => {
    if (LOAD_ALIASES[inv.flags.string('load')] === undefined) throw new Exit(ExitBadFeature, `unknown load option ${inv.flags.string('load')}`);
    // etcdctl reads process_resident_memory_bytes from the endpoint's /metrics first.
    inv.io.println('FAIL: Could not read process_resident_memory_bytes before the put operations.');
    throw new Exit(ExitError);
  },
};

export const checkCommand: Command = {
  use: 'check <subcommand>',
  short: 'commands for checking properties of the etcd cluster',
  commands: [perf, datascale],
};
