// etcdctl command lines as world inputs. Each line is a new etcdctl process: it runs through
// the etcdctl command layer (src/sim/etcdctl: etcd's parsing, flags, output formats and
// error texts) and its clientv3 talks to the cluster over the simulated network. What it
// prints and its exit code become trace events caused by the input.
//
// The command layer is asynchronous: a command's next step runs as a promise continuation
// (a microtask) after the kernel event that answered it. For a run to replay exactly, those
// continuations must run before the kernel fires another event or the next input applies,
// so while a command runs whoever advances the world awaits world.settle() after every
// kernel step and input (World.runUntilAsync, World.replayAsync and the page's loop do;
// the synchronous ways refuse). settle() gives them a fixed number of microtask turns, as
// the headless etcdctl runner does.

import type { Kernel } from '../kernel/kernel';
import type { Network } from '../net/network';
import type { EtcdctlEnv } from '../etcdctl/backend';
import { clientEtcdctlEnv } from '../etcdctl/client-backend';
import { Interrupt } from '../etcdctl/cobra';
import { runCommandLine } from '../etcdctl/ctlv3/ctl';

declare module '../trace/trace' {
  interface TraceKinds {
    /** Text a command wrote to its standard output (cause: the etcdctl input). */
    'etcdctl.stdout': { client: string; text: string };
    'etcdctl.stderr': { client: string; text: string };
    /** The command exited (0 = success; etcdctl's codes otherwise, see etcdctl/io.ts). */
    'etcdctl.exit': { client: string; code: number };
  }
}

interface Process {
  client: string;
  line: string;
  interrupt: Interrupt;
}

/** The etcdctl processes of a world, by the host (client) they run on. */
export class EtcdctlProcesses {
  private readonly envs = new Map<string, EtcdctlEnv>();
  private readonly running: Process[] = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
  ) {}

  /** Whether a command is still running (its continuations need settle()). */
  get busy(): boolean {
    return this.running.length > 0;
  }

  /** The command running longest, for error messages. */
  get oldest(): string | undefined {
    return this.running[0]?.line;
  }

  /**
   * Starts `text` on host `client`: its first line is the command, the following lines its
   * standard input (as txn reads them). `endpoints` is the default --endpoints.
   */
  run(client: string, text: string, endpoints: string[], cause: number): void {
    const [line, ...stdinLines] = text.split('\n');
    const trace = this.kernel.trace;
    const opts = cause >= 0 ? { cause } : undefined;
    let env = this.envs.get(client);
    if (env === undefined) {
      env = clientEtcdctlEnv({ kernel: this.kernel, net: this.net }, undefined, client);
      this.envs.set(client, env);
    }
    const p: Process = { client, line, interrupt: new Interrupt() };
    this.running.push(p);
    let next = 0;
    const stdin = { readLine: async () => (next < stdinLines.length ? stdinLines[next++] : undefined) };
    const exit = (code: number) => {
      this.running.splice(this.running.indexOf(p), 1);
      trace.emit(client, 'etcdctl.exit', { client, code }, opts);
    };
    runCommandLine(line, {
      env: { ...env, defaultEndpoints: endpoints },
      stdin,
      interrupt: p.interrupt,
      sink: (c) => trace.emit(client, c.stream === 'stdout' ? 'etcdctl.stdout' : 'etcdctl.stderr', { client, text: c.text }, opts),
    }).then(exit, (err: unknown) => {
      // The command layer reports every etcdctl error itself; this is a simulator bug.
      trace.emit(client, 'etcdctl.stderr', { client, text: `Error: simulator error: ${(err as Error).message}\n` }, opts);
      exit(1);
    });
  }

  /** Ctrl-C: interrupts every command running on the host (a watch, a lease keep-alive). */
  interrupt(client: string): void {
    for (const p of this.running) if (p.client === client) p.interrupt.trigger();
  }
}
