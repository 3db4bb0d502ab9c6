// Differential tests: the same etcdctl command scripts run through a real etcd 3.4 with
// the real etcdctl, and through the simulator; outputs are compared field by field, with
// cluster and member IDs, lease IDs, endpoints and timings normalized. Skipped when the
// `etcd` and `etcdctl` binaries are absent (Debian: apt-get install etcd-server etcd-client).

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './runner';
import { splitCommandLine } from './shell';
import { FakeCluster } from './testing/fake-cluster';

const hasBinaries = ['etcd', 'etcdctl'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
if (!hasBinaries) {
  console.warn('differential tests skipped: no etcd/etcdctl binaries (apt-get install etcd-server etcd-client)');
}

/** A command line and the standard input it reads (txn's compares and requests). */
interface Step {
  cmd: string;
  stdin?: string[];
}

interface Outcome {
  stdout: string[];
  stderr: string[];
  code: number;
}

/** A watch or keep-alive is stopped (Ctrl-C) after this long: virtual time in the simulator. */
const INTERRUPT_AFTER_MS = 1500;
/** The real etcdctl gets longer, so a loaded CI machine still lets it print what it has. */
const REAL_INTERRUPT_AFTER_MS = 3000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

class RealEtcd {
  private proc?: ChildProcess;
  private dir = '';
  endpoint = '';
  peer = '';

  async start(): Promise<void> {
    const [client, peer] = [await freePort(), await freePort()];
    this.dir = mkdtempSync(join(tmpdir(), 'etcdctl-diff-'));
    this.endpoint = `127.0.0.1:${client}`;
    this.peer = `127.0.0.1:${peer}`;
    const peerURL = `http://${this.peer}`;
    this.proc = spawn(
      'etcd',
      [
        '--name=m1',
        `--data-dir=${join(this.dir, 'data')}`,
        `--listen-client-urls=http://${this.endpoint}`,
        `--advertise-client-urls=http://${this.endpoint}`,
        `--listen-peer-urls=${peerURL}`,
        `--initial-advertise-peer-urls=${peerURL}`,
        `--initial-cluster=m1=${peerURL}`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (this.etcdctl(['endpoint', 'health']).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('etcd did not become healthy in 10 s');
  }

  stop(): void {
    this.proc?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  etcdctl(args: string[], stdin = '', timeoutMs?: number): Outcome {
    // The command's own --endpoints would be appended to ours (a string slice), so it replaces them.
    const eps = args.some((a) => a.startsWith('--endpoints')) ? [] : [`--endpoints=${this.endpoint}`];
    const r = spawnSync('etcdctl', [...eps, ...args], {
      input: stdin,
      env: { ...process.env, ETCDCTL_API: '3' },
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGINT',
    });
    return {
      stdout: r.stdout.split('\n'),
      // The 3.4 client logs its retries as JSON lines on stderr.
      stderr: r.stderr.split('\n').filter((l) => !l.startsWith('{"level":')),
      code: r.signal !== null ? 130 : (r.status ?? -1),
    };
  }
}

/** Replaces what legitimately differs between two clusters with stable placeholders. */
class Normalizer {
  private leases = new Map<string, string>();

  constructor(
    private readonly endpoint: string,
    private readonly peer: string,
  ) {}

  /** The lease IDs a script refers to as $L1, $L2, ... in order of grant. */
  leaseIDs(): string[] {
    return [...this.leases.keys()];
  }

  private lease(hex: string): string {
    if (!this.leases.has(hex)) this.leases.set(hex, `L${this.leases.size + 1}`);
    return this.leases.get(hex) ?? hex;
  }

  text(line: string): string {
    // Tables: column widths follow the endpoint and ID lengths, so compare cells only.
    const cells = (l: string) => (/^[|+]/.test(l) ? l.replace(/-+/g, '-').replace(/ +/g, ' ') : l);
    return cells(line.split(this.endpoint).join('EP').split(this.peer).join('PEER'))
      .replace(/^[0-9a-f]{12,16}, (started|unstarted), /, 'MID, $1, ')
      .replace(/(\| )[0-9a-f]{12,16}( \| )/, '$1MID$2')
      .replace(/(EP, )[0-9a-f]{12,16}(, [\d.]+, )\d+ kB/, '$1MID$2SIZE')
      .replace(/(\| EP \| )MID?[0-9a-f]*( \| [\d.]+ \| )\d+ kB/, '$1MID$2SIZE')
      .replace(/lease ([0-9a-f]{16}) (granted|revoked|keepalived|already|expired)/g, (_, id: string, w: string) => `lease ${this.lease(id)} ${w}`)
      .replace(/^[0-9a-f]{16}$/, (id) => this.lease(id))
      .replace(/^"(ClusterID|MemberID)" : \d+$/, '"$1" : ID')
      .replace(/^"ID" : (\d+)$/, (_, d: string) => `"ID" : ${this.lease(BigInt(d).toString(16).padStart(16, '0'))}`)
      // etcd lists a lease's keys in Go map order, which is random.
      .replace(/attached keys\(\[(.*)\]\)/, (_, ks: string) => `attached keys([${ks.split(' ').sort().join(' ')}])`)
      .replace(/took = \S+/, 'took = T')
      .replace(/^(\| \S+ \| (?:true|false) \| )\S+( \|)/, '$1T$2')
      .replace(/remaining\(\d+s\)/, 'remaining(Rs)');
  }

  json(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (['cluster_id', 'member_id', 'leader'].includes(k)) out[k] = 'ID';
      else if (['ID', 'id'].includes(k) && typeof x === 'string') out[k] = this.lease(x);
      else if (['ttl', 'took', 'dbSize', 'dbSizeInUse'].includes(k)) out[k] = 'T';
      else if (k === 'keys' && Array.isArray(x)) out[k] = [...x].sort();
      else out[k] = this.json(x);
    }
    return out;
  }

  /** Drops the lines of the simulator's 3.5+ usage texts that etcdctl 3.4 lacks (named in the 3.4 vs 3.6 tests below). */
  static withoutNewerFlags(lines: string[]): string[] {
    return lines.filter((l) => !/^ {6}--count-only\[=false\]\t+Get only the count$/.test(l));
  }

  outcome(o: Outcome): { stdout: unknown[]; stderr: string[]; code: number } {
    const parse = (l: string) => {
      if (!/^[[{]/.test(l)) return this.text(l);
      try {
        // 64-bit IDs lose precision as JSON numbers: read them as hex strings.
        const exact = l.replace(/"(ID|id)":(\d+)/g, (_, k: string, d: string) => `"${k}":"${BigInt(d).toString(16).padStart(16, '0')}"`);
        return this.json(JSON.parse(exact));
      } catch {
        return this.text(l);
      }
    };
    return { stdout: o.stdout.map(parse), stderr: o.stderr.map((l) => this.text(l)), code: o.code };
  }
}

/** Substitutes $L1, $L2, ... with the lease IDs the normalizer has seen, $PEER with the member's peer URL. */
function substitute(cmd: string, n: Normalizer, peer: string): string {
  return cmd.replace(/\$L(\d+)/g, (m, i: string) => n.leaseIDs()[Number(i) - 1] ?? m).replace('$PEER', `http://${peer}`);
}

/** Runs a script in both worlds and compares each step. */
async function compareScript(steps: Step[]): Promise<void> {
  const real = new RealEtcd();
  await real.start();
  try {
    const cluster = new FakeCluster();
    const realNorm = new Normalizer(real.endpoint, real.peer);
    const simNorm = new Normalizer(cluster.defaultEndpoints[0], 'm1:2380');
    for (const step of steps) {
      const stdin = step.stdin ?? [];
      const realOut = real.etcdctl(splitCommandLine(substitute(step.cmd, realNorm, real.peer)), stdin.map((l) => `${l}\n`).join(''), REAL_INTERRUPT_AFTER_MS);
      const sim: Outcome = { stdout: [], stderr: [], code: 0 };
      let out = '';
      let err = '';
      const { codes } = await runScript([substitute(step.cmd, simNorm, 'm1:2380'), ...stdin], {
        env: cluster,
        clock: cluster.kernel,
        sink: (c) => (c.stream === 'stdout' ? (out += c.text) : (err += c.text)),
        interruptAfterMs: INTERRUPT_AFTER_MS,
        lingerMs: 0,
      });
      sim.stdout = out.split('\n');
      sim.stderr = err.split('\n');
      sim.code = codes[0];
      sim.stdout = Normalizer.withoutNewerFlags(sim.stdout);
      sim.stderr = Normalizer.withoutNewerFlags(sim.stderr);
      expect({ step: step.cmd, ...simNorm.outcome(sim) }).toEqual({ step: step.cmd, ...realNorm.outcome(realOut) });
    }
  } finally {
    real.stop();
  }
}

const steps = (...cmds: (string | Step)[]): Step[] => cmds.map((c) => (typeof c === 'string' ? { cmd: c } : c));

describe.skipIf(!hasBinaries)('etcdctl against a real etcd 3.4', () => {
  it('kv: put, get, del in every format', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'put a 1',
        'put b <&>',
        'put a 2 --prev-kv',
        'put a 3 --prev-kv -w json',
        'get a',
        'get a -w json',
        'get --prefix ""',
        'get a c',
        'get b --from-key --keys-only',
        'get --prefix "" --limit 1 -w json',
        'get --prefix "" --sort-by=VERSION --order=DESCEND',
        'get --prefix "" --sort-by=MODIFY -w json',
        'get a --rev=2',
        'get a --print-value-only',
        'get a --hex',
        'get a --consistency=s',
        'put c 3 --ignore-value',
        'put a --ignore-value',
        'get a -w table',
        'get a -w fields',
        'put a 4 --prev-kv -w fields',
        'get --prefix "" --keys-only -w fields',
        'del a --prev-kv',
        'del a',
        'del b -w json',
        'del a --prev-kv -w fields',
        'del "" --prefix',
        'get --from-key ""',
      ),
    );
  });

  it('txn: compares, success and failure requests', { timeout: 60_000 }, async () => {
    await compareScript([
      { cmd: 'put k1 v1' },
      { cmd: 'txn', stdin: ['value("k1") = "v1"', '', 'get k1', 'put k2 v2', 'del zz', '', 'put k3 v3', ''] },
      { cmd: 'txn -w json', stdin: ['mod("k1") > "100"', 'version("k1") = "1"', '', 'get k1', '', 'get k2 --prefix', 'put k4 "a b"', ''] },
      { cmd: 'txn -i', stdin: ['create("k1") != "0"', '', 'del k2', '', ''] },
      { cmd: 'txn', stdin: ['', '', ''] },
      { cmd: 'txn -w fields', stdin: ['', 'get k1', 'put k9 v9', '', ''] },
      { cmd: 'txn', stdin: ['bad compare'] },
      { cmd: 'txn', stdin: ['mod("k1") > 0'] },
      { cmd: 'txn', stdin: ['ver("k1") = "x"'] },
      { cmd: 'txn', stdin: ['', 'foo x'] },
      { cmd: 'txn', stdin: ['', 'put'] },
      { cmd: 'txn', stdin: ['value("k1") = "v1"', '', 'put k5 v5'] },
      { cmd: 'txn', stdin: ['', 'put a 1', 'put a 2', '', ''] },
      { cmd: 'txn extra' },
    ]);
  });

  it('compaction and its errors', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'put a 1',
        'put a 2',
        'put a 3',
        'compaction 3',
        'compaction 3',
        'compaction 2',
        'compaction 100',
        'compaction abc',
        'compaction',
        'compaction 4 --physical',
        'get a --rev=3',
        'get a --rev=4',
        'get a --rev=100',
        'endpoint hashkv -w json',
      ),
    );
  });

  it('leases: grant, attach, timetolive, keep-alive, revoke', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'lease grant 60',
        'lease grant 100 -w json',
        'lease list',
        'lease list -w fields',
        'lease grant 30 -w fields',
        'put k v --lease=$L1',
        'put k2 v --lease=$L1',
        'lease timetolive $L1',
        'lease timetolive $L1 --keys',
        'lease timetolive $L1 --keys -w json',
        'lease keep-alive --once $L1',
        'lease keep-alive --once $L2 -w json',
        'lease revoke $L1',
        'get k',
        'lease timetolive $L1',
        'lease revoke $L1',
        'lease keep-alive --once 1234',
        'lease keep-alive 1234',
        'lease grant abc',
        'lease grant',
        'lease timetolive zz',
        'lease grant 9000000001',
        'put x y --lease=1234',
      ),
    );
  });

  it('watch from a past revision', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'put a 1',
        'put b 2',
        'del a',
        'put a 3',
        'watch --rev=1 a',
        'watch --rev=1 --prefix "" --prev-kv',
        'watch --rev=2 a b -w json',
        'watch --rev=3 --prefix "" -w fields',
        'watch a b --prefix',
        'watch',
        { cmd: 'watch -i', stdin: ['bogus', 'watch', 'watch --prefix x y', ''] },
        'compaction 4',
        'watch --rev=2 a',
      ),
    );
  });

  it('auth: users, roles, permissions, enable and disable', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'auth enable',
        'user add root:pw',
        'user add root:pw',
        'user add bob --new-user-password=x',
        'user add :x',
        'user list',
        'user get root',
        'user get nobody',
        'role add r1',
        'role add r1',
        'role grant-permission r1 readwrite /a --prefix',
        'role grant-permission r1 read /b /c',
        'role grant-permission r1 write /z',
        'role grant-permission r1 read /q --from-key',
        'role grant-permission r1 foo /z',
        'role grant-permission r1 read',
        'role get r1',
        'role get r1 -w json',
        'role get r1 -w fields',
        'role list -w fields',
        'user list -w fields',
        'role list',
        'user grant-role bob r1',
        'user grant-role bob nope',
        'user get bob --detail',
        'auth enable',
        'get foo',
        '--user=root:pw put foo bar',
        '--user=root:bad get foo',
        '--user=bob:x put /a/1 v',
        '--user=bob:x put /b v',
        '--user=bob:x get /q/z',
        '--user=bob:x user list',
        '--user=root:pw role revoke-permission r1 /z',
        '--user=root:pw role revoke-permission r1 /a --prefix',
        '--user=root:pw role revoke-permission r1 /nope',
        '--user=root:pw user revoke-role bob r1',
        '--user=root:pw role delete r1',
        '--user=root:pw user delete bob',
        '--user=root:pw auth disable',
        'auth disable',
        'get foo',
      ),
    );
  });

  it('bad input: unknown commands, flags and arguments', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'foo',
        'gte a',
        'put --foo a b',
        'get a --rev=abc',
        'get a --limit',
        'get a -x',
        'get a --prefix=maybe',
        'get',
        'put',
        'put "" x',
        'get ""',
        'del',
        'del a b c',
        'get a --sort-by=foo',
        'get a --order=foo',
        'get a --consistency=x',
        'get a -w xml',
        'get a --print-value-only -w json',
        'member remove zz',
        'member add',
        'member add x',
        'member add x http://a',
        'move-leader zz',
        'move-leader 1',
        'alarm list x',
        'alarm list',
        'alarm disarm',
        'user add',
        'role get nope',
        'lease',
        'lease foo',
        'version',
        'put --help',
        '--endpoints=127.0.0.1:1 --command-timeout=1s get a',
        '--endpoints=127.0.0.1:1 --dial-timeout=x get a',
        '-w json --hex get a',
      ),
    );
  });

  it('cluster and maintenance: members, endpoints, defrag, alarms', { timeout: 60_000 }, async () => {
    await compareScript(
      steps(
        'member list',
        'member list -w json',
        'member list -w table',
        'endpoint status',
        'endpoint status -w json',
        'endpoint status -w table',
        'endpoint status --cluster',
        'endpoint health',
        'endpoint health -w json',
        'endpoint health --cluster -w table',
        'endpoint hashkv --cluster',
        'defrag',
        'defrag --cluster',
        'alarm list',
        'alarm disarm',
        'member remove 1',
        'member remove',
        'member promote 1',
        'member promote',
        'member update 1 --peer-urls=http://127.0.0.1:1',
        'member update 1',
        'member update',
        'member add m2 --peer-urls=$PEER',
        'move-leader 1',
        'move-leader',
      ),
    );
  });

  // Known differences between etcdctl 3.4 (the reference binary here) and 3.5/3.6, where
  // the simulator follows the newer etcdctl.
  it('3.4 vs 3.6: `auth status` exists from 3.5 on; 3.4 prints the auth help', { timeout: 60_000 }, async () => {
    const real = new RealEtcd();
    await real.start();
    try {
      expect(real.etcdctl(['auth', 'status']).stdout[1]).toBe('\tauth - Enable or disable authentication');
    } finally {
      real.stop();
    }
  });

  it('3.4 vs 3.6: `get --count-only` exists from 3.5 on (with -w fields); 3.4 says unknown flag', { timeout: 60_000 }, async () => {
    const real = new RealEtcd();
    await real.start();
    try {
      expect(real.etcdctl(['get', 'a', '--count-only']).stderr[0]).toBe('Error: unknown flag: --count-only');
    } finally {
      real.stop();
    }
  });

  it('3.4 vs 3.6: a lease compare in txn panics in 3.4; 3.5+ compares the lease ID', { timeout: 60_000 }, async () => {
    const real = new RealEtcd();
    await real.start();
    try {
      const r = real.etcdctl(['txn'], 'lease("k") = "0"\n\n\n\n');
      expect(r.stderr[0]).toBe('panic: bad value');
      expect(r.code).toBe(2);
    } finally {
      real.stop();
    }
  });
});
