// Raft's narration: etcd's Logger levels and texts (spec Appendix B), plus structured
// fields so the same line can become a trace event. Callers check `enabled(level)` before
// building a line, so a disabled level costs no string formatting.

export enum LogLevel {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
  Fatal = 4,
  None = 5,
}

export const logLevelNames = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'NONE'] as const;

/** Structured facts of a log line; `event` names the decision (e.g. "became-leader"). */
export type LogFields = Readonly<Record<string, number | string | boolean>>;

export interface LogRecord {
  level: LogLevel;
  text: string;
  fields: LogFields;
}

export interface Logger {
  enabled(level: LogLevel): boolean;
  debug(text: string, fields?: LogFields): void;
  info(text: string, fields?: LogFields): void;
  warning(text: string, fields?: LogFields): void;
  error(text: string, fields?: LogFields): void;
  /** Logs at FATAL, then throws an Error with the text (etcd panics here). */
  panic(text: string, fields?: LogFields): never;
}

const noFields: LogFields = Object.freeze({});

/** A logger that hands every record at or above `level` to `sink`. */
export class RecordLogger implements Logger {
  constructor(
    public level: LogLevel,
    private readonly sink: (rec: LogRecord) => void,
  ) {}

  enabled(level: LogLevel): boolean {
    return level >= this.level;
  }

  private emit(level: LogLevel, text: string, fields: LogFields | undefined): void {
    if (level >= this.level) this.sink({ level, text, fields: fields ?? noFields });
  }

  debug(text: string, fields?: LogFields): void {
    this.emit(LogLevel.Debug, text, fields);
  }
  info(text: string, fields?: LogFields): void {
    this.emit(LogLevel.Info, text, fields);
  }
  warning(text: string, fields?: LogFields): void {
    this.emit(LogLevel.Warn, text, fields);
  }
  error(text: string, fields?: LogFields): void {
    this.emit(LogLevel.Error, text, fields);
  }
  panic(text: string, fields?: LogFields): never {
    this.emit(LogLevel.Fatal, text, fields);
    throw new Error(text);
  }
}

/** Discards everything; still throws on panic. The default when no logger is configured. */
export const discardLogger: Logger = new RecordLogger(LogLevel.None, () => {});
