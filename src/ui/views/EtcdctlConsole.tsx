// The etcdctl console: a terminal (@xterm/xterm) whose lines run through the project's
// etcdctl command layer on a simulated client, as `etcdctl` inputs of the world. A line is
// recorded and replays like any input; what etcdctl prints comes back as trace events
// folded into the frame, so the console shows the output at the cursor (time travel).
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import type { ConsoleLine } from '../model/frame';
import { editLine, emptyLine, PROMPT, render, transcriptDelta, writeAbovePrompt, type LineState } from '../model/terminal';
import './console.css';

export function EtcdctlConsole({ loop }: { loop: SimLoop }) {
  const lines = useUIStore((s) => s.frame.console);
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<{ terminal: Terminal; shown: readonly ConsoleLine[]; line: LineState } | undefined>(undefined);

  useEffect(() => {
    const terminal = new Terminal({
      rows: 14,
      fontSize: 12,
      convertEol: false,
      cursorBlink: false,
      scrollback: 1000,
      theme: { background: '#111827', foreground: '#e5e7eb' },
    });
    const t = { terminal, shown: [] as readonly ConsoleLine[], line: emptyLine };
    term.current = t;
    terminal.open(host.current as HTMLDivElement);
    terminal.textarea?.setAttribute('aria-label', 'etcdctl command line');
    terminal.write(render(useUIStore.getState().frame.console) + PROMPT);
    t.shown = useUIStore.getState().frame.console;
    const data = terminal.onData((keys) => {
      const edit = editLine(t.line, keys);
      t.line = edit.state;
      terminal.write(edit.echo);
      if (edit.interrupt === true && loop.world.busy) loop.input({ type: 'etcdctl-interrupt' });
      if (edit.run !== undefined) loop.input({ type: 'etcdctl', line: edit.run });
    });
    return () => {
      data.dispose();
      terminal.dispose();
      term.current = undefined;
    };
  }, [loop]);

  useEffect(() => {
    const t = term.current;
    if (t === undefined || lines === t.shown) return;
    const delta = transcriptDelta(t.shown, lines);
    if (delta.reset) t.terminal.reset();
    if (delta.reset || delta.lines.length > 0) t.terminal.write(writeAbovePrompt(delta.lines, t.line.buffer));
    t.shown = lines;
  }, [lines]);

  return (
    <div className="console">
      <div ref={host} className="terminal" data-testid="console-terminal" />
      {/* The same lines as text, for screen readers and tests. */}
      <pre className="visually-hidden" data-testid="console-output" role="log" aria-label="etcdctl output">
        {lines.map((l) => l.text).join('\n')}
      </pre>
      <p className="hint">
        A full etcdctl (v3.6) on a simulated client host: try <code>put foo bar</code>, <code>get foo -w json</code>, <code>member list -w table</code>,{' '}
        <code>watch foo</code> (Ctrl-C stops it). ↑ recalls a line.
      </p>
    </div>
  );
}
