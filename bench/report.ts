/**
 * The benchmark's table: one row per figure with its target and whether it is met, rendered
 * as aligned text for the terminal and as Markdown for the README. Pure.
 */

/** `true`/`false` for a target, `null` for a figure reported without one. */
export type Verdict = boolean | null;

export interface TableRow {
  benchmark: string;
  figure: string;
  measured: string;
  target: string;
  met: Verdict;
}

/** Returns the row's verdict word. */
export function verdictWord(met: Verdict): string {
  return met === null ? '—' : met ? 'met' : 'MISSED';
}

const HEADER = ['benchmark', 'figure', 'measured', 'target', 'met?'];

function cells(row: TableRow): string[] {
  return [row.benchmark, row.figure, row.measured, row.target, verdictWord(row.met)];
}

/** Returns the rows as a fixed-width text table (header, rule, rows). */
export function formatTextTable(rows: readonly TableRow[]): string {
  const all = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADER), rule, ...rows.map((r) => line(cells(r)))].join('\n');
}

/** Returns the rows as a Markdown table. */
export function formatMarkdownTable(rows: readonly TableRow[]): string {
  const escape = (c: string): string => c.replace(/\|/g, '\\|');
  const line = (r: string[]): string => `| ${r.map(escape).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map((r) => line(cells(r)))].join(
    '\n',
  );
}

/** Returns "1.23×" (or "n/a" for a figure that could not be computed). */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** Returns milliseconds as "850 ms" or "12.3 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Returns the verdict of `value <= limit` (null when the value is missing). */
export function atMost(value: number, limit: number): Verdict {
  return Number.isFinite(value) ? value <= limit : null;
}

/** Returns the verdict of `value >= limit` (null when the value is missing). */
export function atLeast(value: number, limit: number): Verdict {
  return Number.isFinite(value) ? value >= limit : null;
}

/** Returns bytes as MB (10^6 bytes, as `docker history` counts them) with two decimals. */
export function toMb(bytes: number): number {
  return Math.round(bytes / 10_000) / 100;
}
