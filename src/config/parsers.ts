/**
 * Parsers for variable values. Each one is both the rule (the variables schema's `format`
 * calls it) and the conversion (loadConfig calls it again for the typed value), so what is
 * accepted and what is produced cannot drift apart.
 */
import { MAX_DURATION_MS } from './schema.js';

/**
 * A parse outcome: the typed value, or the problem in words that name what would be valid
 * (without the variable name, which the caller prefixes).
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);
const PLAIN_SECONDS = /^\d+$/;
// Spelt out rather than /i: case-insensitive patterns cost ~0.3 ms to compile at start (#9).
const HOURS_MINUTES_SECONDS = /^(?:(\d+)[hH])?(?:(\d+)[mM])?(?:(\d+)[sS])?$/;
const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/** Returns the boolean a `true/false/yes/no/1/0` word (any case) stands for. */
export function parseBoolean(text: string): ParseResult<boolean> {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return {
    ok: false,
    problem: `${quote(text)} is not a boolean; use true or false (or yes/no, 1/0)`,
  };
}

/**
 * Returns a duration in milliseconds: `30s`, `20m`, `2h`, `1h30m` (any case) or plain seconds
 * (`90`), greater than zero and at most 48h.
 */
export function parseDuration(text: string): ParseResult<number> {
  const word = text.trim();
  const ms = PLAIN_SECONDS.test(word) ? Number(word) * MS_PER_SECOND : unitsToMs(word);
  if (ms === undefined) {
    return {
      ok: false,
      problem: `${quote(text)} is not a duration; use e.g. 30s, 20m, 2h, 1h30m or plain seconds (90)`,
    };
  }
  if (ms <= 0 || ms > MAX_DURATION_MS) {
    return {
      ok: false,
      problem: `${quote(text)} is out of range; use a duration from 1s to ${formatDuration(MAX_DURATION_MS)}`,
    };
  }
  return { ok: true, value: ms };
}

function unitsToMs(word: string): number | undefined {
  const match = HOURS_MINUTES_SECONDS.exec(word);
  if (word === '' || match === null) return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return (
    Number(hours) * MS_PER_HOUR + Number(minutes) * MS_PER_MINUTE + Number(seconds) * MS_PER_SECOND
  );
}

/** Returns a duration in the compact form users write: `1h30m`, `45s`, `0s`. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / MS_PER_SECOND);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds > 0 ? `${seconds}s` : '',
  ];
  return parts.join('') || '0s';
}

/** Returns the path unchanged when it is a plain path (no line break or NUL character). */
export function parsePath(text: string): ParseResult<string> {
  const path = text.trim();
  // eslint-disable-next-line no-control-regex -- NUL is exactly what is being refused
  if (/[\r\n\u0000]/.test(path)) {
    return {
      ok: false,
      problem: `${quote(text)} contains a line break or NUL character; use a plain file path`,
    };
  }
  return { ok: true, value: path };
}

/**
 * Returns the secret without surrounding whitespace; one with whitespace inside is refused
 * (a pasted line break would only fail later, at authentication). The problem never shows it.
 */
export function parseSecret(text: string): ParseResult<string> {
  const secret = text.trim();
  if (/\s/.test(secret)) {
    return {
      ok: false,
      problem:
        '(value hidden) contains whitespace or a line break; set the secured variable to the value alone',
    };
  }
  return { ok: true, value: secret };
}

const MAX_QUOTED_CHARS = 80;
// eslint-disable-next-line no-control-regex -- control characters are what gets escaped
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/**
 * Returns `text` in single quotes for a one-line message: control characters escaped and
 * long values shortened, so one bad value can neither break nor flood the output.
 */
export function quote(text: string): string {
  const shown = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
  const escaped = shown.replace(CONTROL_CHARS, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${escaped}'`;
}
