import { toPipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { redactor } from '../log/redactor.js';

/** The final verdict: `✔ …` or `✖ …` plus detail and hint lines, printed by the process edge. */
export interface Verdict {
  ok: boolean;
  lines: string[];
}

/** Returns the failure verdict (✖ line, one line per detail, the hint); logs the stack at DEBUG. */
export function failureVerdict(log: Logger, error: unknown): Verdict {
  const failure = toPipeError(error);
  if (log.isDebug) {
    const cause = failure.cause instanceof Error ? failure.cause : failure;
    log.debug(redactor.redact(cause.stack ?? String(cause)), { code: failure.code });
  }
  const lines = [`✖ ${failure.message}`, ...failure.details.map((d) => `  - ${d}`)];
  if (failure.hint) lines.push(`  hint: ${failure.hint}`);
  return { ok: false, lines: lines.map((line) => redactor.redact(line)) };
}

/** Returns the success verdict. */
export function successVerdict(message: string): Verdict {
  return { ok: true, lines: [`✔ ${message}`] };
}

/** Returns the verdict as text, coloured green or red when asked. */
export function formatVerdict(verdict: Verdict, color: boolean): string {
  const text = verdict.lines.join('\n');
  if (!color) return `${text}\n`;
  return `${verdict.ok ? '\u001b[32m' : '\u001b[31m'}${text}\u001b[0m\n`;
}
