import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Golden files live beside the tests; `UPDATE_GOLDEN=1` rewrites them (review the diff). */
export const GOLDEN_DIR = resolve(import.meta.dirname, '../golden');

// Ordered: paths first (they may contain digits), then the volatile values inside lines.
// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const LOOPBACK_PORT = /\b(127\.0\.0\.1|localhost):\d{2,5}\b/g;
const UUID = /\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?/gi;
const LONG_HEX = /\b[0-9a-f]{32,}\b/g;
// Measured or computed durations (`120ms`, `1.4s`, `57m 59s`); a lone `30s` or `1h` stays: it
// is usually a configured value.
const DURATION = /\b\d+(?:\.\d+)?ms\b|\b\d+\.\d+s\b|\b\d+[hm](?: \d+[ms])+\b/g;
// A wait cap computed from the token's expiry: `58m 59s`, or `58m` when the seconds are zero.
const WAIT_CAP = /(default wait capped at )\d+[hm](?: \d+[ms])*/g;
// The pipe's own elapsed-time suffix on progress lines, `(0s)`, `(1m 5s)`.
const ELAPSED_SUFFIX = /\((?:\d+[hms])(?: \d+[hms])*\)$/gm;
// A table column after a normalised duration is padded to the real value's width.
const PADDED_DURATION = /<duration> {2,}(?=\S)/g;
const TIME_KEYS = new Set(['started_at', 'finished_at', 'time', 'timestamp']);
const DURATION_KEYS = new Set(['duration_ms', 'elapsed_ms']);
const EPOCH_KEYS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/**
 * Values that change between runs, by what they stand for: `paths` become `<clone>`, and each
 * `labels` key (a known id such as the repository UUID) becomes its label, so golden output
 * still says *which* id appears where.
 */
export interface Volatile {
  paths?: readonly string[];
  labels?: Readonly<Record<string, string>>;
}

/** Returns `text` with the values that change between runs replaced by stable placeholders. */
export function normaliseText(text: string, volatile: Volatile = {}): string {
  const literals: Array<[string, string]> = [
    ...(volatile.paths ?? []).map((path): [string, string] => [path, '<clone>']),
    ...Object.entries(volatile.labels ?? {}),
  ];
  let out = text.replace(ANSI, '');
  for (const [value, label] of literals.sort((a, b) => b[0].length - a[0].length))
    out = out.split(value).join(label);
  return out
    .replace(ISO_TIME, '<time>')
    .replace(LOOPBACK_PORT, '$1:<port>')
    .replace(UUID, '<uuid>')
    .replace(LONG_HEX, '<hex>')
    .replace(ELAPSED_SUFFIX, '(<elapsed>)')
    .replace(WAIT_CAP, '$1<duration>')
    .replace(DURATION, '<duration>')
    .replace(PADDED_DURATION, '<duration>  ');
}

/** Returns a results/audit JSON value with times, durations and volatile strings normalised. */
export function normaliseJson(value: unknown, volatile: Volatile = {}, key = ''): unknown {
  if (TIME_KEYS.has(key) && typeof value === 'string') return '<time>';
  if (DURATION_KEYS.has(key) && typeof value === 'number') return '<duration>';
  if (EPOCH_KEYS.has(key) && typeof value === 'number') return '<epoch>';
  if (typeof value === 'string') return normaliseText(value, volatile);
  if (Array.isArray(value)) return value.map((item) => normaliseJson(item, volatile));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, normaliseJson(v, volatile, k)]),
    );
  }
  return value;
}

/**
 * Asserts `actual` equals the golden file `name` (under test/container/golden/); with
 * UPDATE_GOLDEN=1 writes it instead. A missing golden file fails: it must be reviewed once.
 */
export function expectGolden(name: string, actual: string): void {
  const path = resolve(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${name} is missing: run with UPDATE_GOLDEN=1, then review it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
