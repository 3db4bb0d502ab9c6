// The harness's output buffer, which is also every node's raft Logger: lines at or above
// the level are printed as `<LEVEL> <text>` (rafttest/interaction_env_logger.go). At level
// NONE everything written is dropped, including the harness's own output.
import type { LogFields, Logger } from '../logger';
import { LogLevel, logLevelNames } from '../logger';

export class RedirectLogger implements Logger {
  private buf: string[] = [];
  level: LogLevel = LogLevel.Debug;

  quiet(): boolean {
    return this.level === LogLevel.None;
  }

  write(s: string): void {
    if (!this.quiet()) this.buf.push(s);
  }

  text(): string {
    return this.buf.join('');
  }

  reset(): void {
    this.buf = [];
  }

  /** Runs f with a fresh buffer, then appends its lines indented by two spaces. */
  withIndent(f: () => void): void {
    const orig = this.buf;
    this.buf = [];
    try {
      f();
    } finally {
      const inner = this.buf.join('');
      this.buf = orig;
      if (inner !== '') {
        const lines = inner.endsWith('\n') ? inner.slice(0, -1).split('\n') : inner.split('\n');
        for (const l of lines) this.buf.push('  ' + l + '\n');
      }
    }
  }

  enabled(level: LogLevel): boolean {
    return this.level <= level;
  }

  private print(level: LogLevel, text: string): void {
    if (this.level <= level) this.write(`${logLevelNames[level]} ${text}${text.endsWith('\n') ? '' : '\n'}`);
  }

  debug(text: string, _fields?: LogFields): void {
    this.print(LogLevel.Debug, text);
  }
  info(text: string, _fields?: LogFields): void {
    this.print(LogLevel.Info, text);
  }
  warning(text: string, _fields?: LogFields): void {
    this.print(LogLevel.Warn, text);
  }
  error(text: string, _fields?: LogFields): void {
    this.print(LogLevel.Error, text);
  }
  panic(text: string, _fields?: LogFields): never {
    this.print(LogLevel.Fatal, text);
    throw new Error(text);
  }
}
