/**
 * The pipe's logger: one formatted line per entry, written straight to the stream it is given.
 *
 * DESIGN §6 names winston here. The pipe used it only to format a line and write it to stdout,
 * and loading it cost 23–37 ms of every start (issue #9, `npm run bench -- --only startup`), more
 * than the whole validation path; this file does the same in a few lines, synchronously, so
 * lines keep their order and nothing is buffered when the process exits.
 */
import { redactor as defaultRedactor, type Redactor } from './redactor.js';
import type { TextSink } from './stdout.js';

export type LogMeta = Record<string, unknown>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The pipe's logger: levels, a scope prefix per component or action, redaction always on. */
export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  /** Returns a logger whose lines carry `[scope]` (nested scopes join with a space). */
  child(scope: string): Logger;
  /** True when DEBUG is on, so callers can skip building expensive debug text. */
  readonly isDebug: boolean;
}

export interface LoggerOptions {
  stream: TextSink;
  debug?: boolean;
  color?: boolean;
  redactor?: Redactor;
}

/** One log entry, already redacted. */
export interface LogEntry {
  level: LogLevel;
  message: string;
  scope?: string | undefined;
  meta?: LogMeta | undefined;
}

const LEVEL_LABELS: Record<LogLevel, string> = {
  error: 'ERROR: ',
  warn: 'WARNING: ',
  info: '',
  debug: 'DEBUG: ',
};
const LEVEL_COLOURS: Record<LogLevel, string> = {
  error: '\u001b[31m',
  warn: '\u001b[33m',
  info: '',
  debug: '\u001b[90m',
};
const RESET = '\u001b[0m';
const SUCCESS_COLOUR = '\u001b[32m';

function formatMeta(meta: LogMeta): string {
  const parts = Object.entries(meta)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Returns the text of one log line (no newline): level label, `[scope]`, message, metadata. */
export function formatLine(entry: LogEntry, color: boolean): string {
  const scope = entry.scope ? `[${entry.scope}] ` : '';
  const meta = entry.meta === undefined ? '' : formatMeta(entry.meta);
  const text = `${LEVEL_LABELS[entry.level]}${scope}${entry.message}${meta}`;
  if (!color) return text;
  const colour = entry.message.startsWith('✔') ? SUCCESS_COLOUR : LEVEL_COLOURS[entry.level];
  return colour ? `${colour}${text}${RESET}` : text;
}

/** Returns a logger writing one line per entry to `options.stream`, redacted before formatting. */
export function createLogger(options: LoggerOptions): Logger {
  const red = options.redactor ?? defaultRedactor;
  const color = options.color ?? false;
  const isDebug = options.debug ?? false;
  const write = (entry: LogEntry): void => {
    // Redaction comes first: nothing reaches the stream unmasked.
    const redacted: LogEntry = {
      level: entry.level,
      scope: entry.scope,
      message: red.redact(String(entry.message)),
      meta: entry.meta === undefined ? undefined : red.redactDeep(entry.meta),
    };
    options.stream.write(`${formatLine(redacted, color)}\n`);
  };
  const make = (scope: string | undefined): Logger => {
    const emit =
      (level: LogLevel) =>
      (message: string, meta?: LogMeta): void => {
        if (level === 'debug' && !isDebug) return;
        write({ level, message, scope, meta });
      };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (inner) => make(scope ? `${scope} ${inner}` : inner),
      isDebug,
    };
  };
  return make(undefined);
}
