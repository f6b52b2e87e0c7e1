import { isoTime } from './step-token.js';

/** Kept free before the credential deadline, so the last token request still succeeds. */
export const CREDENTIAL_SAFETY_MARGIN_MS = 2 * 60_000;

/** The credential's deadline as seen at one moment. */
export interface CredentialWindow {
  /** `TokenProvider.credentialDeadline()`: epoch ms, undefined when unbounded. */
  deadlineMs: number | undefined;
  nowMs: number;
}

/** The default wait after capping, and the one info line that says so (DESIGN §7.6). */
export interface CappedWait {
  waitMs: number;
  /** Set when the cap applied; the orchestrator logs it at info. */
  note?: string;
}

/**
 * Returns the default wait: `waitTimeoutMs` (WAIT_TIMEOUT) capped at the credential's
 * remaining life minus {@link CREDENTIAL_SAFETY_MARGIN_MS} (never below zero).
 */
export function capWaitToCredential(waitTimeoutMs: number, window: CredentialWindow): CappedWait {
  if (window.deadlineMs === undefined) return { waitMs: waitTimeoutMs };
  const available = Math.max(0, window.deadlineMs - window.nowMs - CREDENTIAL_SAFETY_MARGIN_MS);
  if (waitTimeoutMs <= available) return { waitMs: waitTimeoutMs };
  return {
    waitMs: available,
    note:
      `default wait capped at ${formatDuration(available)} (WAIT_TIMEOUT ${formatDuration(waitTimeoutMs)}): ` +
      `the step OIDC token expires at ${isoTime(window.deadlineMs)} and cannot be renewed`,
  };
}

/**
 * Returns a warning when a wait of `longestWaitMs` starting now would end after the credential
 * deadline (naming both times and the action), or undefined when it fits.
 */
export function credentialLifetimeWarning(
  longestWaitMs: number,
  window: CredentialWindow,
  label = 'the longest wait',
): string | undefined {
  if (window.deadlineMs === undefined) return undefined;
  const waitEnds = window.nowMs + longestWaitMs;
  if (waitEnds <= window.deadlineMs - CREDENTIAL_SAFETY_MARGIN_MS) return undefined;
  return (
    `${label} (${formatDuration(longestWaitMs)}) could last until ${isoTime(waitEnds)}, but the step OIDC token ` +
    `expires at ${isoTime(window.deadlineMs)}; no Databricks token can be obtained after that, so the wait may ` +
    'fail with an authentication error: shorten the timeout or move the wait to a later step'
  );
}

/** Returns a duration as `1h 5m`, `20m`, `45s` (largest units, zeros dropped). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', seconds > 0 ? `${seconds}s` : ''];
  return parts.filter((p) => p !== '').join(' ') || '0s';
}
