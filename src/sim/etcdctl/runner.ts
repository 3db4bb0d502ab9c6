// Runs a script of etcdctl command lines against a simulated cluster, advancing virtual
// time until each command completes, and streams the outputs in order.
//
// Script conventions (one command per line, as typed in a shell):
// * `put foo bar` or `etcdctl put foo bar`: runs in the foreground until it exits. A
//   foreground command still running after `interruptAfterMs` of virtual time (a watch,
//   a lease keep-alive) is interrupted as by Ctrl-C.
// * `watch foo &`: runs in the background; its output appears, in virtual-time order,
//   among the outputs of the commands that follow. Background commands are interrupted
//   `lingerMs` (default 1 s) of virtual time after the last line.
// * `sleep 2s`: lets virtual time pass (Go duration syntax).
// * Lines a command reads from standard input (txn's compares and requests) follow it.
// * Blank lines between commands and lines starting with `#` are skipped.

import type { EtcdctlEnv } from './backend';
import { Interrupt } from './cobra';
import type { Stdin } from './cobra';
import { runCommandLine } from './ctlv3/ctl';
import { parseDuration } from './go-format';
import type { Sink } from './io';

/** The clock the runner drives: the kernel of the world (or of the fake cluster). */
export interface VirtualClock {
  readonly now: number;
  nextTime(): number | undefined;
  step(): boolean;
  runUntil(time: number): void;
}

export interface RunnerOptions {
  env: EtcdctlEnv;
  clock: VirtualClock;
  sink: Sink;
  /** Virtual ms after which a foreground command is interrupted; default 10 s. */
  interruptAfterMs?: number;
  /** Virtual ms background commands keep running after the last line; default 1 s. */
  lingerMs?: number;
}

/** Promise continuations run as microtasks; give chains of awaits room to complete. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 64; i++) await Promise.resolve();
}

/** Advances virtual time until `done()` holds or the clock reaches `deadline`. */
async function runUntil(clock: VirtualClock, done: () => boolean, deadline: number): Promise<boolean> {
  for (;;) {
    await flushMicrotasks();
    if (done()) return true;
    const next = clock.nextTime();
    if (next === undefined || next > deadline) {
      if (deadline !== Infinity && deadline > clock.now) clock.runUntil(deadline);
      await flushMicrotasks();
      return done();
    }
    clock.step();
  }
}

interface Job {
  interrupt: Interrupt;
  done: boolean;
  code: number;
}

export interface RunResult {
  /** Exit code of each foreground command, in order. */
  codes: number[];
}

export async function runScript(lines: readonly string[], opts: RunnerOptions): Promise<RunResult> {
  const { clock, sink } = opts;
  const interruptAfter = opts.interruptAfterMs ?? 10_000;
  let cursor = 0;
  const stdin: Stdin = { readLine: async () => (cursor < lines.length ? lines[cursor++] : undefined) };
  const background: Job[] = [];
  const codes: number[] = [];

  const start = (line: string): Job => {
    const job: Job = { interrupt: new Interrupt(), done: false, code: 0 };
    void runCommandLine(line, { env: opts.env, sink, stdin, interrupt: job.interrupt }).then((code) => {
      job.done = true;
      job.code = code;
    });
    return job;
  };

  while (cursor < lines.length) {
    const line = lines[cursor++].trim();
    if (line === '' || line.startsWith('#')) continue;
    const sleep = /^sleep\s+(\S+)$/.exec(line);
    if (sleep !== null) {
      let ms: number;
      try {
        ms = parseDuration(sleep[1]);
      } catch (err) {
        sink({ stream: 'stderr', text: `sleep: ${(err as Error).message}\n` });
        continue;
      }
      await runUntil(clock, () => false, clock.now + ms);
      continue;
    }
    if (line.endsWith('&')) {
      const job = start(line.slice(0, -1));
      background.push(job);
      await flushMicrotasks();
      continue;
    }
    const job = start(line);
    if (!(await runUntil(clock, () => job.done, clock.now + interruptAfter))) {
      job.interrupt.trigger();
      await runUntil(clock, () => job.done, Infinity);
    }
    codes.push(job.code);
  }

  await runUntil(clock, () => false, clock.now + (opts.lingerMs ?? 1000));
  for (const job of background) job.interrupt.trigger();
  await runUntil(clock, () => background.every((j) => j.done), Infinity);
  return { codes };
}
