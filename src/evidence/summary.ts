/**
 * The final console summary: one aligned row per action (action, target, outcome, duration,
 * link), returned as lines for the logger; the caller prints the ✔/✖ verdict after it.
 */
import type { ActionResult } from '../runner/types.js';

/** Descriptions longer than this are cut with `…` so a row stays on one terminal line. */
export const SUMMARY_TARGET_MAX_CHARS = 60;

const HEADER = ['#', 'action', 'target', 'outcome', 'duration', 'link'] as const;

/** Returns the summary table's lines (header first); an empty plan gives one explanatory line. */
export function formatSummary(results: readonly ActionResult[]): string[] {
  if (results.length === 0) return ['no actions'];
  const rows: string[][] = [
    [...HEADER],
    ...results.map((r) => [
      String(r.index),
      r.id === undefined ? r.type : `${r.type} ${r.id}`,
      truncate(r.description, SUMMARY_TARGET_MAX_CHARS),
      r.status,
      r.duration_ms === undefined ? '-' : formatDuration(r.duration_ms),
      linkOf(r) ?? '',
    ]),
  ];
  const widths = HEADER.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, col) =>
        col === 0 ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Returns a compact duration: `850ms`, `4.2s`, `45s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${pad2(totalSeconds % 60)}s`;
  return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

/** Returns the action's link for people (the run page), when it has one. */
export function linkOf(result: Pick<ActionResult, 'outputs'>): string | undefined {
  const url = result.outputs['run_page_url'];
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
