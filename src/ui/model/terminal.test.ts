import { describe, expect, it } from 'vitest';
import { editLine, emptyLine, PROMPT, transcriptDelta } from './terminal';
import type { ConsoleLine } from './frame';

describe('console line editor', () => {
  it('echoes typing, erases with backspace and runs the line on Enter', () => {
    let e = editLine(emptyLine, 'put fo');
    expect(e.echo).toBe('put fo');
    e = editLine(e.state, 'x\x7fo bar');
    expect(e.echo).toBe('x\b \bo bar');
    e = editLine(e.state, '\r');
    expect(e.run).toBe('put foo bar');
    expect(e.state).toEqual({ buffer: '', history: ['put foo bar'], back: 0 });
  });

  it('recalls history with the arrows, ignores other escapes, Ctrl-C interrupts', () => {
    let s = editLine(editLine(emptyLine, 'get a\r').state, 'get b\r').state;
    let e = editLine(s, '\x1b[A\x1b[A');
    expect(e.state.buffer).toBe('get a');
    expect(e.echo.endsWith(`${PROMPT}get a`)).toBe(true);
    e = editLine(e.state, '\x1b[B\x1b[D');
    expect(e.state.buffer).toBe('get b');
    s = editLine(e.state, '\x03').state;
    expect(editLine(e.state, '\x03').interrupt).toBe(true);
    expect(s.buffer).toBe('');
    expect(editLine(emptyLine, '  \r').run).toBeUndefined();
  });
});

describe('console transcript', () => {
  const line = (seq: number, text: string, stream: ConsoleLine['stream'] = 'stdout'): ConsoleLine => ({ seq, stream, text });
  const a = [line(3, '$ etcdctl get foo', 'command'), line(9, 'foo'), line(9, 'bar')];

  it('writes only the new lines when the cursor moves on', () => {
    expect(transcriptDelta([], a)).toEqual({ reset: false, lines: a });
    expect(transcriptDelta(a.slice(0, 1), a)).toEqual({ reset: false, lines: a.slice(1) });
    expect(transcriptDelta(a, [...a, line(12, 'OK')])).toEqual({ reset: false, lines: [line(12, 'OK')] });
    expect(transcriptDelta(a, a).lines).toEqual([]);
  });

  it('redraws everything after a jump back or another run', () => {
    expect(transcriptDelta(a, a.slice(0, 1))).toEqual({ reset: true, lines: a.slice(0, 1) });
    expect(transcriptDelta(a, [line(9, 'other')])).toEqual({ reset: true, lines: [line(9, 'other')] });
  });
});
