import type { Writable } from 'node:stream';
import winston from 'winston';
import { redactor as defaultRedactor, type Redactor } from './redactor.js';

export type LogMeta = Record<string, unknown>;

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
  stream: Writable;
  debug?: boolean;
  color?: boolean;
  redactor?: Redactor;
}

const LEVEL_LABELS: Record<string, string> = {
  error: 'ERROR: ',
  warn: 'WARNING: ',
  info: '',
  debug: 'DEBUG: ',
};
const LEVEL_COLOURS: Record<string, string> = {
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

/** Returns a winston-backed logger writing one line per entry to `options.stream`. */
export function createLogger(options: LoggerOptions): Logger {
  const red = options.redactor ?? defaultRedactor;
  const color = options.color ?? false;
  const isDebug = options.debug ?? false;
  // Redaction is the first format: nothing reaches a transport unmasked.
  const redact = winston.format((info) => {
    const meta = (info['meta'] ?? {}) as LogMeta;
    info['meta'] = red.redactDeep(meta);
    info.message = red.redact(String(info.message));
    return info;
  });
  const line = winston.format.printf((info) => {
    const scope = typeof info['scope'] === 'string' ? `[${info['scope']}] ` : '';
    const meta = formatMeta((info['meta'] ?? {}) as LogMeta);
    const message = String(info.message);
    const label = LEVEL_LABELS[info.level] ?? '';
    const text = `${label}${scope}${message}${meta}`;
    if (!color) return text;
    const colour = message.startsWith('✔') ? SUCCESS_COLOUR : (LEVEL_COLOURS[info.level] ?? '');
    return colour ? `${colour}${text}${RESET}` : text;
  });
  const base = winston.createLogger({
    level: isDebug ? 'debug' : 'info',
    format: winston.format.combine(redact(), line),
    transports: [new winston.transports.Stream({ stream: options.stream })],
  });
  const make = (scope: string | undefined): Logger => {
    const emit =
      (level: string) =>
      (message: string, meta?: LogMeta): void => {
        base.log({ level, message, scope, meta });
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
