// The etcdctl console's terminal, as pure functions: a line editor over the keys xterm
// reports (what to echo, what to run) and what to write when the console lines at the
// cursor change (the new lines, or everything again after a jump back in time).
import type { ConsoleLine } from './frame';

export const PROMPT = '$ etcdctl ';

const ERASE_LINE = '\r\x1b[2K';
const STYLE: Record<ConsoleLine['stream'], [string, string]> = {
  command: ['\x1b[1;36m', '\x1b[0m'],
  stdout: ['', ''],
  stderr: ['\x1b[33m', '\x1b[0m'],
};

export interface LineState {
  buffer: string;
  /** Lines run, oldest first. */
  history: readonly string[];
  /** How far back in history the buffer was recalled from (0: a new line). */
  back: number;
}

export interface Edit {
  state: LineState;
  /** Written to the terminal as is. */
  echo: string;
  /** A line to run. */
  run?: string;
  /** Ctrl-C. */
  interrupt?: boolean;
}

export const emptyLine: LineState = { buffer: '', history: [], back: 0 };

/** Applies what xterm's onData reported (typed keys or pasted text). */
export function editLine(state: LineState, data: string): Edit {
  let s = state;
  let echo = '';
  let run: string | undefined;
  let interrupt = false;
  const recall = (back: number) => {
    const b = Math.max(0, Math.min(s.history.length, back));
    const buffer = b === 0 ? '' : s.history[s.history.length - b];
    s = { ...s, buffer, back: b };
    echo += ERASE_LINE + PROMPT + buffer;
  };
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (data.startsWith('\x1b[A', i) || data.startsWith('\x1b[B', i)) {
      recall(s.back + (data[i + 2] === 'A' ? 1 : -1));
      i += 2;
    } else if (c === '\x1b') {
      // Other escape sequences (arrows left and right, function keys) are not edited.
      while (i + 1 < data.length && !/[A-Za-z~]/.test(data[i + 1])) i++;
      i++;
    } else if (c === '\r' || c === '\n') {
      if (s.buffer.trim() !== '') {
        run = s.buffer;
        s = { buffer: '', history: [...s.history, s.buffer], back: 0 };
        // The command comes back from the trace as the console's next line.
        echo += ERASE_LINE;
        break;
      }
      echo += `\r\n${PROMPT}`;
    } else if (c === '\x03') {
      interrupt = true;
      s = { ...s, buffer: '', back: 0 };
      echo += `^C\r\n${PROMPT}`;
    } else if (c === '\x7f' || c === '\b') {
      if (s.buffer !== '') {
        s = { ...s, buffer: s.buffer.slice(0, -1) };
        echo += '\b \b';
      }
    } else if (c >= ' ') {
      s = { ...s, buffer: s.buffer + c };
      echo += c;
    }
  }
  return { state: s, echo, run, interrupt: interrupt || undefined };
}

/**
 * The lines to write to go from showing `shown` to showing `next`: the new ones when
 * `next` continues `shown`, else all of `next` after a reset (the cursor moved back, or
 * another run was loaded).
 */
export function transcriptDelta(shown: readonly ConsoleLine[], next: readonly ConsoleLine[]): { reset: boolean; lines: readonly ConsoleLine[] } {
  const last = shown.at(-1);
  if (last === undefined) return { reset: false, lines: next };
  let at = next.length - 1;
  while (at >= 0 && next[at].seq !== last.seq) at--;
  if (at < 0 || next[at].text !== last.text || next[at].stream !== last.stream) return { reset: true, lines: next };
  return { reset: false, lines: next.slice(at + 1) };
}

/** Terminal text for console lines (colours for commands and errors). */
export function render(lines: readonly ConsoleLine[]): string {
  return lines.map((l) => `${STYLE[l.stream][0]}${l.text}${STYLE[l.stream][1]}\r\n`).join('');
}

/** What to write when lines arrive while a line is being typed: they go above the prompt. */
export function writeAbovePrompt(lines: readonly ConsoleLine[], buffer: string): string {
  return `${ERASE_LINE}${render(lines)}${PROMPT}${buffer}`;
}
