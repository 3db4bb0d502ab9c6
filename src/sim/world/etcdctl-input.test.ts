// etcdctl command lines as world inputs: etcd's outputs and exit codes in the trace, caused
// by the input, and runs with them replay byte for byte.
import { describe, expect, it } from 'vitest';
import { InputError, World } from './world';

async function cluster(seed = 2): Promise<World> {
  const w = new World({ members: 3, seed });
  w.runUntilTrue(() => w.leader() !== undefined, 10_000);
  return w;
}

/** Applies an etcdctl input and runs until it exits; returns its output and exit code. */
async function etcdctl(w: World, line: string, client?: string): Promise<{ stdout: string; stderr: string; code: number | undefined }> {
  const from = w.kernel.trace.length;
  w.input({ type: 'etcdctl', line, client });
  const cause = from; // the world.input event
  await w.settle();
  await w.runUntilTrueAsync(() => w.kernel.trace.range(from).some((e) => e.kind === 'etcdctl.exit' && e.cause === cause), 30_000);
  const mine = w.kernel.trace.range(from).filter((e) => e.cause === cause);
  const text = (stream: 'etcdctl.stdout' | 'etcdctl.stderr') => mine.map((e) => ((e.kind === 'etcdctl.stdout' || e.kind === 'etcdctl.stderr') && e.kind === stream ? e.text : '')).join('');
  const exit = mine.find((e) => e.kind === 'etcdctl.exit');
  return { stdout: text('etcdctl.stdout'), stderr: text('etcdctl.stderr'), code: exit?.kind === 'etcdctl.exit' ? exit.code : undefined };
}

describe('etcdctl world input', () => {
  it('runs put then get on a simulated client, printing what etcdctl prints', async () => {
    const w = await cluster();
    expect(await etcdctl(w, 'put foo bar')).toEqual({ stdout: 'OK\n', stderr: '', code: 0 });
    expect(await etcdctl(w, 'etcdctl get foo')).toEqual({ stdout: 'foo\nbar\n', stderr: '', code: 0 });
    expect(w.busy).toBe(false);
    // Each command is a new etcdctl process with its own clientv3 on the host.
    expect(w.trace.filter((e) => e.kind === 'client.new').map((e) => e.source)).toEqual(['etcdctl-1', 'etcdctl-2']);
  });

  it("reports a bad command and a failed request with etcdctl's texts and exit codes", async () => {
    const w = await cluster();
    expect(await etcdctl(w, 'bogus')).toEqual({
      stdout: '',
      stderr: 'Error: unknown command "bogus" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "bogus" for "etcdctl"\n',
      code: 1,
    });
    expect(await etcdctl(w, 'put "" x')).toEqual({ stdout: '', stderr: 'Error: etcdserver: key is not provided\n', code: 1 });
    expect(await etcdctl(w, 'put foo')).toMatchObject({ stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments\n', code: 128 });
  });

  it('feeds the lines after the first to standard input (txn)', async () => {
    const w = await cluster();
    await etcdctl(w, 'put k 1');
    const r = await etcdctl(w, 'txn\nvalue("k") = "1"\n\nput k 2\n\nput k 3\n', 'ops');
    expect(r).toEqual({ stdout: 'SUCCESS\n\nOK\n', stderr: '', code: 0 });
    expect((await etcdctl(w, 'get k --print-value-only')).stdout).toBe('2\n');
  });

  it('runs a watch in the background until Ctrl-C, while other commands write', async () => {
    const w = await cluster();
    const from = w.kernel.trace.length;
    w.input({ type: 'etcdctl', client: 'watcher', line: 'watch k' });
    await w.settle();
    await w.runUntilAsync(w.now + 500);
    await etcdctl(w, 'put k v1');
    await w.runUntilAsync(w.now + 500);
    expect(w.busy).toBe(true);
    w.input({ type: 'etcdctl-interrupt', client: 'watcher' });
    await w.settle();
    await w.runUntilAsync(w.now + 500);
    expect(w.busy).toBe(false);
    const watcher = w.kernel.trace.range(from).filter((e) => e.source === 'watcher');
    expect(watcher.map((e) => (e.kind === 'etcdctl.stdout' ? e.text : e.kind === 'etcdctl.exit' ? `exit ${e.code}` : '')).join('')).toBe('PUT\nk\nv1\nexit 130');
  });

  it('replays a run with etcdctl commands byte for byte; the synchronous ways refuse', async () => {
    const w = await cluster(5);
    await etcdctl(w, 'put a 1');
    w.input({ type: 'etcdctl', line: 'lease grant 10' });
    expect(() => w.input({ type: 'heal' })).toThrow(InputError);
    await w.settle();
    expect(() => w.runFor(10)).toThrow(/etcdctl command "lease grant 10" is running: advance the world with runUntilAsync/);
    await w.runUntilAsync(w.now + 1000);
    await etcdctl(w, 'get a -w json');
    await w.runUntilAsync(w.now + 100);
    const b = await World.replayAsync(w.config, w.inputs, w.now);
    expect(b.hash()).toBe(w.hash());
    expect(b.trace.filter((e) => e.kind === 'etcdctl.exit').length).toBe(3);
    expect(() => World.replay(w.config, w.inputs, w.now)).toThrow(/replay it with World.replayAsync/);
  });
});
